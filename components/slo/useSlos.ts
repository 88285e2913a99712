"use client";

import { useLiveCache } from "@/components/live/useLiveCache";
import { useQueryClient } from "@tanstack/react-query";
import { useChannel, useConnection, useNow } from "@/components/live/LiveProvider";
import { SloWorstSchema, SlosSnapshotSchema, type SloStatus } from "@/lib/slo/contract";
import { parsed } from "@/components/contract";

export const slosQueryKey = ["live", "slos"] as const;

/** The server publishes every 5 s; three missed updates make the numbers stale. */
export const SLOS_STALE_AFTER_MS = 15_000;

export type SlosState = { slos: SloStatus[]; receivedAt: number };

export type UseSlos = {
  /** undefined until the first snapshot (or the last one cached from an earlier visit). */
  slos: SloStatus[] | undefined;
  stale: boolean;
  /** Local time the data arrived, null before any. */
  receivedAt: number | null;
};

function toState(data: unknown): SlosState | null {
  const snapshot = parsed(SlosSnapshotSchema, data);
  return snapshot ? { slos: snapshot.slos, receivedAt: Date.now() } : null;
}

/**
 * The `slos` channel in the query cache: snapshot and `update` events both carry the full list
 * and replace the entry. Kept forever so a return visit shows the last budgets (marked stale).
 */
export function useSlos(): UseSlos {
  const qc = useQueryClient();
  const write = (data: unknown) => {
    const next = toState(data);
    if (next) qc.setQueryData<SlosState>(slosQueryKey, next);
  };
  useChannel<unknown>("slos", {
    onSnapshot: write,
    onEvent: (event, data) => {
      if (event === "update") write(data);
    },
  });
  const state = useLiveCache<SlosState>(slosQueryKey);
  const connection = useConnection();
  const now = useNow(1000);
  const receivedAt = state?.receivedAt ?? null;
  const stale =
    receivedAt === null || connection.state !== "live" || (now !== null && now - receivedAt > SLOS_STALE_AFTER_MS);
  return { slos: state?.slos, stale, receivedAt };
}

export const sloWorstQueryKey = ["live", "slos:worst"] as const;

type WorstState = { worst: SloStatus | null; total: number; receivedAt: number };

/** `slos:worst`: the SLO with the least budget left, for the board's banner (not every SLO of the estate). */
export function useWorstSlo(): { worst: SloStatus | null | undefined; total: number; stale: boolean } {
  const qc = useQueryClient();
  const write = (data: unknown) => {
    const w = parsed(SloWorstSchema, data);
    if (w) qc.setQueryData<WorstState>(sloWorstQueryKey, { ...w, receivedAt: Date.now() });
  };
  useChannel<unknown>("slos:worst", {
    onSnapshot: write,
    onEvent: (event, data) => {
      if (event === "update") write(data);
    },
  });
  const state = useLiveCache<WorstState>(sloWorstQueryKey);
  const connection = useConnection();
  const now = useNow(1000);
  const receivedAt = state?.receivedAt ?? null;
  const stale = receivedAt === null || connection.state !== "live" || (now !== null && now - receivedAt > SLOS_STALE_AFTER_MS);
  return { worst: state ? state.worst : undefined, total: state?.total ?? 0, stale };
}
