"use client";

import { useLiveCache } from "@/components/live/useLiveCache";
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useChannel, useConnection } from "@/components/live/LiveProvider";
import { apiFetch } from "@/components/api";
import { ServiceListSchema, ServiceSnapshotSchema, SignalHistorySchema } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import { RANGE_META, historyWindow, type RangeKey } from "@/lib/signals/range";
import { applyServiceEvent, liveFromSnapshot, type ServiceLive } from "./model";

export const serviceLiveKey = (id: string) => ["live", "service", id] as const;

/** The `service:<id>` channel in the query cache; `missing` when the server says there is no such service. */
export function useServiceLive(id: string): { live: ServiceLive | undefined; missing: boolean } {
  const qc = useQueryClient();
  const tickMs = useConnection().hello?.tickMs ?? 1000;
  const [missing, setMissing] = useState(false);
  useChannel<unknown>(`service:${id}`, {
    onSnapshot: (data) => {
      const snapshot = parsed(ServiceSnapshotSchema, data);
      if (!snapshot) return;
      setMissing(false);
      qc.setQueryData<ServiceLive>(serviceLiveKey(id), liveFromSnapshot(snapshot, tickMs));
    },
    onEvent: (event, data) =>
      qc.setQueryData<ServiceLive>(serviceLiveKey(id), (old) => (old ? applyServiceEvent(old, event, data) : old)),
    onError: (msg) => {
      if (msg.code === "unknown_channel") setMissing(true);
    },
  });
  const live = useLiveCache<ServiceLive>(serviceLiveKey(id), 5 * 60_000);
  return { live, missing };
}

export function useServices() {
  return useQuery({
    queryKey: ["services"],
    queryFn: () => apiFetch("/api/v1/services", { schema: ServiceListSchema }).then((r) => r.services),
    staleTime: 60_000,
  });
}

/** Past signals for the non-live ranges, refetched once per step. */
export function useHistory(id: string, range: RangeKey) {
  const live = RANGE_META[range].live;
  const { step } = historyWindow(range, 0);
  return useQuery({
    queryKey: ["signals", id, range],
    queryFn: ({ signal }) => {
      const w = historyWindow(range, Date.now());
      const qs = new URLSearchParams({ from: String(w.from), to: String(w.to), step: String(w.step) });
      return apiFetch(`/api/v1/services/${encodeURIComponent(id)}/signals?${qs}`, { signal, schema: SignalHistorySchema });
    },
    enabled: !live,
    refetchInterval: Math.max(5_000, step * 1000),
    staleTime: step * 1000,
  });
}
