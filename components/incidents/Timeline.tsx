"use client";

import { memo, useMemo, useState } from "react";
import type { TimeZoneMode } from "@/lib/signals/format";
import { KIND_UI } from "./meta";
import { PendingNotes } from "./PendingNotes";
import { ScribeBox } from "./ScribeBox";
import { useOutbox } from "./useOutbox";
import { TimelineEntryView } from "./TimelineEntry";
import { ENTRY_KINDS, type EntryKind, type TimelineEntry } from "./types";

type Props = { incidentId: string; startedAt: number; entries: TimelineEntry[]; tz: TimeZoneMode; serverNow: () => number };

/**
 * Oldest first, newest last, with the scribe box right under the newest entry: the timeline
 * reads as the story of the call (as the postmortem will), a back-dated entry lands where it
 * belongs, and the person typing sees their entry appear next to where they type.
 */
export const Timeline = memo(function Timeline({ incidentId, startedAt, entries, tz, serverNow }: Props) {
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [kind, setKind] = useState<EntryKind | "">("");
  const shown = useMemo(() => entries.filter((e) => (!pinnedOnly || e.pinned) && (!kind || e.kind === kind)), [entries, pinnedOnly, kind]);
  const pinned = entries.filter((e) => e.pinned).length;
  const outbox = useOutbox(incidentId);

  return (
    <section aria-label="Timeline" className="flex min-w-0 flex-col gap-3">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">
          Timeline <span className="num font-normal normal-case">· {entries.length} entries{pinned > 0 && ` · ${pinned} pinned`}</span>
        </h2>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <label className="flex items-center gap-1.5 text-muted">
            <input type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.target.checked)} className="accent-(--color-warn)" />
            Pinned only
          </label>
          <label className="flex items-center gap-1.5 text-muted">
            Kind
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as EntryKind | "")}
              className="rounded-md border border-line bg-bg px-2 py-1 text-sm text-fg focus:border-chart-1 focus:outline-none"
            >
              <option value="">All kinds</option>
              {ENTRY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_UI[k].label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <div className="rounded-xl border border-line bg-surface">
        {shown.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-muted">
            {entries.length === 0 ? "Nothing recorded yet. Write the first entry below." : "No entries match this filter."}
          </p>
        ) : (
          shown.map((e) => <TimelineEntryView key={e.id} entry={e} incidentId={incidentId} tz={tz} serverNow={serverNow} />)
        )}
      </div>
      <PendingNotes notes={outbox.notes} tz={tz} onRetry={outbox.retry} onDiscard={outbox.discard} />
      <ScribeBox tz={tz} serverNow={serverNow} queue={outbox.queue} notBefore={startedAt} />
    </section>
  );
});
