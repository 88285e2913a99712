"use client";

import { CloudOff, RotateCcw, Trash2, TriangleAlert } from "lucide-react";
import type { OutboxItem } from "./outbox";

/** Action items typed here that the server has not acknowledged yet (./useOutbox.ts useItemOutbox). */
export function PendingItems({ items, onRetry, onDiscard }: { items: OutboxItem[]; onRetry: (key: string) => void; onDiscard: (key: string) => void }) {
  if (items.length === 0) return null;
  return (
    <ul aria-label="Action items not sent yet" className="flex flex-col gap-1.5">
      {items.map((n) => (
        <li key={n.key} aria-label="Action item not sent yet" className="flex flex-wrap items-center gap-x-2 gap-y-1 rounded-md border border-dashed border-warn/60 bg-warn/5 px-3 py-2 text-sm">
          <span className="font-semibold text-fg">{n.input.title}</span>
          <span className="text-xs text-muted">
            {n.input.type} · {n.input.priority}
            {n.input.owner && ` · ${n.input.owner}`}
          </span>
          {n.failed === null ? (
            <span role="status" className="inline-flex items-center gap-1 text-xs font-semibold text-warn">
              <CloudOff aria-hidden className="size-3.5" />
              pending — will send when the server is back
            </span>
          ) : (
            <>
              <span role="alert" className="inline-flex items-center gap-1 text-xs font-semibold text-critical">
                <TriangleAlert aria-hidden className="size-3.5" />
                Not sent: {n.failed}
              </span>
              <span className="ml-auto flex gap-1 text-xs">
                <button type="button" onClick={() => onRetry(n.key)} className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-muted hover:bg-surface-2 hover:text-fg">
                  <RotateCcw aria-hidden className="size-3.5" /> Retry
                </button>
                <button type="button" onClick={() => onDiscard(n.key)} className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-muted hover:bg-surface-2 hover:text-fg">
                  <Trash2 aria-hidden className="size-3.5" /> Discard
                </button>
              </span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
