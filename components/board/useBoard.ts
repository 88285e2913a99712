"use client";

import { useLiveCache } from "@/components/live/useLiveCache";
import { useQueryClient } from "@tanstack/react-query";
import { useChannel } from "@/components/live/LiveProvider";
import { BoardSnapshotSchema } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import { applyBoardEvent, boardFromSnapshot, type BoardState } from "./model";

export const boardQueryKey = ["live", "board"] as const;

/**
 * The `board` channel, kept in the query cache: the snapshot replaces the entry, events
 * patch it. The entry outlives the page, so coming back shows the last board (marked
 * stale until fresh frames arrive) instead of an empty screen.
 */
export function useBoard(): BoardState | undefined {
  const qc = useQueryClient();
  useChannel<unknown>("board", {
    onSnapshot: (data) => {
      const snapshot = parsed(BoardSnapshotSchema, data);
      if (snapshot) qc.setQueryData<BoardState>(boardQueryKey, boardFromSnapshot(snapshot));
    },
    onEvent: (event, data) => qc.setQueryData<BoardState>(boardQueryKey, (old) => (old ? applyBoardEvent(old, event, data) : old)),
  });
  return useLiveCache<BoardState>(boardQueryKey);
}
