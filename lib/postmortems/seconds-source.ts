import type { SignalHistory } from "../signals/history";
import type { SecondPoint, SecondSeries } from "./service-impact";

/**
 * How far back impact uses second data: the recorder keeps an hour of ticks (lib/sources/backfill.ts
 * BACKFILL_SECONDS_MS), and a derived service's ticks are computed on demand, which past an hour
 * costs more than it adds over minute rollups.
 */
export const SECONDS_IMPACT_MS = 3600_000;

/**
 * The services' second-resolution points in [from, to) from the signal history (the tick ring, or
 * the simulator's derived ticks before it, lib/signals/derive.ts). A point stands for the time
 * since the previous one, at most the service's update interval (`intervalMs`: the tick, or a
 * push-fed service's push interval), so a gap in the data is not filled with invented traffic.
 */
export function secondSeries(opts: {
  history: Pick<SignalHistory, "recent" | "has">;
  services: readonly string[];
  from: number;
  to: number;
  now: number;
  intervalMs: (service: string) => number;
}): SecondSeries[] {
  const since = Math.max(opts.from, opts.now - SECONDS_IMPACT_MS);
  if (since >= opts.to) return [];
  const out: SecondSeries[] = [];
  for (const service of opts.services) {
    if (!opts.history.has(service)) continue;
    const r = opts.history.recent(service, since);
    const interval = opts.intervalMs(service);
    const points: SecondPoint[] = [];
    for (let i = 0; i < r.t.length && r.t[i] < opts.to; i++) {
      const dtMs = i === 0 ? interval : Math.min(r.t[i] - r.t[i - 1], interval);
      points.push({ t: r.t[i], dtMs, rps: r.rps[i], errorPct: r.errorPct[i], error5xxPct: r.error5xxPct[i], p99: r.p99[i] });
    }
    if (points.length === 0) continue;
    // Covered from `since` when the first point follows it within one interval; else from that point.
    out.push({ service, coveredFrom: points[0].t - since <= interval ? since : points[0].t, points });
  }
  return out;
}
