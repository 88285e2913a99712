"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiFetch, ApiError } from "@/components/api";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { StatusUpdateSchema, UPDATE_STATUSES, UpdateDueSchema, publicTitle } from "@/lib/comms/status-updates";
import { useIncidentUi } from "@/components/incidents/IncidentUi";

const PanelSchema = z.object({
  updates: z.array(StatusUpdateSchema),
  due: UpdateDueSchema,
  templates: z.record(z.string(), z.string()),
  channels: z.array(z.object({ id: z.string(), kind: z.string(), name: z.string() })),
});
type Status = (typeof UPDATE_STATUSES)[number];
const LABEL: Record<Status, string> = { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved" };

const key = (id: string) => ["incidents", "status-updates", id] as const;

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? "under a minute" : m === 1 ? "1 min" : `${m} min`;
}

/** "Next update due" for everyone on the incident: counts down, and turns into a nudge once overdue. */
export function UpdateDue({ nextDueAt, now }: { nextDueAt: number | null; now: number }) {
  if (nextDueAt === null) return <p className="text-sm text-muted">No further customer update is due.</p>;
  const left = nextDueAt - now;
  if (left > 0) return <p className="text-sm text-muted" data-testid="update-due">Next customer update due in {minutes(left)}</p>;
  return (
    <p role="alert" data-testid="update-due" className="rounded-md border border-critical/60 bg-critical/10 px-2 py-1 text-sm font-semibold text-critical">
      Customer update overdue by {minutes(-left)} — post one now
    </p>
  );
}

/** Customer-facing status updates (the comms lead's panel): apart from the internal timeline. */
export function StatusUpdatesPanel({ incidentId, services, now, tz }: { incidentId: string; services: string[]; now: number | null; tz: string }) {
  const qc = useQueryClient();
  // Attributed like every incident write: the signed-in person, or (local mode) the name asked for once.
  const { write } = useIncidentUi();
  const perm = useCan()("timeline.write");
  const noteId = useId();
  const { data } = useQuery({
    queryKey: key(incidentId),
    queryFn: ({ signal }) => apiFetch(`/api/v1/incidents/${incidentId}/status-updates`, { signal, schema: PanelSchema }),
    refetchInterval: 30_000,
  });
  const [status, setStatus] = useState<Status>("investigating");
  const [body, setBody] = useState("");
  const [title, setTitle] = useState("");
  const [channels, setChannels] = useState<string[]>([]);
  const publish = useMutation({
    mutationFn: () => write(`/api/v1/incidents/${incidentId}/status-updates`, "POST", { status, body, channels, ...(title.trim() ? { title: title.trim() } : {}) }),
    onSuccess: () => {
      setBody("");
      setTitle("");
      void qc.invalidateQueries({ queryKey: key(incidentId) });
    },
  });
  const applyTemplate = (s: Status) => {
    setStatus(s);
    const text = data?.templates[s] ?? "";
    setBody(text.replace("{services}", services.join(", ") || "our services").replace("{minutes}", String(data?.due.everyMinutes ?? 30)));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (perm.allowed && body.trim()) publish.mutate();
  };
  const fmt = (t: number) => new Date(t).toLocaleString("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", day: "2-digit", month: "short" });
  return (
    <section aria-labelledby={`${noteId}-h`} className="flex flex-col gap-3 rounded-xl border border-line bg-surface p-4">
      <h2 id={`${noteId}-h`} className="text-sm font-semibold uppercase tracking-wide text-muted">Status updates (customer-facing)</h2>
      {data && now !== null && <UpdateDue nextDueAt={data.due.nextDueAt} now={now} />}
      <form onSubmit={submit} className="flex flex-col gap-2 kiosk:hidden">
        <div role="group" aria-label="Template" className="flex flex-wrap gap-1.5">
          {UPDATE_STATUSES.map((s) => (
            <button key={s} type="button" aria-label={`Use the ${LABEL[s]} template`} aria-pressed={status === s} onClick={() => applyTemplate(s)} className="rounded-md border border-line px-2 py-1 text-xs font-semibold text-muted hover:text-fg aria-pressed:border-chart-1 aria-pressed:text-fg">
              {LABEL[s]}
            </button>
          ))}
        </div>
        <label className="flex flex-col gap-1 text-xs text-muted">
          Public title (what the status page calls this incident; the internal title never leaves)
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={200}
            disabled={!perm.allowed}
            placeholder={data ? publicTitle(data.updates, []) : ""}
            className="rounded-md border border-line bg-bg px-2 py-1 text-sm text-fg focus:border-chart-1 focus:outline-none"
          />
        </label>
        <label className="flex flex-col gap-1 text-xs text-muted">
          Update text ({LABEL[status]})
          <textarea value={body} onChange={(e) => setBody(e.target.value)} maxLength={5000} rows={3} disabled={!perm.allowed} {...denied(perm, noteId)} className="rounded-md border border-line bg-bg px-2 py-1 text-sm text-fg focus:border-chart-1 focus:outline-none" />
        </label>
        {data && data.channels.length > 0 && (
          <fieldset className="flex flex-wrap gap-3 text-xs text-muted">
            <legend className="mb-1">Also send to</legend>
            {data.channels.map((c) => (
              <label key={c.id} className="flex items-center gap-1">
                <input type="checkbox" checked={channels.includes(c.id)} onChange={(e) => setChannels((cs) => (e.target.checked ? [...cs, c.id] : cs.filter((x) => x !== c.id)))} />
                {c.name} <span className="text-faint">({c.kind})</span>
              </label>
            ))}
          </fieldset>
        )}
        <button type="submit" disabled={!perm.allowed || !body.trim() || publish.isPending} {...denied(perm, noteId)} className="self-start rounded-md border border-chart-1 px-3 py-1 text-sm font-semibold disabled:opacity-50">
          Publish to status page
        </button>
        {publish.error && <p role="alert" className="text-sm text-critical">{publish.error instanceof ApiError ? publish.error.message : "Could not publish"}</p>}
        <ReadOnlyNote permission={perm} id={noteId} />
      </form>
      <ol className="flex flex-col gap-2" aria-label="Published status updates">
        {data?.updates.map((u) => (
          <li key={u.id} className="rounded-md border border-line px-3 py-2 text-sm">
            <div className="flex flex-wrap items-baseline gap-2 text-xs text-muted">
              <span className="font-semibold text-fg">{LABEL[u.status]}</span>
              {u.title && <span className="text-fg">“{u.title}”</span>}
              <time dateTime={new Date(u.publishedAt).toISOString()}>{fmt(u.publishedAt)}</time>
              <span>by {u.author}</span>
              {u.channels.length > 0 && <span>→ {u.channels.join(", ")}</span>}
            </div>
            <p className="mt-1 whitespace-pre-wrap break-words">{u.body}</p>
          </li>
        ))}
        {data && data.updates.length === 0 && <li className="text-sm text-faint">Nothing published yet.</li>}
      </ol>
    </section>
  );
}
