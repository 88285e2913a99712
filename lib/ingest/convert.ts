import { Invalid, formatPath, parseOrInvalid } from "../errors";
import type { SignalValues } from "../signals/types";
import { fastSample } from "./fast";
import { BatchSchema, MAX_AGE_MS, MAX_FUTURE_MS, SampleSchema, type Sample } from "./schema";

/** A validated sample as push ingest (lib/ingest/push.ts) applies it: one service, interval ending at `t`, in signal units. */
export type IngestSample = {
  service: string;
  t: number;
  intervalMs: number;
  values: SignalValues;
  raw: Sample;
  /** With latency buckets: the share of requests at or below a threshold (exact latency SLI counts). */
  shareFaster?: (thresholdMs: number) => number;
};

type Problem = { path: string; message: string };

/** A sample's idempotency key (service, t): one per batch, one per store. */
export const ingestKey = (service: string, t: number): string => `${service}\u0000${t}`;

/**
 * Validates a batch. Every problem of every sample is listed (path like `samples[3].errors`); one
 * bad sample rejects the whole batch, so nothing is written. `last` gives a service's previous
 * saturation when a sample omits it.
 */
export function parseBatch(body: unknown, opts: { now: number; hasService(id: string): boolean; last(id: string): Pick<SignalValues, "cpuPct" | "memPct" | "poolPct" | "p50" | "p95" | "p99" | "p999"> | null }): IngestSample[] {
  const batch = parseOrInvalid(BatchSchema, body, "ingest batch");
  const problems: Problem[] = [];
  const out: IngestSample[] = [];
  // Per service, the times seen in this batch (numbers: no key string per sample).
  const seen = new Map<string, Set<number>>();
  batch.samples.forEach((input, i) => {
    let s = fastSample(input);
    if (!s) {
      const r = SampleSchema.safeParse(input);
      if (!r.success) {
        for (const x of r.error.issues) problems.push({ path: formatPath(["samples", i, ...x.path]), message: x.message });
        return;
      }
      s = r.data;
    }
    const t = sampleTime(s);
    if (!opts.hasService(s.service)) problems.push({ path: `samples[${i}].service`, message: `unknown service "${s.service}"` });
    if (t > opts.now + MAX_FUTURE_MS) problems.push({ path: `samples[${i}].t`, message: `t is ${Math.round((t - opts.now) / 1000)} s in the future (at most ${MAX_FUTURE_MS / 1000} s allowed)` });
    if (t < opts.now - MAX_AGE_MS) problems.push({ path: `samples[${i}].t`, message: `t is older than ${MAX_AGE_MS / 3600_000} h; push ingest takes live data only` });
    let times = seen.get(s.service);
    if (!times) seen.set(s.service, (times = new Set()));
    if (times.has(t)) problems.push({ path: `samples[${i}].t`, message: `a second sample for ${s.service} at the same t in one batch` });
    times.add(t);
    if (problems.length) return;
    const sample: IngestSample = { service: s.service, t, intervalMs: s.intervalSeconds * 1000, values: toSignals(s, () => opts.last(s.service)), raw: s };
    const shareFaster = shareFasterOf(s);
    if (shareFaster) sample.shareFaster = shareFaster;
    out.push(sample);
  });
  if (problems.length) {
    throw new Invalid(`invalid ingest batch: ${problems[0].path}: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`, problems.slice(0, 100));
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The end of a sample's interval in epoch milliseconds (`t` may be an RFC 3339 time). */
export const sampleTime = (s: Sample): number => (typeof s.t === "number" ? s.t : Date.parse(s.t));

/** With latency buckets: the share of requests at or below a threshold (exact latency SLI counts). */
export function shareFasterOf(s: Sample): ((thresholdMs: number) => number) | undefined {
  const latency = s.latency;
  return latency && "buckets" in latency ? (thresholdMs) => shareAtOrBelow(thresholdMs, latency.buckets) : undefined;
}

/** Signal values of one sample: rates from counts over the interval, quantiles from buckets. */
type Last = Pick<SignalValues, "cpuPct" | "memPct" | "poolPct" | "p50" | "p95" | "p99" | "p999"> | null;

export function toSignals(s: Sample, lastOf: () => Last): SignalValues {
  // The previous point is only looked up when the sample leaves something out.
  const complete = s.latency !== undefined && s.saturation?.cpuPct !== undefined && s.saturation.memPct !== undefined && s.saturation.poolPct !== undefined;
  const last = complete ? null : lastOf();
  const rps = s.requests / s.intervalSeconds;
  const errorPct = s.requests > 0 ? (s.errors / s.requests) * 100 : 0;
  const error5xxPct = s.requests > 0 ? (s.errors5xx / s.requests) * 100 : 0;
  // Written out field by field: an object spread here cost several µs per sample (push ingest targets 100,000/s).
  let p50 = last?.p50 ?? 0;
  let p95 = last?.p95 ?? 0;
  let p99 = last?.p99 ?? 0;
  let p999 = last?.p999 ?? 0;
  const latency = s.latency;
  if (latency !== undefined && "quantiles" in latency) {
    const l = latency.quantiles;
    p50 = l.p50Ms;
    p95 = l.p95Ms;
    p99 = l.p99Ms;
    p999 = l.p999Ms ?? l.p99Ms;
  } else if (latency !== undefined && "buckets" in latency) {
    const b = latency.buckets;
    if (b[b.length - 1].count > 0) {
      p50 = bucketQuantile(0.5, b);
      p95 = bucketQuantile(0.95, b);
      p99 = bucketQuantile(0.99, b);
      p999 = bucketQuantile(0.999, b);
    }
  }
  const sat = s.saturation;
  return {
    p50,
    p95,
    p99,
    p999,
    rps,
    errorPct,
    error5xxPct,
    cpuPct: sat?.cpuPct ?? last?.cpuPct ?? 0,
    memPct: sat?.memPct ?? last?.memPct ?? 0,
    poolPct: sat?.poolPct ?? last?.poolPct ?? 0,
  };
}

/**
 * The q-quantile of cumulative buckets, as PromQL's histogram_quantile: linear interpolation
 * inside the bucket, from 0 for the first; a quantile in the +Inf bucket gives the last finite bound.
 */
export function bucketQuantile(q: number, buckets: readonly { leMs: number | "+Inf"; count: number }[]): number {
  const total = buckets[buckets.length - 1].count;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.leMs === "+Inf") return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + ((b.leMs - prevLe) * (rank - prevCount)) / inBucket : b.leMs;
    }
    if (b.leMs !== "+Inf") prevLe = b.leMs;
    prevCount = b.count;
  }
  return prevLe;
}

/**
 * The share of requests at or below `ms` from cumulative buckets, interpolated linearly inside
 * the bucket holding `ms` (as histogram_quantile does); 1 beyond the last finite bound.
 */
export function shareAtOrBelow(ms: number, buckets: readonly { leMs: number | "+Inf"; count: number }[]): number {
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return 1;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.leMs === "+Inf") return prevCount / total;
    if (ms <= b.leMs) return (prevCount + ((b.count - prevCount) * (ms - prevLe)) / (b.leMs - prevLe)) / total;
    prevLe = b.leMs;
    prevCount = b.count;
  }
  return prevCount / total;
}
