import { BoardDrillsSchema, ServiceTickSchema, type PointValues, type Series, type ServiceInfo, type ServiceSnapshot } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import type { DrillEffect } from "@/lib/drills/types";
import { SIGNALS, type SignalName } from "@/lib/signals/types";
import { MAX_CHART_POINTS, RANGE_META } from "@/lib/signals/range";

export const LIVE_WINDOW_MS = RANGE_META["15m"].ms;

/**
 * Live series of one service as a capped, bucketed buffer of fixed-length typed columns
 * (NaN is a gap): the 15-minute window at 1 s would be 900 points, so points are merged
 * into buckets that keep it under MAX_CHART_POINTS. Merging keeps the worst value (max) of
 * every signal except traffic, which is averaged — a spike is never averaged away. The
 * first `len` slots hold data, oldest first; an append returns a new buffer (the query
 * cache holds immutable values) and the charts read the columns without copying.
 */
export type LiveSeries = {
  bucketMs: number;
  len: number;
  t: Float64Array;
  cols: Record<SignalName, Float64Array>;
  n: Uint32Array;
};

/** What a chart draws: equal-length columns over `t`, NaN for a gap. */
export type ChartSeries = { t: Float64Array; cols: Partial<Record<SignalName, Float64Array>> };

export type ServiceLive = {
  service: ServiceInfo;
  series: LiveSeries;
  /** Newest raw point (not bucketed) and its time: the "current values". */
  latest: PointValues | null;
  latestT: number | null;
  drills: DrillEffect[];
};

export function liveBucketMs(tickMs: number): number {
  const tick = Math.max(1, tickMs);
  return tick * Math.ceil(LIVE_WINDOW_MS / MAX_CHART_POINTS / tick);
}

const capacity = (bucketMs: number) => Math.min(MAX_CHART_POINTS, Math.ceil(LIVE_WINDOW_MS / bucketMs) + 1);

function buffers(size: number): Pick<LiveSeries, "t" | "cols" | "n"> {
  const cols = {} as Record<SignalName, Float64Array>;
  for (const s of SIGNALS) cols[s] = new Float64Array(size);
  return { t: new Float64Array(size), n: new Uint32Array(size), cols };
}

function emptySeries(bucketMs: number): LiveSeries {
  return { bucketMs, len: 0, ...buffers(capacity(bucketMs)) };
}

const finite = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function merge(signal: SignalName, prev: number, next: number | null, n: number): number {
  if (Number.isNaN(prev)) return next ?? Number.NaN;
  if (next === null) return prev;
  return signal === "rps" ? prev + (next - prev) / (n + 1) : Math.max(prev, next);
}

/** Append points (sorted by time) to a copy of the buffer. */
function appendPoints(series: LiveSeries, points: { t: number; v: (s: SignalName) => number | null }[]): LiveSeries {
  if (points.length === 0) return series;
  const { bucketMs } = series;
  // Scratch room for every new point, then the newest `capacity` buckets are kept.
  const work = buffers(series.len + points.length);
  work.t.set(series.t.subarray(0, series.len));
  work.n.set(series.n.subarray(0, series.len));
  for (const s of SIGNALS) work.cols[s].set(series.cols[s].subarray(0, series.len));
  let len = series.len;
  for (const p of points) {
    const key = Math.floor(p.t / bucketMs) * bucketMs;
    const last = len - 1;
    if (last >= 0 && work.t[last] > key) continue; // older than what we hold: a replay
    if (last >= 0 && work.t[last] === key) {
      for (const s of SIGNALS) work.cols[s][last] = merge(s, work.cols[s][last], p.v(s), work.n[last]);
      work.n[last]++;
    } else {
      work.t[len] = key;
      work.n[len] = 1;
      for (const s of SIGNALS) work.cols[s][len] = p.v(s) ?? Number.NaN;
      len++;
    }
  }
  const newest = work.t[len - 1];
  const cap = capacity(bucketMs);
  let drop = 0;
  while (drop < len && (work.t[drop] < newest - LIVE_WINDOW_MS || len - drop > cap)) drop++;
  const out = buffers(cap);
  out.t.set(work.t.subarray(drop, len));
  out.n.set(work.n.subarray(drop, len));
  for (const s of SIGNALS) out.cols[s].set(work.cols[s].subarray(drop, len));
  return { bucketMs, len: len - drop, ...out };
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

/** The held part of the live buffer, as views (no copy). */
export function chartFromLive(series: LiveSeries): ChartSeries {
  const cols: ChartSeries["cols"] = {};
  for (const s of SIGNALS) cols[s] = series.cols[s].subarray(0, series.len);
  return { t: series.t.subarray(0, series.len), cols };
}

/** History columns as chart columns; non-finite or missing values become gaps. */
export function chartFromHistory(series: Series | undefined): ChartSeries {
  if (!series || !Array.isArray(series.t)) return { t: new Float64Array(0), cols: {} };
  const len = series.t.length;
  const cols: ChartSeries["cols"] = {};
  for (const s of SIGNALS) {
    const src = series[s];
    const col = new Float64Array(len);
    for (let i = 0; i < len; i++) col[i] = finite(src?.[i]) ?? Number.NaN;
    cols[s] = col;
  }
  return { t: Float64Array.from(series.t), cols };
}

export const EMPTY_CHART: ChartSeries = { t: new Float64Array(0), cols: {} };

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
