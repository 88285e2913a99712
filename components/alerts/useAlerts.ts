"use client";

import { useLiveCache } from "@/components/live/useLiveCache";
import { useMemo } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useChannel, useConnection } from "@/components/live/LiveProvider";
import type { Alert } from "@/lib/alerts/model";
import { alertsFromSnapshot, applyAlertChange, shownAlerts, type AlertsState } from "./model";

export const alertsQueryKey = ["live", "alerts"] as const;

export type UseAlerts = {
  /** Pending + firing alerts to show (inhibited tiers hidden), firing and most severe first; undefined before the snapshot. */
  alerts: Alert[] | undefined;
  firing: Alert[];
  pending: Alert[];
  /** Recently resolved alerts, newest first. */
  resolved: Alert[];
  /** True before the first snapshot and whenever the socket is not live: the list may be out of date. */
  stale: boolean;
};

const NONE: Alert[] = [];

/**
 * The `alerts` channel in the query cache. The snapshot replaces the entry; `change` events patch
 * it (the channel is lossless, and the live client re-snapshots when it cannot replay a gap).
 */
export function useAlerts(): UseAlerts {
  const qc = useQueryClient();
  useChannel<unknown>("alerts", {
    onSnapshot: (data) => {
      const next = alertsFromSnapshot(data, Date.now());
      if (next) qc.setQueryData<AlertsState>(alertsQueryKey, next);
    },
    onEvent: (event, data) => {
      if (event !== "change") return;
      qc.setQueryData<AlertsState>(alertsQueryKey, (old) => (old ? applyAlertChange(old, data, Date.now()) : old));
    },
  });
  const state = useLiveCache<AlertsState>(alertsQueryKey);
  const connection = useConnection();
  const shown = useMemo(() => (state ? shownAlerts(state.active) : undefined), [state]);
  return {
    alerts: shown,
    firing: useMemo(() => shown?.filter((a) => a.state === "firing") ?? NONE, [shown]),
    pending: useMemo(() => shown?.filter((a) => a.state === "pending") ?? NONE, [shown]),
    resolved: state?.resolved ?? NONE,
    stale: !state || connection.state !== "live",
  };
}
