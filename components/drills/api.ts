"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { DrillAnswerSchema, DrillListSchema, type StartDrillInput } from "@/lib/drills/types";

export const drillsQueryKey = ["drills"] as const;

/** Active and recent drills (newest first), for chart annotations beyond the live window. */
export function useDrillHistory(enabled = true) {
  return useQuery({
    queryKey: drillsQueryKey,
    queryFn: () => apiFetch("/api/v1/drills?limit=50", { schema: DrillListSchema }).then((r) => r.drills),
    enabled,
    refetchInterval: 60_000,
  });
}

// Board and service channels push the new drill list themselves; nothing to patch here.
export function useStartDrill() {
  return useMutation({
    mutationFn: (input: StartDrillInput) => apiFetch("/api/v1/drills", { method: "POST", json: input, schema: DrillAnswerSchema }),
  });
}

export function useStopDrill() {
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/drills/${encodeURIComponent(id)}/stop`, { method: "POST", schema: DrillAnswerSchema }),
  });
}
