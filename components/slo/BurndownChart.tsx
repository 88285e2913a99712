"use client";

import { memo, useMemo } from "react";
import { AXIS_LINE, GRID_STYLE, TIME_X_AXIS, TOOLTIP_LABEL, TOOLTIP_STYLE } from "@/components/ui/chartStyle";
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, formatDayTime } from "@/lib/signals/format";
import { burndownRows, formatBudget, type Burndown } from "./model";
import { useBurndown } from "./useBurndown";
import { burndownSummary } from "./burndownSummary";

const MARGIN = { top: 6, right: 10, bottom: 0, left: 0 };
const DAY = 86_400_000;

function dayTicks(from: number, to: number): number[] {
  const span = to - from;
  const step = span > 20 * DAY ? 7 * DAY : span > 5 * DAY ? 2 * DAY : DAY;
  const first = Math.ceil(from / DAY) * DAY;
  const out: number[] = [];
  for (let t = first; t <= to; t += step) out.push(t);
  return out;
}

const fmtX = (t: number) => formatDayTime(t).replace(/ \d\d:\d\d$/, "");
const fmtY = (v: number) => `${v} %`;
const fmtLabel = (t: unknown) => (typeof t === "number" ? formatDateTime(t) : "");
const fmtTooltip = (value: unknown, name: unknown) =>
  [typeof value === "number" ? formatBudget(value / 100) : "—", String(name)] as [string, string];

const Chart = memo(function Chart({ data, windowMs, stale }: { data: Burndown; windowMs: number; stale: boolean }) {
  const { rows, domain } = useMemo(() => burndownRows(data, windowMs), [data, windowMs]);
  const ticks = useMemo(() => dayTicks(domain[0], domain[1]), [domain]);
  const yDomain = useMemo(() => {
    let lo = 0;
    for (const r of rows) if (r.remaining !== null && r.remaining < lo) lo = r.remaining;
    return [lo < 0 ? Math.floor(lo / 25) * 25 : 0, 100] as [number, number];
  }, [rows]);
  const yTicks = useMemo(() => {
    const out: number[] = [];
    for (let v = yDomain[0]; v <= 100; v += 25) out.push(v);
    return out;
  }, [yDomain]);
  const now = data.to;

  // The chart's text alternative: read in place of the SVG, which screen readers cannot use.
  return (
    <>
    <p className="sr-only" data-testid="chart-summary">
      {burndownSummary(rows, stale)}
    </p>
    <LineChart
      responsive
      data={rows}
      margin={MARGIN}
      style={{ width: "100%", height: 168, opacity: stale ? 0.55 : 1 }}
      accessibilityLayer={false}
    >
      <CartesianGrid vertical={false} {...GRID_STYLE} />
      <XAxis
        {...TIME_X_AXIS}
        domain={domain}
        ticks={ticks}
        tickFormatter={fmtX}
        minTickGap={16}
      />
      <YAxis width={56} tickFormatter={fmtY} domain={yDomain} ticks={yTicks} allowDataOverflow axisLine={false} tickLine={false} />
      {yDomain[0] < 0 && <ReferenceLine y={0} stroke="var(--color-critical)" strokeOpacity={0.7} strokeDasharray="4 3" />}
      {now < domain[1] - 60_000 && <ReferenceLine x={now} stroke="var(--color-line)" />}
      <Tooltip
        isAnimationActive={false}
        contentStyle={TOOLTIP_STYLE}
        labelStyle={TOOLTIP_LABEL}
        labelFormatter={fmtLabel}
        formatter={fmtTooltip as never}
        cursor={AXIS_LINE}
      />
      <Line
        dataKey="ideal"
        name="ideal"
        type="linear"
        stroke="var(--color-chart-4)"
        strokeWidth={1.25}
        strokeDasharray="5 4"
        dot={false}
        activeDot={false}
        isAnimationActive={false}
      />
      <Line
        dataKey="remaining"
        name="remaining"
        type="linear"
        stroke="var(--color-chart-1)"
        strokeWidth={2}
        dot={false}
        activeDot={false}
        isAnimationActive={false}
        connectNulls={false}
      />
    </LineChart>
    </>
  );
});

/** Budget remaining over the SLO window against the straight line that spends it exactly by the end. */
export function BurndownChart({ sloId, windowMs, stale }: { sloId: string; windowMs: number; stale: boolean }) {
  const q = useBurndown(sloId);
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
        <span className="font-semibold tracking-wider uppercase">Budget burn-down</span>
        <span className="inline-flex items-center gap-1.5">
          <svg width="16" height="6" aria-hidden>
            <line x1="0" x2="16" y1="3" y2="3" stroke="var(--color-chart-1)" strokeWidth={2} />
          </svg>
          remaining
        </span>
        <span className="inline-flex items-center gap-1.5">
          <svg width="16" height="6" aria-hidden>
            <line x1="0" x2="16" y1="3" y2="3" stroke="var(--color-chart-4)" strokeWidth={1.5} strokeDasharray="5 4" />
          </svg>
          ideal (even spend)
        </span>
        {q.isError && <span className="font-semibold text-warn">history unavailable, retrying</span>}
      </figcaption>
      {q.data ? (
        <Chart data={q.data} windowMs={windowMs} stale={stale} />
      ) : (
        <div className="flex h-[168px] items-center justify-center rounded-lg border border-dashed border-line text-sm text-faint">
          {q.isError ? "No burn-down history" : "Loading burn-down…"}
        </div>
      )}
    </figure>
  );
}
