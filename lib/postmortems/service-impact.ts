import type { SignalMinute } from "../signals/rollup";
import type { ImpactResolution, ImpactWindow, ServiceImpact } from "./contract";

export const MINUTE_MS = 60_000;

/**
 * One recorded point at second (tick) resolution: it stands for `dtMs` of traffic from `t`, the
 * way the minute rollup counts it (lib/signals/rollup.ts addToMinute: requests = rps·dt).
 */
export type SecondPoint = { t: number; dtMs: number; rps: number; errorPct: number; error5xxPct: number; p99: number };

/**
 * A service's second-resolution history: every point from `coveredFrom` on is there (the
 * recorder's tick ring, or the simulator's derived ticks, lib/signals/derive.ts). Before it only
 * minute rollups exist.
 */
export type SecondSeries = { service: string; coveredFrom: number; points: readonly SecondPoint[] };

/** A count from a row: non-finite or negative values count as 0. */
export function num(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function pct(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

/** Share of [start, start + spanMs) that lies in [from, to): 1 inside, 0 outside, the overlap at the edges. */
export function overlapShare(start: number, spanMs: number, from: number, to: number): number {
  if (!(spanMs > 0)) return start >= from && start < to ? 1 : 0;
  const overlap = Math.min(start + spanMs, to) - Math.max(start, from);
  return overlap > 0 ? overlap / spanMs : 0;
}

export function emptyServiceImpact(service: string): ServiceImpact {
  return {
    service,
    minutesWithData: 0,
    secondsWithData: 0,
    secondsFrom: null,
    resolution: "none",
    peakP99Ms: null,
    peakP99At: null,
    peakErrorPct: null,
    peakErrorPctAt: null,
    requests: 0,
    failedRequests: 0,
    failed5xx: 0,
    errorRatio: null,
    slos: [],
  };
}

/**
 * One service's traffic, failures and peaks over [window.from, window.to): from second data
 * wherever `seconds` covers the window, from minute rollups before that, each minute counted by
 * the share of it inside the window (a 45 s incident inside one minute counts 45/60 of it, not
 * all of it). Peaks of a minute row are those of the whole minute (a peak cannot be pro-rated).
 */
export function serviceImpact(service: string, window: ImpactWindow, minutes: readonly SignalMinute[], seconds: SecondSeries | undefined): ServiceImpact {
  const s = emptyServiceImpact(service);
  const cut = seconds ? Math.min(Math.max(seconds.coveredFrom, window.from), window.to) : window.to;
  const peak = (p99: number, errorPct: number, at: number) => {
    if (Number.isFinite(p99) && (s.peakP99Ms === null || p99 > s.peakP99Ms)) [s.peakP99Ms, s.peakP99At] = [p99, at];
    if (Number.isFinite(errorPct) && (s.peakErrorPct === null || errorPct > s.peakErrorPct)) [s.peakErrorPct, s.peakErrorPctAt] = [errorPct, at];
  };
  // Oldest first, so "earliest on ties" holds whatever order the rows come in.
  const rows = minutes.filter((m) => m.service === service).sort((a, b) => a.start - b.start);
  const seen = new Set<number>();
  for (const m of rows) {
    const share = overlapShare(m.start, MINUTE_MS, window.from, cut);
    if (share === 0 || seen.has(m.start)) continue;
    seen.add(m.start);
    s.requests += num(m.requests) * share;
    s.failedRequests += num(m.errors) * share;
    s.failed5xx += num(m.errors5xx) * share;
    peak(m.p99Max, m.errorPctMax, m.start);
  }
  s.minutesWithData = seen.size;
  let coveredMs = 0;
  for (const p of seconds?.points ?? []) {
    if (p.t < cut || p.t >= window.to) continue;
    const requests = (num(p.rps) * p.dtMs) / 1000;
    s.requests += requests;
    s.failedRequests += (requests * pct(p.errorPct)) / 100;
    s.failed5xx += (requests * pct(p.error5xxPct)) / 100;
    coveredMs += p.dtMs;
    peak(p.p99, p.errorPct, p.t);
  }
  s.secondsWithData = coveredMs / 1000;
  s.secondsFrom = coveredMs > 0 ? cut : null;
  s.resolution = resolutionOf(s.minutesWithData > 0, coveredMs > 0);
  s.errorRatio = s.requests > 0 ? s.failedRequests / s.requests : null;
  return s;
}

export function resolutionOf(minutes: boolean, seconds: boolean): ImpactResolution {
  return minutes && seconds ? "mixed" : seconds ? "seconds" : minutes ? "minutes" : "none";
}

/** Whether any data (minute or second) was found for the service in the window. */
export function hasData(s: Pick<ServiceImpact, "minutesWithData"> & { secondsWithData?: number }): boolean {
  return s.minutesWithData > 0 || (s.secondsWithData ?? 0) > 0;
}
