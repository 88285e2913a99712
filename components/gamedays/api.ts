"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiFetch } from "@/components/api";
import { useChannel } from "@/components/live/LiveProvider";
import { authorHeaders, readName } from "@/components/incidents/identity";
import { RunAnswerSchema, RunSchema, type Run } from "@/lib/gamedays/model";
import { PlanDetailSchema, PlanListSchema } from "@/lib/gamedays/contract";

export type { PlanSummary, TrendPoint } from "@/lib/gamedays/contract";

const runKey = (id: string) => ["gameday-run", id] as const;
const path = (plan: string, run?: string) => `/api/v1/gamedays/${encodeURIComponent(plan)}${run ? `/runs/${encodeURIComponent(run)}` : ""}`;

export function usePlans() {
  return useQuery({ queryKey: ["gamedays"], queryFn: () => apiFetch("/api/v1/gamedays", { schema: PlanListSchema }), refetchInterval: 10_000 });
}

export function usePlan(slug: string) {
  return useQuery({ queryKey: ["gameday", slug], queryFn: () => apiFetch(path(slug), { schema: PlanDetailSchema }), refetchInterval: 10_000 });
}

/** The run over HTTP first, then kept current by its `gameday:<id>` channel (every viewer alike). */
export function useRun(plan: string, id: string | null) {
  const qc = useQueryClient();
  const query = useQuery({ queryKey: runKey(id ?? ""), queryFn: () => apiFetch(path(plan, id as string), { schema: RunAnswerSchema }).then((r) => r.run), enabled: id !== null });
  const put = (run: Run) => qc.setQueryData<Run>(runKey(run.id), (old) => (old && old.version > run.version ? old : run));
  useChannel<{ run: Run }, { run: Run }>(id ? `gameday:${id}` : null, { onSnapshot: (d) => put(d.run), onEvent: (_e, d) => put(d.run) });
  return query;
}

/** Writes are attributed like incident writes (local mode: `X-War-Room-User`; signed in: the session). */
function useRunWrite(make: (plan: string, run: string, arg: number | undefined) => { url: string; json: unknown }) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ plan, run, arg }: { plan: string; run: string; arg?: number }) => {
      const { url, json } = make(plan, run, arg);
      return apiFetch(url, { method: "POST", json, headers: authorHeaders(readName()), schema: RunAnswerSchema }).then((r) => r.run);
    },
    onSuccess: (run) => qc.setQueryData(runKey(run.id), run),
  });
}

export function useStartRun() {
  return useMutation({ mutationFn: (plan: string) => apiFetch(`${path(plan)}/runs`, { method: "POST", json: {}, headers: authorHeaders(readName()), schema: RunAnswerSchema }).then((r) => r.run) });
}
export const useAbortRun = () => useRunWrite((plan, run) => ({ url: `${path(plan, run)}/abort`, json: { reason: "aborted from the run page" } }));
export const useStepDone = () => useRunWrite((plan, run, n) => ({ url: `${path(plan, run)}/steps/${n}/done`, json: {} }));
export const useDraftReport = () => useRunWrite((plan, run) => ({ url: `${path(plan, run)}/report`, json: {} }));

/** The run of a drill incident, if it is a game day's (the incident page's probe panel). */
export function useIncidentRun(incidentId: string) {
  const q = useQuery({ queryKey: ["incident-gameday", incidentId], queryFn: () => apiFetch(`/api/v1/incidents/${encodeURIComponent(incidentId)}/gameday`, { schema: z.object({ run: RunSchema.nullable() }) }).then((r) => r.run) });
  return q.data ?? null;
}
