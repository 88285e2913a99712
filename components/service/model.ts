import { BoardDrillsSchema, ServiceTickSchema, type PointValues, type Series, type ServiceInfo, type ServiceSnapshot } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import type { DrillEffect } from "@/lib/drills/types";
import { SIGNALS, type SignalName } from "@/lib/signals/types";
import { MAX_CHART_POINTS, RANGE_META } from "@/lib/signals/range";

export const LIVE_WINDOW_MS = RANGE_META["15m"].ms;

/**
 * Live series of one service as a capped, bucketed ring buffer: the 15-minute window at
 * 1 s would be 900 points, so points are merged into buckets that keep it under
 * MAX_CHART_POINTS. Merging keeps the worst value (max) of every signal except traffic,
 * which is averaged — a spike is never averaged away.
 */
export type LiveSeries = {
  bucketMs: number;
  t: number[];
  cols: Record<SignalName, (number | null)[]>;
  n: number[];
};

export type ServiceLive = {
  service: ServiceInfo;
  series: LiveSeries;
  /** Newest raw point (not bucketed) and its time: the "current values". */
  latest: PointValues | null;
  latestT: number | null;
  drills: DrillEffect[];
};

export type ChartRow = { t: number } & Record<SignalName, number | null>;

export function liveBucketMs(tickMs: number): number {
  const tick = Math.max(1, tickMs);
  return tick * Math.ceil(LIVE_WINDOW_MS / MAX_CHART_POINTS / tick);
}

const capacity = (bucketMs: number) => Math.min(MAX_CHART_POINTS, Math.ceil(LIVE_WINDOW_MS / bucketMs) + 1);

function emptySeries(bucketMs: number): LiveSeries {
  const cols = {} as Record<SignalName, (number | null)[]>;
  for (const s of SIGNALS) cols[s] = [];
  return { bucketMs, t: [], cols, n: [] };
}

const finite = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function merge(signal: SignalName, prev: number | null, next: number | null, n: number): number | null {
  if (prev === null) return next;
  if (next === null) return prev;
  return signal === "rps" ? prev + (next - prev) / (n + 1) : Math.max(prev, next);
}

/** Append points (sorted by time) to a copy of the buffer. */
function appendPoints(series: LiveSeries, points: { t: number; v: (s: SignalName) => number | null }[]): LiveSeries {
  if (points.length === 0) return series;
  const { bucketMs } = series;
  const t = series.t.slice();
  const n = series.n.slice();
  const cols = {} as LiveSeries["cols"];
  for (const s of SIGNALS) cols[s] = series.cols[s].slice();

  for (const p of points) {
    const key = Math.floor(p.t / bucketMs) * bucketMs;
    const last = t.length - 1;
    if (last >= 0 && t[last] > key) continue; // older than what we hold: a replay
    if (last >= 0 && t[last] === key) {
      for (const s of SIGNALS) cols[s][last] = merge(s, cols[s][last], p.v(s), n[last]);
      n[last]++;
    } else {
      t.push(key);
      n.push(1);
      for (const s of SIGNALS) cols[s].push(p.v(s));
    }
  }
  const newest = t[t.length - 1];
  let drop = 0;
  while (drop < t.length && (t[drop] < newest - LIVE_WINDOW_MS || t.length - drop > capacity(bucketMs))) drop++;
  if (drop > 0) {
    t.splice(0, drop);
    n.splice(0, drop);
    for (const s of SIGNALS) cols[s].splice(0, drop);
  }
  return { bucketMs, t, n, cols };
}

export function liveFromSnapshot(s: ServiceSnapshot, tickMs: number): ServiceLive {
  const series = s.series;
  const len = Array.isArray(series?.t) ? series.t.length : 0;
  const points = [];
  for (let i = 0; i < len; i++) points.push({ t: series.t[i], v: (sig: SignalName) => finite(series[sig]?.[i]) });
  let latest: PointValues | null = null;
  if (len > 0) {
    latest = {} as PointValues;
    for (const sig of SIGNALS) latest[sig] = finite(series[sig]?.[len - 1]) ?? Number.NaN;
  }
  return {
    service: s.service,
    series: appendPoints(emptySeries(liveBucketMs(tickMs)), points),
    latest,
    latestT: len > 0 ? series.t[len - 1] : null,
    drills: s.drills ?? [],
  };
}

export function applyServiceEvent(state: ServiceLive, event: string, data: unknown): ServiceLive {
  const tick = event === "tick" ? parsed(ServiceTickSchema, data) : null;
  if (tick) {
    if (state.latestT !== null && tick.t <= state.latestT) return state;
    return {
      ...state,
      series: appendPoints(state.series, [{ t: tick.t, v: (s) => finite(tick.point[s]) }]),
      latest: tick.point,
      latestT: tick.t,
    };
  }
  const drills = event === "drills" ? parsed(BoardDrillsSchema, data) : null;
  if (drills) return { ...state, drills: drills.drills };
  return state;
}

/** Chart rows from columnar data; non-finite values become gaps. */
export function rowsFromColumns(t: readonly number[], col: (s: SignalName, i: number) => unknown): ChartRow[] {
  const rows: ChartRow[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const row = { t: t[i] } as ChartRow;
    for (const s of SIGNALS) row[s] = finite(col(s, i));
    rows[i] = row;
  }
  return rows;
}

export function rowsFromLive(series: LiveSeries): ChartRow[] {
  return rowsFromColumns(series.t, (s, i) => series.cols[s][i]);
}

export function rowsFromHistory(series: Series | undefined): ChartRow[] {
  if (!series || !Array.isArray(series.t)) return [];
  return rowsFromColumns(series.t, (s, i) => series[s]?.[i]);
}

/** Drills that shaped this service's signals: aimed at it, or an outage of one of its dependencies. */
export function drillsAffecting(service: ServiceInfo, drills: readonly DrillEffect[]): DrillEffect[] {
  return drills.filter(
    (d) => d.target === service.id || (d.kind === "dependency-outage" && (service.dependsOn ?? []).includes(d.target)),
  );
}

const MINUTE = 60_000;
const TICK_STEPS = [15_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE, 2 * 60 * MINUTE, 3 * 60 * MINUTE, 6 * 60 * MINUTE, 12 * 60 * MINUTE, 24 * 60 * MINUTE];

/** Round-time axis ticks (…:05, …:10) for a window, at most `max` of them. */
export function timeTicks(from: number, to: number, max = 7): number[] {
  const span = to - from;
  const step = TICK_STEPS.find((s) => span / s <= max) ?? Math.ceil(span / max);
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}
