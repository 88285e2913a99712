import { formatCompact, formatMs, formatPct } from "@/lib/signals/format";
import type { ImpactReport } from "./types";

type Figure = { label: string; value: string; hint: string };

/** The headline numbers of an impact report, for the strip above the editor. Pure. */
export function impactFigures(impact: ImpactReport): Figure[] {
  const services = impact.services;
  const peak = <K extends "peakP99Ms" | "peakErrorPct">(k: K) =>
    services.reduce<{ v: number; service: string } | null>((best, s) => (s[k] !== null && (best === null || s[k]! > best.v) ? { v: s[k]!, service: s.service } : best), null);
  const p99 = peak("peakP99Ms");
  const err = peak("peakErrorPct");
  const slos = services.flatMap((s) => s.slos).filter((s) => s.budgetConsumed !== null);
  const worst = slos.reduce<(typeof slos)[number] | null>((w, s) => (w === null || s.budgetConsumed! > w.budgetConsumed! ? s : w), null);
  const { requests, failedRequests } = impact.totals;
  return [
    {
      label: "Failed requests",
      value: formatCompact(failedRequests),
      hint: `Estimated failed requests during the incident, of ${formatCompact(requests)} served by the affected services`,
    },
    { label: "Peak error rate", value: err ? formatPct(err.v) : "—", hint: err ? `Highest minute, on ${err.service}` : "No data in the incident window" },
    { label: "Peak p99", value: p99 ? formatMs(p99.v) : "—", hint: p99 ? `Highest minute, on ${p99.service}` : "No data in the incident window" },
    {
      label: "Error budget used",
      value: worst ? formatPct(worst.budgetConsumed! * 100) : "—",
      hint: worst ? `${worst.name}: share of its ${worst.window} error budget this incident consumed` : "No SLO with traffic on the affected services",
    },
  ];
}

/** Measured impact (computed when the draft was made); the Markdown carries the same numbers. */
export function ImpactStrip({ impact }: { impact: ImpactReport | null }) {
  if (!impact || !Array.isArray(impact.services)) return null;
  return (
    <section aria-label="Measured impact" className="flex flex-wrap items-center gap-x-8 gap-y-2 rounded-xl border border-line bg-surface px-5 py-3 print:hidden">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">
        Measured impact
        <span className="block font-normal tracking-normal normal-case text-faint">from the metrics, when drafted</span>
      </h2>
      <dl className="flex flex-wrap gap-x-8 gap-y-2">
        {impactFigures(impact).map((f) => (
          <div key={f.label} title={f.hint}>
            <dt className="text-xs text-muted">{f.label}</dt>
            <dd className="num text-lg font-semibold">{f.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
