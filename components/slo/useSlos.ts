"use client";

import { useEffect, useRef } from "react";
import type { SlosFrame } from "@/lib/slo/page-feed";
import { useLiveCache } from "@/components/live/useLiveCache";
import { useQueryClient } from "@tanstack/react-query";
import { SOCKET_GRACE_MS, useChannel, useConnection, useNow } from "@/components/live/LiveProvider";
import { SloWorstSchema, SlosSnapshotSchema, SlosUpdateSchema, type SloStatus } from "@/lib/slo/contract";
import { parsed } from "@/components/contract";
import { mergeSlos } from "@/lib/slo/merge";
import { unpackSlos } from "@/lib/slo/wire";

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
  return snapshot ? { slos: unpackSlos(snapshot), receivedAt: Date.now() } : null;
}

/**
 * The `slos` channel in the query cache: the snapshot replaces the entry, an `update` (only the
 * SLOs that moved) is merged into it (mergeSlos). Kept forever so a return visit shows the last
 * budgets (marked stale). The /slos page brings the first list with it (`initial`, app/slos/page.tsx)
 * and the socket resumes from its position instead of sending it again.
 */
export function useSlos(initial: SlosFrame | null = null): UseSlos {
  const qc = useQueryClient();
  // As components/board/useBoard.ts: into the cache during render, so the first paint has the SLOs.
  // A list cached from an earlier visit is replaced after render (before the socket resumes from `initial`'s position).
  const seeded = useRef(false);
  if (initial && !seeded.current && !qc.getQueryData<SlosState>(slosQueryKey)) {
    seeded.current = true;
    qc.setQueryData<SlosState>(slosQueryKey, { slos: unpackSlos(initial.data), receivedAt: Date.now() });
  }
  useEffect(() => {
    if (!initial || seeded.current) return;
    seeded.current = true;
    qc.setQueryData<SlosState>(slosQueryKey, { slos: unpackSlos(initial.data), receivedAt: Date.now() });
  }, [initial, qc]);
  const write = (data: unknown) => {
    const next = toState(data);
    if (next) qc.setQueryData<SlosState>(slosQueryKey, next);
  };
  const merge = (data: unknown) => {
    const update = parsed(SlosUpdateSchema, data);
    if (!update) return;
    const moved = { slos: unpackSlos(update), removed: update.removed };
    qc.setQueryData<SlosState>(slosQueryKey, (held) => (held ? { slos: mergeSlos(held.slos, moved), receivedAt: Date.now() } : held));
  };
  useChannel<unknown>(
    "slos",
    {
      onSnapshot: write,
      onEvent: (event, data) => {
        if (event === "update") merge(data);
      },
    },
    () => (initial && initial.epoch ? { epoch: initial.epoch, seq: initial.seq } : null),
  );
  const state = useLiveCache<SlosState>(slosQueryKey);
  const connection = useConnection();
  const now = useNow(1000);
  const receivedAt = state?.receivedAt ?? null;
  // The list the page brought is current while the socket comes up: it is not dimmed as stale in the
  // first seconds (as the board, components/board/useBoard.ts), only once the socket has had SOCKET_GRACE_MS.
  const age = now !== null && receivedAt !== null ? now - receivedAt : 0;
  const stale = receivedAt === null || age > SLOS_STALE_AFTER_MS || (connection.state !== "live" && age > SOCKET_GRACE_MS);
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
