"use client";

import { memo } from "react";
import type { Run } from "@/lib/gamedays/model";
import { dur, num } from "./format";

/** Time to detect, acknowledge, mitigate and recover; requests failed; budget burned; load levels; missed alerts. */
export const Measurements = memo(function Measurements({ run }: { run: Run }) {
  const m = run.measurements;
  const rows: [string, string][] = [
    ["Time to detect", dur(m.timeToDetectMs)],
    ["Time to acknowledge", m.timeToAcknowledgeMs === null ? "not acknowledged" : dur(m.timeToAcknowledgeMs)],
    ["Time to mitigate", dur(m.timeToMitigateMs)],
    ["Time to recover", dur(m.timeToRecoverMs)],
    ["Requests failed", Math.round(m.requestsFailed).toLocaleString("en")],
    ...m.budgetBurned.map((b): [string, string] => [`Budget burned · ${b.slo}`, b.pct === null ? "no data" : `${num(b.pct, 3)} %`]),
  ];
  return (
    <section aria-label="Measurements" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-2 text-sm font-semibold">Measurements</h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-3">
        {rows.map(([k, v]) => (
          <div key={k} className="flex justify-between gap-2 border-b border-line py-1">
            <dt className="text-muted">{k}</dt>
            <dd className="tabular-nums">{v}</dd>
          </div>
        ))}
      </dl>
      {m.levels.length ? (
        <table className="mt-3 w-full text-sm">
          <thead className="text-left text-xs text-muted uppercase">
            <tr><th>Level</th><th>Service</th><th>p99 max</th><th>p99 mean</th><th>Errors mean</th></tr>
          </thead>
          <tbody>
            {m.levels.map((l) => (
              <tr key={l.step} className="border-t border-line tabular-nums">
                <td>{l.factor}×</td><td>{l.target}</td><td>{num(l.p99Max, 0)} ms</td><td>{num(l.p99Mean, 0)} ms</td><td>{num(l.errorPctMean)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {run.status !== "running" && m.missedAlerts.length ? (
        <p className="mt-3 text-sm text-critical">
          {run.status === "stopped" ? `Did not fire before the run was stopped: ${m.missedAlerts.join(", ")}.` : `Detection gap: expected ${m.missedAlerts.join(", ")} never fired.`}
        </p>
      ) : null}
      {run.results.length ? (
        <ul className="mt-3 space-y-0.5 text-sm">
          {run.results.map((r) => (
            <li key={r.what}>
              <span className={r.pass ? "text-ok" : "text-critical"}>{r.pass ? "Pass" : "Fail"}</span> · <code>{r.what}</code> <span className="text-muted">{r.detail}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
});
