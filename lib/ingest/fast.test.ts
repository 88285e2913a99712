import { describe, expect, it } from "vitest";
import { fastSample } from "./fast";
import { SampleSchema } from "./schema";
import { hash, unit } from "../simulator/noise";

/** Deterministic pseudo-random numbers in [0, 1): the simulator's counter-based hash. */
function rng(seed: number) {
  let i = 0;
  return () => unit(hash(seed, 0, i++));
}

const base = () => ({
  service: "checkout",
  t: 1_795_000_000_000,
  intervalSeconds: 10,
  requests: 1000,
  errors: 20,
  errors5xx: 10,
  latency: { buckets: [{ leMs: 50, count: 500 }, { leMs: 500, count: 990 }, { leMs: "+Inf" as const, count: 1000 }] },
  saturation: { cpuPct: 41, memPct: 52, poolPct: 12 },
});

// Values that are sometimes valid and often not, for every field.
const ODD: unknown[] = [0, -1, 1, 0.5, 100, 101, 1e13, 3600, 3601, "", "x", "+Inf", "-Inf", null, true, [], {}, [1, 2], "2026-11-23T12:00:00Z", Number.MAX_SAFE_INTEGER + 2];

describe("fastSample agrees with SampleSchema", () => {
  it("accepts the usual valid samples (buckets, quantiles, defaults) with the same output as zod", () => {
    const valid = [
      base(),
      { ...base(), latency: { quantiles: { p50Ms: 20, p95Ms: 80, p99Ms: 140 } } },
      { ...base(), latency: { quantiles: { p50Ms: 20, p95Ms: 80, p99Ms: 140, p999Ms: 400 } } },
      { service: "a", t: 1, intervalSeconds: 1, requests: 0, errors: 0 },
      { ...base(), saturation: { cpuPct: 0 } },
    ];
    for (const v of valid) {
      const fast = fastSample(v);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(SampleSchema.parse(v));
    }
  });

  it("never accepts what zod rejects, over 20,000 mutated samples", () => {
    const rnd = rng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    let fastAccepted = 0;
    let zodAccepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const s = JSON.parse(JSON.stringify(base())) as Record<string, unknown> & { latency: { buckets: Record<string, unknown>[] }; saturation: Record<string, unknown> };
      const mutations = 1 + Math.floor(rnd() * 3);
      for (let m = 0; m < mutations; m++) {
        switch (Math.floor(rnd() * 9)) {
          case 0:
            s[pick(["service", "t", "intervalSeconds", "requests", "errors", "errors5xx", "extra"])] = pick(ODD);
            break;
          case 1:
            delete s[pick(["service", "t", "intervalSeconds", "requests", "errors", "errors5xx", "latency", "saturation"])];
            break;
          case 2:
            if (Array.isArray(s.latency?.buckets) && s.latency.buckets.length === 3) s.latency.buckets[Math.floor(rnd() * 3)][pick(["leMs", "count", "x"])] = pick(ODD);
            break;
          case 3:
            if (Array.isArray(s.latency?.buckets)) s.latency.buckets.reverse();
            break;
          case 4:
            if (s.saturation && typeof s.saturation === "object") s.saturation[pick(["cpuPct", "memPct", "poolPct", "diskPct"])] = pick(ODD);
            break;
          case 5:
            s.latency = pick([{ quantiles: { p50Ms: pick(ODD), p95Ms: 80, p99Ms: 140 } }, { quantiles: { p50Ms: 200, p95Ms: 80, p99Ms: 140 } }, { buckets: [], quantiles: {} }, {}, { quantiles: { p50Ms: 1, p95Ms: 2, p99Ms: 3, p999Ms: pick(ODD) } }] as never);
            break;
          case 6:
            s.errors = (s.requests as number) + 1;
            break;
          case 7:
            s.errors5xx = Math.floor(rnd() * 40);
            break;
          default:
            s.t = pick([1, 0, -5, 1.5, "2026-11-23T12:00:00Z", Number.MAX_SAFE_INTEGER + 2]);
        }
      }
      const fast = fastSample(s);
      const zod = SampleSchema.safeParse(s);
      if (zod.success) zodAccepted++;
      if (fast !== null) {
        fastAccepted++;
        expect(zod.success, JSON.stringify(s)).toBe(true);
        expect(fast).toEqual(zod.data);
      }
    }
    // The mutations hit both sides often enough to mean something.
    expect(fastAccepted).toBeGreaterThan(1000);
    expect(zodAccepted - fastAccepted).toBeLessThan(zodAccepted);
  });
});
