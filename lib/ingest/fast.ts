import type { Sample } from "./schema";

/**
 * A hand-written check for the common, valid sample, so a 10,000-sample batch does not pay for
 * zod on every element (push ingest targets 100,000 samples/s). It accepts only what
 * SampleSchema accepts and returns the same value; anything else — including every invalid
 * sample — returns null and goes through zod, which gives the error messages. fast.test.ts
 * checks the two agree.
 */
const SAMPLE_KEYS = new Set(["service", "t", "intervalSeconds", "requests", "errors", "errors5xx", "latency", "saturation"]);
const SATURATION_KEYS = new Set(["cpuPct", "memPct", "poolPct"]);
const QUANTILE_KEYS = new Set(["p50Ms", "p95Ms", "p99Ms", "p999Ms"]);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isCount = (x: unknown): x is number => isNum(x) && x >= 0 && x <= 1e12;
const isPct = (x: unknown): x is number => isNum(x) && x >= 0 && x <= 100;
const isMs = (x: unknown): x is number => isNum(x) && x >= 0 && x <= 3_600_000;

function onlyKeys(o: Record<string, unknown>, allowed: Set<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

/** Whether `x` is a latency SampleSchema accepts as it is (no copy: the parsed body is ours). */
function fastLatency(x: unknown): boolean {
  if (!isObject(x)) return false;
  let keys = 0;
  for (const _ in x) keys++;
  if (keys !== 1) return false;
  if (x.quantiles !== undefined) {
    const q = x.quantiles;
    if (!isObject(q) || !onlyKeys(q, QUANTILE_KEYS)) return false;
    const { p50Ms, p95Ms, p99Ms, p999Ms } = q;
    if (!isMs(p50Ms) || !isMs(p95Ms) || !isMs(p99Ms) || (p999Ms !== undefined && !isMs(p999Ms))) return false;
    if ("p999Ms" in q && p999Ms === undefined) return false;
    return p50Ms <= p95Ms && p95Ms <= p99Ms && (p999Ms === undefined || p99Ms <= p999Ms);
  }
  if (x.buckets !== undefined) {
    const b = x.buckets;
    if (!Array.isArray(b) || b.length < 2 || b.length > 100) return false;
    let prevLe = 0;
    let prevCount = -1;
    for (let i = 0; i < b.length; i++) {
      const e: unknown = b[i];
      if (!isObject(e)) return false;
      const { leMs, count } = e;
      let n = 0;
      for (const _ in e) n++;
      if (n !== 2 || !isCount(count) || count < prevCount) return false;
      const last = i === b.length - 1;
      if (last ? leMs !== "+Inf" : !(isNum(leMs) && leMs > 0 && leMs > prevLe)) return false;
      if (!last) prevLe = leMs as number;
      prevCount = count;
    }
    return true;
  }
  return false;
}

/**
 * The sample as SampleSchema would output it, or null when zod has to decide. A valid sample is
 * returned as it is (with the `errors5xx` default filled in), without copying: it comes from a
 * body this request just parsed, so nobody else holds it.
 */
export function fastSample(x: unknown): Sample | null {
  if (!isObject(x) || !onlyKeys(x, SAMPLE_KEYS)) return null;
  const { service, t, intervalSeconds, requests, errors } = x;
  const errors5xx = x.errors5xx === undefined ? 0 : x.errors5xx;
  if (typeof service !== "string" || service.length < 1 || service.length > 63) return null;
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t <= 0) return null;
  if (typeof intervalSeconds !== "number" || !Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600) return null;
  if (!isCount(requests) || !isCount(errors) || !isCount(errors5xx) || errors > requests || errors5xx > errors) return null;
  // Keys present with an undefined value (not in JSON, but callers may pass objects) go to zod.
  if (("latency" in x && !fastLatency(x.latency)) || ("errors5xx" in x && x.errors5xx === undefined)) return null;
  if ("saturation" in x) {
    const s = x.saturation;
    if (!isObject(s) || !onlyKeys(s, SATURATION_KEYS)) return null;
    for (const k in s) if (!isPct(s[k])) return null;
  }
  x.errors5xx = errors5xx;
  return x as Sample;
}
