"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatDateTime, type TimeZoneMode } from "@/lib/signals/format";
import { EntryRevisionListSchema } from "@/lib/incidents/contract";
import { TimelineMarkdown } from "./TimelineMarkdown";
import type { TimelineEntry } from "./types";

/**
 * An entry's edit history (GET …/timeline/{eid}/revisions): each earlier text and time, newest
 * first, with who replaced it and when. Read again whenever the entry's version changes.
 */
export function EntryHistory({ entry, tz, id }: { entry: TimelineEntry; tz: TimeZoneMode; id: string }) {
  const q = useQuery({
    queryKey: ["incidents", "revisions", entry.incidentId, entry.id, entry.version],
    queryFn: ({ signal }) =>
      apiFetch(`/api/v1/incidents/${encodeURIComponent(entry.incidentId)}/timeline/${encodeURIComponent(entry.id)}/revisions`, {
        signal,
        schema: EntryRevisionListSchema,
      }),
    staleTime: Infinity,
  });
  return (
    <section id={id} aria-label="Edit history" className="mt-2 rounded-lg border border-line bg-bg/60 px-3 py-2 text-sm">
      {q.isPending ? (
        <p className="text-xs text-muted">Loading history…</p>
      ) : q.error ? (
        <p role="alert" className="text-xs text-critical">
          History unavailable: {q.error.message}
        </p>
      ) : (
        <ol className="flex flex-col gap-2">
          {[...q.data.revisions].reverse().map((r) => (
            <li key={r.version} className="border-l-2 border-line pl-2">
              <p className="text-xs text-muted">
                Before <span className="font-semibold text-fg">{r.editedBy}</span> edited it at <span className="num">{formatDateTime(r.editedAt, tz)}</span>
                {" · "}
                time was <span className="num">{formatDateTime(r.occurredAt, tz)}</span>
              </p>
              <TimelineMarkdown text={r.body} className="mt-0.5 flex flex-col gap-1 text-sm break-words text-muted" />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
