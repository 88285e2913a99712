"use client";

import { memo, useCallback, useId, useMemo } from "react";
import type { SignalName } from "@/lib/signals/types";
import { SIGNAL_META } from "@/lib/signals/types";
import { formatCompact, formatDateTime, formatDayTime, formatSignal, formatTime, zoneName, type TimeZoneMode } from "@/lib/signals/format";
import type { ChartSeries } from "./model";
import { timeTicks } from "./model";
import { dashOf, type DrawInput } from "./chartCanvas";
import { TimeCanvas } from "./TimeCanvas";
import { chartSummary } from "./summary";

export type LineSpec = { key: SignalName; color: string; width?: number; dash?: string };
export type ThresholdLine = { y: number; level: "warn" | "critical"; label: string };
export type DrillArea = { id: string; x1: number; x2: number; label: string };
/** A moment on the time axis: an incident timeline entry, a declaration, a resolution. */
export type ChartMarker = { id: string; t: number; color: string; label?: string };

type Props = {
  title: string;
  series: ChartSeries;
  lines: readonly LineSpec[];
  /** Unit formatter: values of every line share the unit of `unitOf`. */
  unitOf: SignalName;
  domain: readonly [number, number];
  thresholds?: readonly ThresholdLine[];
  drills?: readonly DrillArea[];
  markers?: readonly ChartMarker[];
  tz: TimeZoneMode;
  stale?: boolean;
  /** Fixed top of the y axis (e.g. 100 for percentages of capacity). */
  yMax?: number;
};

/** Round y-axis ticks from zero: a 1/2/2.5/5 × 10^k step, about four intervals up to `max`. */
function yTicks(max: number): number[] {
  const target = max > 0 ? max / 4 : 0.25;
  const p = 10 ** Math.floor(Math.log10(target));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * p >= target) ?? 10) * p;
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => +(i * step).toPrecision(12));
}

/** Axis labels stay short: the unit is in the chart title. */
function axisValue(signal: SignalName, v: number): string {
  const unit = SIGNAL_META[signal].unit;
  if (unit === "req/s") return v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : formatCompact(v);
  if (unit === "ms") return v >= 1000 ? `${+(v / 1000).toFixed(1)} s` : `${+v.toFixed(v < 10 ? 1 : 0)} ms`;
  return `${+v.toFixed(v < 1 ? 2 : v < 10 ? 1 : 0)} %`;
}

const THRESHOLD_COLOR = { warn: "var(--color-warn)", critical: "var(--color-critical)" } as const;

/**
 * One golden-signal chart, drawn on a canvas (components/service/chartCanvas.ts): a live
 * tick redraws ≤ 600 points per line in one animation frame instead of re-rendering an SVG
 * tree. Memoised; every prop is stable unless its data changed. The figure is described by
 * a visually hidden summary (current, peak, thresholds) for screen readers and tests.
 */
export const SignalChart = memo(function SignalChart({ title, series, lines, unitOf, domain, thresholds, drills, markers, tz, stale, yMax }: Props) {
  const span = domain[1] - domain[0];
  const ticksX = useMemo(() => timeTicks(domain[0], domain[1]), [domain]);
  const fmtX = useCallback(
    (t: number) => (span > 24 * 3600_000 ? formatDayTime(t, tz) : formatTime(t, tz, false)),
    [span, tz],
  );
  const fmtY = useCallback((v: number) => axisValue(unitOf, v), [unitOf]);
  const fmtTime = useCallback((t: number) => formatDateTime(t, tz), [tz]);
  const fmtValue = useCallback((v: number) => formatSignal(unitOf, v), [unitOf]);
  const warnY = thresholds?.find((t) => t.level === "warn")?.y ?? thresholds?.[0]?.y;
  const ticksY = useMemo(() => {
    let max = warnY !== undefined ? warnY * 1.15 : 0;
    for (const l of lines) {
      const col = series.cols[l.key];
      if (col) for (let i = 0; i < col.length; i++) if (col[i] > max) max = col[i];
    }
    return yTicks(yMax ?? max * 1.05);
  }, [series, lines, warnY, yMax]);
  // Markers close together keep their lines but only the first keeps its label: labels never overprint.
  const shownMarkers = useMemo(() => {
    let lastLabelled = -Infinity;
    return (markers ?? [])
      .filter((m) => m.t >= domain[0] && m.t <= domain[1])
      .sort((a, b) => a.t - b.t)
      .map((m) => {
        if (!m.label) return m;
        if (m.t - lastLabelled < span * 0.15) return { ...m, label: undefined };
        lastLabelled = m.t;
        return m;
      });
  }, [markers, domain, span]);
  const drawLines = useMemo(() => lines.map((l) => ({ key: l.key, color: l.color, width: l.width ?? 1.5, dash: dashOf(l.dash) })), [lines]);
  const hoverLines = useMemo(() => lines.map((l) => ({ key: l.key, name: SIGNAL_META[l.key].short, color: l.color })), [lines]);
  const drawThresholds = useMemo(
    () => (thresholds ?? []).map((t) => ({ y: t.y, color: THRESHOLD_COLOR[t.level], label: t.label, above: t.level !== "warn" })),
    [thresholds],
  );
  // Areas are clipped to the window; a drill that has only just begun still shows as a sliver.
  const drawDrills = useMemo(
    () => (drills ?? []).map((d) => ({ x1: Math.max(d.x1, domain[0]), x2: Math.min(Math.max(d.x2, d.x1 + span * 0.004), domain[1]), label: d.label })).filter((d) => d.x2 > d.x1),
    [drills, domain, span],
  );
  const input = useMemo<Omit<DrawInput, "width">>(
    () => ({ series, lines: drawLines, domain, ticksX, ticksY, fmtX, fmtY, thresholds: drawThresholds, drills: drawDrills, markers: shownMarkers }),
    [series, drawLines, domain, ticksX, ticksY, fmtX, fmtY, drawThresholds, drawDrills, shownMarkers],
  );
  const summary = useMemo(() => chartSummary(title, series, lines, unitOf, thresholds ?? [], !!stale), [title, series, lines, unitOf, thresholds, stale]);
  const summaryId = `chart-summary-${useId()}`;

  return (
    <figure className="rounded-xl border border-line bg-surface p-4" aria-describedby={summaryId}>
      <figcaption className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1">
        <span className="text-sm font-semibold tracking-wide text-fg">
          {title} <span className="font-normal text-muted">({SIGNAL_META[unitOf].unit})</span>
        </span>
        {/* The axis shows bare clock times; their zone is said once here (hover times carry it too). */}
        <span data-testid="chart-zone" className="text-xs text-muted">times in {zoneName(domain[1], tz)}</span>
        <span className="flex flex-wrap items-center gap-3 text-xs text-muted">
          {lines.map((l) => (
            <span key={l.key} className="inline-flex items-center gap-1.5">
              <svg width="16" height="6" aria-hidden>
                <line x1="0" x2="16" y1="3" y2="3" stroke={l.color} strokeWidth={l.width ?? 1.5} strokeDasharray={l.dash} />
              </svg>
              {SIGNAL_META[l.key].short}
            </span>
          ))}
          {stale && <span className="font-bold text-stale">STALE</span>}
        </span>
      </figcaption>
      <p id={summaryId} className="sr-only">
        {summary}
      </p>
      <TimeCanvas input={input} hoverLines={hoverLines} fmtTime={fmtTime} fmtValue={fmtValue} dimmed={stale} />
    </figure>
  );
});
