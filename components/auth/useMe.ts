"use client";

import { useQuery } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/components/api";
import { MeSchema, type Me } from "./contract";

export const ME_QUERY_KEY = ["me"] as const;

/** A server without `/api/v1/me` (older than sign-in) runs in local mode. */
const LOCAL: Me = { mode: "local", user: null, signInUrl: "/auth/login", signOutUrl: "/auth/logout" };

export async function fetchMe(): Promise<Me> {
  try {
    return await apiFetch("/api/v1/me", { schema: MeSchema });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return LOCAL;
    throw e;
  }
}

/** Who this browser is signed in as, and how this war room signs people in. */
export function useMe() {
  return useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: fetchMe,
    staleTime: 30_000,
    refetchOnWindowFocus: true,
    retry: 1,
  });
}
