"use client";

import { useId, useState, type FormEvent } from "react";
import clsx from "clsx";
import { CircleAlert, FilePlus2, TriangleAlert } from "lucide-react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/components/api";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { incidentLabel } from "@/components/incidents/meta";
import { isActive, type Incident } from "@/components/incidents/types";
import { createPostmortem, postmortemKey, useTemplates } from "./api";
import type { TimelineChoice } from "./types";

type Problem = { title: string; message: string };

function problemOf(err: unknown, incident: Incident): Problem {
  if (err instanceof ApiError) {
    const code = (err.details as { code?: unknown } | undefined)?.code;
    if (code === "needs_end_time") return { title: `Resolve ${incidentLabel(incident.number)} first`, message: err.message };
    if (code === "invalid_template") return { title: "This team template has errors", message: err.message };
    if (err.status === 409) return { title: "A postmortem already exists", message: err.message };
  }
  return { title: "The draft was not created", message: err instanceof Error ? err.message : String(err) };
}

const TIMELINE: { value: TimelineChoice; label: string; hint: string }[] = [
  { value: "pinned", label: "Pinned entries only", hint: "The moments the team marked as key. Recommended." },
  { value: "all", label: "All entries", hint: "Every timeline entry, including system ones." },
];

/** No postmortem yet: pick a template and which timeline entries go in, then draft it in one go. */
export function CreatePanel({ incident }: { incident: Incident }) {
  const id = useId();
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  const templates = useTemplates();
  const [picked, setPicked] = useState<string | null>(null);
  const [timeline, setTimeline] = useState<TimelineChoice>("pinned");
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const list = templates.data?.templates ?? [];
  const template = picked ?? (list.some((t) => t.name === "default") ? "default" : (list[0]?.name ?? null));
  const open = isActive(incident);
  const perm = useCan()("postmortem.write");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!template || pending || !perm.allowed) return;
    setPending(true);
    setProblem(null);
    try {
      const p = await createPostmortem(write, incident.id, { template, timeline });
      qc.setQueryData(postmortemKey(incident.id), p);
    } catch (err) {
      setProblem(problemOf(err, incident));
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: postmortemKey(incident.id) });
    } finally {
      setPending(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="mx-auto w-full max-w-3xl rounded-2xl border border-line bg-surface p-6">
      <h2 id={`${id}-title`} className="flex items-center gap-2 text-xl font-semibold">
        <FilePlus2 aria-hidden className="size-5 text-chart-1" />
        Write the postmortem
      </h2>
      <p className="mt-1.5 text-sm text-muted">
        War Room drafts it from what was recorded: times and durations, roles, timeline entries, action items, and the impact measured from the metrics. You
        edit from there; it saves as you type.
      </p>
      {open && (
        <p className="mt-3 flex items-start gap-2 rounded-lg border border-warn/50 bg-warn/10 px-3 py-2 text-sm">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warn" />
          <span>
            {incidentLabel(incident.number)} is still <strong>{incident.status}</strong>. Templates that report the resolution time and the impact need it resolved
            first.
          </span>
        </p>
      )}

      <form onSubmit={submit} className="mt-5 flex flex-col gap-5">
        <fieldset>
          <legend className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">Template</legend>
          {templates.isError && <p className="text-sm text-critical">Templates unavailable: {templates.error.message}</p>}
          {!templates.data && !templates.isError && <p className="text-sm text-muted">Loading templates…</p>}
          <div className="flex flex-col gap-2">
            {list.map((t) => (
              <label
                key={t.name}
                className={clsx(
                  "flex cursor-pointer items-start gap-3 rounded-lg border px-4 py-3",
                  template === t.name ? "border-chart-1 bg-chart-1/8" : "border-line hover:border-muted",
                )}
              >
                <input type="radio" name={`${id}-template`} value={t.name} checked={template === t.name} onChange={() => setPicked(t.name)} className="mt-1 accent-[var(--color-chart-1)]" />
                <span className="min-w-0">
                  <span className="flex flex-wrap items-center gap-2 font-semibold">
                    {t.title}
                    <span className="rounded bg-surface-2 px-1.5 py-px font-mono text-xs font-normal text-muted">{t.name}</span>
                    {!t.builtIn && <span className="rounded-full px-2 py-px text-xs font-normal text-chart-3 ring-1 ring-chart-3/50 ring-inset">team</span>}
                  </span>
                  <span className="mt-0.5 block text-sm text-muted">{t.description}</span>
                  {open && t.needsEndTime.length > 0 && <span className="mt-1 block text-xs text-warn">Needs the incident resolved.</span>}
                </span>
              </label>
            ))}
          </div>
          {templates.data && templates.data.invalid.length > 0 && (
            <div className="mt-3 rounded-lg border border-line bg-bg px-4 py-3 text-sm">
              <p className="font-semibold text-warn">Team templates that could not be loaded</p>
              <ul className="mt-1 list-disc pl-5 font-mono text-xs text-muted">
                {templates.data.invalid.flatMap((t) => t.errors.map((e, i) => <li key={`${t.file}-${i}`}>{e.message}</li>))}
              </ul>
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">Timeline entries</legend>
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
            {TIMELINE.map((o) => (
              <label
                key={o.value}
                className={clsx("flex cursor-pointer items-start gap-3 rounded-lg border px-4 py-3", timeline === o.value ? "border-chart-1 bg-chart-1/8" : "border-line hover:border-muted")}
              >
                <input type="radio" name={`${id}-timeline`} value={o.value} checked={timeline === o.value} onChange={() => setTimeline(o.value)} className="mt-1 accent-[var(--color-chart-1)]" />
                <span>
                  <span className="block font-semibold">{o.label}</span>
                  <span className="block text-sm text-muted">{o.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        {problem && (
          <div role="alert" className="rounded-lg border border-critical/60 bg-critical/10 px-4 py-3 text-sm">
            <p className="flex items-center gap-2 font-semibold text-critical">
              <CircleAlert aria-hidden className="size-4" />
              {problem.title}
            </p>
            <p className="mt-1 text-fg/90">{problem.message}</p>
          </div>
        )}

        <ReadOnlyNote permission={perm} id={`${id}-denied`} />
        <div className="flex justify-end">
          <button type="submit" disabled={!template || pending || !perm.allowed} {...denied(perm, `${id}-denied`)} className="rounded-md bg-chart-1 px-5 py-2 text-sm font-semibold text-bg hover:bg-chart-1/90 disabled:opacity-50">
            {pending ? "Drafting…" : "Create draft"}
          </button>
        </div>
      </form>
    </section>
  );
}
