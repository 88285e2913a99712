"use client";

import { CloudOff, RotateCcw, Trash2, TriangleAlert } from "lucide-react";

/**
 * The state of one write waiting in the outbox (./useOutbox.ts), for notes (./PendingNotes.tsx)
 * and action items (./PendingItems.tsx): waiting to be sent, or refused with why, Retry and Discard.
 */
export function PendingStatus({ failed, onRetry, onDiscard }: { failed: string | null; onRetry: () => void; onDiscard: () => void }) {
  if (failed === null) {
    return (
      <span role="status" className="inline-flex items-center gap-1 text-xs font-semibold text-warn">
        <CloudOff aria-hidden className="size-3.5" />
        pending — will send when the server is back
      </span>
    );
  }
  return (
    <>
      <span role="alert" className="inline-flex items-center gap-1 text-xs font-semibold text-critical">
        <TriangleAlert aria-hidden className="size-3.5" />
        Not sent: {failed}
      </span>
      <span className="ml-auto flex gap-1 text-xs">
        <button type="button" onClick={onRetry} className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-muted hover:bg-surface-2 hover:text-fg">
          <RotateCcw aria-hidden className="size-3.5" /> Retry
        </button>
        <button type="button" onClick={onDiscard} className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-muted hover:bg-surface-2 hover:text-fg">
          <Trash2 aria-hidden className="size-3.5" /> Discard
        </button>
      </span>
    </>
  );
}
