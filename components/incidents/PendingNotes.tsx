"use client";

import { formatTime, type TimeZoneMode } from "@/lib/signals/format";
import { KIND_UI } from "./meta";
import { PendingStatus } from "./PendingStatus";
import type { OutboxNote } from "./outbox";
import { TimelineMarkdown } from "./TimelineMarkdown";

/**
 * Entries typed here that the server has not acknowledged (./useOutbox.ts), under the timeline:
 * waiting ones say they will be sent; refused ones say why and can be retried or dropped.
 */
export function PendingNotes({ notes, tz, onRetry, onDiscard }: { notes: OutboxNote[]; tz: TimeZoneMode; onRetry: (key: string) => void; onDiscard: (key: string) => void }) {
  if (notes.length === 0) return null;
  return (
    <ul aria-label="Not sent yet" className="flex flex-col gap-2">
      {notes.map((n) => {
        const ui = KIND_UI[n.input.kind];
        return (
          <li key={n.key} aria-label={`${ui.label} not sent yet`} className="rounded-xl border border-dashed border-warn/60 bg-warn/5 px-4 py-3">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
              <time dateTime={new Date(n.input.occurredAt).toISOString()} className="num font-mono text-sm font-semibold text-fg">
                {formatTime(n.input.occurredAt, tz)}
              </time>
              <span className={ui.tone}>{ui.label}</span>
              {n.author && <span className="font-semibold text-fg">{n.author}</span>}
              <PendingStatus failed={n.failed} onRetry={() => onRetry(n.key)} onDiscard={() => onDiscard(n.key)} />
            </div>
            <TimelineMarkdown text={n.input.body} className="mt-1 flex flex-col gap-1.5 text-sm leading-relaxed break-words text-fg" />
          </li>
        );
      })}
    </ul>
  );
}
