"use client";

import { useEffect, useRef, useState } from "react";
import { useLiveCache } from "@/components/live/useLiveCache";
import { useQueryClient } from "@tanstack/react-query";
import { SOCKET_GRACE_MS, useChannel, useConnection } from "@/components/live/LiveProvider";
import { BoardFrameSchema, BoardSnapshotSchema, type BoardFrame } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import { applyBoardEvent, boardFromSnapshot, replaceBoard, type BoardState } from "./model";

export const boardQueryKey = ["live", "board"] as const;

/** While the socket is down, the board is fetched this often (docs/protocol.md "Without a WebSocket"). */
export const BOARD_POLL_MS = 5_000;

export type BoardFeed = { board: BoardState | undefined; polling: boolean };

/**
 * The `board` channel, kept in the query cache: the snapshot replaces the entry, events patch it.
 * The page brings the first board with it (`initial`, app/page.tsx), and the socket then resumes
 * from that position instead of sending it again. When the socket cannot connect (a proxy that
 * blocks WebSockets), GET /api/v1/board every 5 s keeps the board current.
 */
export function useBoard(initial: BoardFrame | null): BoardFeed {
  const qc = useQueryClient();
  // Like react-query's HydrationBoundary: a new entry during render (so the first paint has data), a newer one after it.
  const seeded = useRef(false);
  if (initial && !seeded.current && !qc.getQueryData<BoardState>(boardQueryKey)) {
    seeded.current = true;
    qc.setQueryData<BoardState>(boardQueryKey, boardFromSnapshot(initial.data));
  }
  useEffect(() => {
    if (!initial || seeded.current) return;
    seeded.current = true;
    const fresh = boardFromSnapshot(initial.data);
    qc.setQueryData<BoardState>(boardQueryKey, (old) => (!old || (old.lastTickAt ?? 0) < (fresh.lastTickAt ?? 0) ? fresh : old));
  }, [initial, qc]);
  useChannel<unknown>(
    "board",
    {
      onSnapshot: (data) => {
        const snapshot = parsed(BoardSnapshotSchema, data);
        if (snapshot) qc.setQueryData<BoardState>(boardQueryKey, (old) => replaceBoard(old, boardFromSnapshot(snapshot)));
      },
      onEvent: (event, data) => qc.setQueryData<BoardState>(boardQueryKey, (old) => (old ? applyBoardEvent(old, event, data) : old)),
    },
    () => (initial && initial.epoch ? { epoch: initial.epoch, seq: initial.seq } : null),
  );
  const polling = useSocketDown();
  useEffect(() => {
    if (!polling) return;
    let stop = false;
    const poll = async () => {
      const ctl = new AbortController();
      const timer = window.setTimeout(() => ctl.abort(), 4_000);
      try {
        const r = await fetch("/api/v1/board", { signal: ctl.signal, headers: { accept: "application/json" } });
        const frame = r.ok ? parsed(BoardFrameSchema, await r.json()) : null;
        if (frame && !stop) qc.setQueryData<BoardState>(boardQueryKey, (old) => replaceBoard(old, boardFromSnapshot(frame.data)));
      } catch {
        // The next poll tries again; the board meanwhile turns STALE by itself.
      } finally {
        window.clearTimeout(timer);
      }
    };
    void poll();
    const id = window.setInterval(poll, BOARD_POLL_MS);
    return () => {
      stop = true;
      window.clearInterval(id);
    };
  }, [polling, qc]);
  return { board: useLiveCache<BoardState>(boardQueryKey), polling };
}

/** True while the socket is not live and has not been for a few seconds (so a normal connect never flashes the notice). */
function useSocketDown(): boolean {
  const conn = useConnection();
  const live = conn.state === "live";
  const [down, setDown] = useState(false);
  useEffect(() => {
    if (live) {
      setDown(false);
      return;
    }
    const id = window.setTimeout(() => setDown(true), SOCKET_GRACE_MS);
    return () => window.clearTimeout(id);
  }, [live]);
  return down && !live;
}
