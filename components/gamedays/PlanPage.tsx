"use client";

import Link from "next/link";
import clsx from "clsx";
import { usePlan } from "./api";
import { VERDICT_CLASS, VERDICT_LABEL, dur, offset } from "./format";
import type { TrendPoint } from "./api";

/** Bars of one measure over the plan's runs (oldest left); a missing value is a gap. */
function TrendBars({ label, points, pick }: { label: string; points: TrendPoint[]; pick: (p: TrendPoint) => number | null }) {
  const values = points.map(pick);
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  return (
    <figure className="rounded-xl border border-line bg-surface p-4">
      <figcaption className="mb-2 text-sm font-semibold">{label}</figcaption>
      {points.length === 0 ? <p className="text-sm text-muted">No finished runs yet.</p> : (
        <div className="flex h-24 items-end gap-1" role="list">
          {points.map((p, i) => (
            <div key={p.run} role="listitem" aria-label={`${new Date(p.startedAt).toISOString().slice(0, 16)}Z: ${dur(values[i])}`} title={dur(values[i])} className={clsx("w-4 rounded-t", values[i] === null ? "bg-line" : p.verdict === "pass" ? "bg-ok" : "bg-critical")} style={{ height: `${values[i] === null ? 4 : Math.max(4, ((values[i] as number) / max) * 96)}px` }} />
          ))}
        </div>
      )}
      {points.length > 0 ? <p className="mt-2 text-xs text-muted">Oldest first · green Pass, red Fail or Stopped, grey not measured{values.every((v) => v === null) ? " (no run measured this yet)" : ""}</p> : null}
    </figure>
  );
}

/** A plan: what it tests, its timeline, its runs with verdicts, and time-to-detect / recovery trends. */
export function PlanPage({ slug }: { slug: string }) {
  const { data, error } = usePlan(slug);
  if (error) return <p role="alert" className="text-critical">{error.message}</p>;
  if (!data) return <p className="text-muted">Loading…</p>;
  const { plan, runs, trend } = data;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{plan.title}</h1>
      <p className="text-sm">{plan.objective}</p>
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-xl border border-line bg-surface p-4 text-sm">
          <h2 className="mb-1 font-semibold">Steady-state hypothesis</h2>
          <ul>{plan.hypothesis.map((h) => <li key={h}><code>{h}</code></li>)}</ul>
          <h2 className="mt-3 mb-1 font-semibold">Abort if</h2>
          <ul>{plan.abort.map((h) => <li key={h}><code>{h}</code></li>)}</ul>
          {plan.prerequisites.length ? (<><h2 className="mt-3 mb-1 font-semibold">Prerequisites</h2><ul>{plan.prerequisites.map((p) => <li key={p}>☐ {p}</li>)}</ul></>) : null}
        </section>
        <section className="rounded-xl border border-line bg-surface p-4 text-sm lg:col-span-2">
          <h2 className="mb-1 font-semibold">Timeline</h2>
          <ol>{plan.steps.map((s) => <li key={s.n}><span className="inline-block w-20 whitespace-nowrap text-muted">{offset(s.at)}</span><code>{s.text.replace(/^\+\S+\s+/, "")}</code></li>)}</ol>
          <p className="mt-2 text-muted">Expected alerts: {plan.expectedAlerts.join(", ") || "none"} · runbooks: {plan.runbooks.map((r) => <Link key={r} className="underline" href={`/runbooks/${r}`}>{r} </Link>)}</p>
        </section>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <TrendBars label="Time to detect per run" points={trend} pick={(p) => p.timeToDetectMs} />
        <TrendBars label="Time to recover per run" points={trend} pick={(p) => p.timeToRecoverMs} />
      </div>
      <section aria-label="Runs" className="rounded-xl border border-line bg-surface p-4">
        <h2 className="mb-2 text-sm font-semibold">Runs</h2>
        {runs.length === 0 ? <p className="text-sm text-muted">Not run yet.</p> : (
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted uppercase"><tr><th>Started</th><th>By</th><th>Verdict</th><th>Detect</th><th>Recover</th><th>Failed requests</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-t border-line tabular-nums">
                  <td><Link className="underline" href={`/gamedays/${plan.slug}/runs/${r.id}`}>{new Date(r.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC</Link></td>
                  <td>{r.startedBy}</td>
                  <td><span className={clsx("rounded border px-1.5 text-xs font-semibold", VERDICT_CLASS[r.verdict])}>{VERDICT_LABEL[r.verdict]}</span></td>
                  <td>{dur(r.measurements.timeToDetectMs)}</td>
                  <td>{dur(r.measurements.timeToRecoverMs)}</td>
                  <td>{Math.round(r.measurements.requestsFailed).toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
