"use client";

import { PendingStatus } from "./PendingStatus";
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
          <PendingStatus failed={n.failed} onRetry={() => onRetry(n.key)} onDiscard={() => onDiscard(n.key)} />
        </li>
      ))}
    </ul>
  );
}
