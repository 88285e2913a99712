"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Burndown } from "./model";
import { BurndownSchema } from "@/lib/slo/contract";

export const BURNDOWN_REFRESH_MS = 60_000;

/** Burn-down history of one SLO over its window: HTTP, refreshed every minute. */
export function useBurndown(sloId: string) {
  return useQuery<Burndown>({
    queryKey: ["slo-burndown", sloId],
    queryFn: ({ signal }) => apiFetch(`/api/v1/slos/${encodeURIComponent(sloId)}/burndown`, { signal, schema: BurndownSchema }),
    refetchInterval: BURNDOWN_REFRESH_MS,
    staleTime: BURNDOWN_REFRESH_MS / 2,
  });
}
