"use client";

import { memo } from "react";
import clsx from "clsx";
import type { Run } from "@/lib/gamedays/model";
import { dur, num, probeState } from "./format";

const TONE = { ok: "text-ok", warn: "text-warn", critical: "text-critical", muted: "text-muted" } as const;

/** The run's probes as they stand: each hypothesis condition and abort criterion with its live value. */
export const ProbePanel = memo(function ProbePanel({ run, now }: { run: Run; now: number }) {
  return (
    <section aria-label="Probes" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-2 text-sm font-semibold">
        Probes <span className="font-normal text-muted">· {run.status === "running" ? "live" : `final (${run.status})`}</span>
      </h2>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            <th className="py-1 font-semibold">Condition</th>
            <th className="py-1 font-semibold">Value</th>
            <th className="py-1 font-semibold">State</th>
            <th className="py-1 font-semibold">Outside</th>
          </tr>
        </thead>
        <tbody>
          {run.probes.map((p) => {
            const s = probeState(p, now);
            return (
              <tr key={`${p.kind}:${p.condition.text}`} className="border-t border-line" data-probe={p.condition.text}>
                <td className="py-1.5 pr-2">
                  <span className="mr-2 text-xs text-muted">{p.kind === "hypothesis" ? "steady state" : "abort if"}</span>
                  <code>{p.condition.text}</code>
                </td>
                <td className="py-1.5 pr-2 tabular-nums" data-testid="probe-value">{num(p.value)}</td>
                <td className={clsx("py-1.5 pr-2 font-medium", TONE[s.tone])}>{s.label}</td>
                <td className="py-1.5 tabular-nums text-muted">{p.kind === "hypothesis" ? dur(p.brokenMs) : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
