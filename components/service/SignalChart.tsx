"use client";

import { memo, useCallback, useMemo } from "react";
import { AXIS_LINE, GRID_STYLE, TIME_X_AXIS, TOOLTIP_LABEL, TOOLTIP_STYLE } from "@/components/ui/chartStyle";
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { SignalName } from "@/lib/signals/types";
import { SIGNAL_META } from "@/lib/signals/types";
import { formatCompact, formatDateTime, formatDayTime, formatSignal, formatTime, type TimeZoneMode } from "@/lib/signals/format";
import type { ChartRow } from "./model";
import { timeTicks } from "./model";

export type LineSpec = { key: SignalName; color: string; width?: number; dash?: string };
export type ThresholdLine = { y: number; level: "warn" | "critical"; label: string };
export type DrillArea = { id: string; x1: number; x2: number; label: string };
/** A moment on the time axis: an incident timeline entry, a declaration, a resolution. */
export type ChartMarker = { id: string; t: number; color: string; label?: string };

type Props = {
  title: string;
  rows: ChartRow[];
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

const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
const THRESHOLD_COLOR = { warn: "var(--color-warn)", critical: "var(--color-critical)" } as const;

/**
 * One golden-signal chart. Memoised; every prop is stable unless its data changed, lines
 * have no dots and no animation (PITFALLS: animations would replay on every live update).
 */
export const SignalChart = memo(function SignalChart({ title, rows, lines, unitOf, domain, thresholds, drills, markers, tz, stale, yMax }: Props) {
  const span = domain[1] - domain[0];
  const ticks = useMemo(() => timeTicks(domain[0], domain[1]), [domain]);
  const fmtX = useCallback(
    (t: number) => (span > 24 * 3600_000 ? formatDayTime(t, tz) : formatTime(t, tz, false)),
    [span, tz],
  );
  const fmtY = useCallback((v: number) => axisValue(unitOf, v), [unitOf]);
  const fmtLabel = useCallback((t: unknown) => (typeof t === "number" ? formatDateTime(t, tz) : ""), [tz]);
  const fmtTooltip = useCallback(
    (value: unknown, name: unknown) => [typeof value === "number" ? formatSignal(unitOf, value) : "—", String(name)] as [string, string],
    [unitOf],
  );
  const warnY = thresholds?.find((t) => t.level === "warn")?.y ?? thresholds?.[0]?.y;
  const ticksY = useMemo(() => {
    let max = warnY !== undefined ? warnY * 1.15 : 0;
    for (const r of rows) for (const l of lines) {
      const v = r[l.key];
      if (v !== null && v > max) max = v;
    }
    return yTicks(yMax ?? max * 1.05);
  }, [rows, lines, warnY, yMax]);
  const yDomain = useMemo(() => [0, ticksY[ticksY.length - 1]] as [number, number], [ticksY]);
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

  return (
    <figure className="rounded-xl border border-line bg-surface p-4">
      <figcaption className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1">
        <span className="text-sm font-semibold tracking-wide text-fg">
          {title} <span className="font-normal text-muted">({SIGNAL_META[unitOf].unit})</span>
        </span>
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
      <LineChart
        responsive
        data={rows}
        margin={MARGIN}
        style={{ width: "100%", height: 220, opacity: stale ? 0.55 : 1 }}
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} {...GRID_STYLE} />
        <XAxis
          {...TIME_X_AXIS}
          domain={domain as [number, number]}
          ticks={ticks}
          tickFormatter={fmtX}
          minTickGap={24}
        />
        <YAxis width={64} tickFormatter={fmtY} domain={yDomain} ticks={ticksY} allowDataOverflow axisLine={false} tickLine={false} />
        {drills?.map((d, i) => (
          <ReferenceArea
            key={d.id}
            x1={Math.max(d.x1, domain[0])}
            x2={Math.min(Math.max(d.x2, d.x1 + span * 0.004), domain[1])}
            fill="var(--color-drill)"
            fillOpacity={0.12}
            stroke="var(--color-drill)"
            strokeOpacity={0.35}
            ifOverflow="hidden"
            label={{ value: d.label, position: "insideTopRight", offset: 6 + 14 * (i % 4), fill: "var(--color-drill)", fontSize: 11, fontWeight: 600 }}
          />
        ))}
        {/* Threshold labels on the left, drill labels on the right where live drills begin: they never collide. */}
        {thresholds?.map((t) => (
          <ReferenceLine
            key={`${t.level}-${t.y}`}
            y={t.y}
            stroke={THRESHOLD_COLOR[t.level]}
            strokeDasharray="6 4"
            strokeOpacity={0.8}
            ifOverflow="hidden"
            label={{ value: t.label, position: t.level === "warn" ? "insideTopLeft" : "insideBottomLeft", fill: THRESHOLD_COLOR[t.level], fontSize: 11, fontWeight: 600 }}
          />
        ))}
        {shownMarkers.map((m) => (
          <ReferenceLine
            key={m.id}
            x={m.t}
            stroke={m.color}
            strokeOpacity={0.75}
            strokeDasharray="2 3"
            label={m.label ? { value: m.label, position: "insideTopRight", fill: m.color, fontSize: 10, fontWeight: 600 } : undefined}
          />
        ))}
        <Tooltip
          isAnimationActive={false}
          contentStyle={TOOLTIP_STYLE}
          labelStyle={TOOLTIP_LABEL}
          labelFormatter={fmtLabel}
          formatter={fmtTooltip as never}
          cursor={AXIS_LINE}
        />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={SIGNAL_META[l.key].short}
            type="linear"
            stroke={l.color}
            strokeWidth={l.width ?? 1.5}
            strokeDasharray={l.dash}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    </figure>
  );
});
