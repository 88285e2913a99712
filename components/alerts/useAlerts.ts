"use client";

import { useLiveCache } from "@/components/live/useLiveCache";
import { useMemo } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useChannel, useConnection } from "@/components/live/LiveProvider";
import type { Alert } from "@/lib/alerts/model";
import type { AlertGroup } from "@/lib/alerts/group";
import { alertsFromSnapshot, applyAlertChange, shownGroups, type AlertsState } from "./model";

export const alertsQueryKey = ["live", "alerts"] as const;

export type UseAlerts = {
  /** One group per rule and service (lower tiers folded), firing and unsilenced first; undefined before the snapshot. */
  groups: AlertGroup[] | undefined;
  /** Groups with an unsilenced firing alert: what counts as firing. */
  firing: AlertGroup[];
  /** Groups only pending (none firing), not silenced. */
  pending: AlertGroup[];
  /** Groups whose every alert is silenced. */
  silenced: AlertGroup[];
  /** Every pending and firing alert (each tier). */
  active: Alert[];
  /** Recently resolved alerts, newest first. */
  resolved: Alert[];
  /** True before the first snapshot and whenever the socket is not live: the list may be out of date. */
  stale: boolean;
};

const NONE: never[] = [];

/**
 * The `alerts` channel in the query cache. The snapshot replaces the entry; `change` events patch
 * it (the channel is lossless, and the live client re-snapshots when it cannot replay a gap).
 * `now` (server time) decides which silences still hold: they end by themselves.
 */
export function useAlerts(now: number | null): UseAlerts {
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
  // To the second: silences end on a second boundary at the earliest that matters to a viewer.
  const second = now === null ? 0 : Math.floor(now / 1000) * 1000;
  const groups = useMemo(() => (state ? shownGroups(state.active, second) : undefined), [state, second]);
  return {
    groups,
    firing: useMemo(() => groups?.filter((g) => g.firing) ?? NONE, [groups]),
    pending: useMemo(() => groups?.filter((g) => !g.firing && !g.silenced) ?? NONE, [groups]),
    silenced: useMemo(() => groups?.filter((g) => g.silenced) ?? NONE, [groups]),
    active: state?.active ?? NONE,
    resolved: state?.resolved ?? NONE,
    stale: !state || connection.state !== "live",
  };
}
