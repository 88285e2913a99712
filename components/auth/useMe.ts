"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { MeSchema, type Me } from "./contract";

export const ME_QUERY_KEY = ["me"] as const;

export function fetchMe(): Promise<Me> {
  return apiFetch("/api/v1/me", { schema: MeSchema });
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
