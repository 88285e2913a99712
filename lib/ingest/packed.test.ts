import { describe, expect, it } from "vitest";
import { decodeSample, packSampleBytes, packSamples } from "./packed";
import { SampleSchema, type Sample } from "./schema";
import { hash, unit } from "../simulator/noise";

const T = 1_795_000_000_000;

/** Valid samples of every shape: no latency, quantiles with and without p99.9, buckets, partial saturation, fractional counts. */
function samples(n: number): Sample[] {
  const r = (i: number, k: number) => unit(hash(7, k, i));
  return Array.from({ length: n }, (_, i) => {
    const requests = Math.floor(r(i, 0) * 5000) + (i % 3 === 0 ? 0.5 : 0);
    const errors = Math.floor(requests * r(i, 1) * 0.1);
    const shape = i % 4;
    const s: Record<string, unknown> = { service: `svc-${i % 5}`, t: T + i * 1000, intervalSeconds: 1 + (i % 60), requests, errors, errors5xx: Math.floor(errors / 2) };
    if (shape === 1) s.latency = { quantiles: { p50Ms: 10 + r(i, 2), p95Ms: 80, p99Ms: 140.25, ...(i % 8 === 1 ? { p999Ms: 900 } : {}) } };
    if (shape === 2) {
      const counts = [0.3, 0.9, 0.99].map((q) => Math.floor(requests * q));
      s.latency = { buckets: [{ leMs: 12.5, count: counts[0] }, { leMs: 250, count: counts[1] }, { leMs: 1000, count: counts[2] }, { leMs: "+Inf", count: requests }] };
    }
    if (shape !== 3) s.saturation = i % 2 ? { cpuPct: 100 * r(i, 3), poolPct: 0 } : { cpuPct: 41, memPct: 52.125, poolPct: 12 };
    return SampleSchema.parse(s);
  });
}

describe("packed ingest samples (the stored form)", () => {
  it("read back exactly as the validated sample, one at a time and a request at a time", () => {
    const all = samples(400);
    const { data, offsets } = packSamples(all.map((raw) => ({ raw })));
    all.forEach((s, i) => {
      const bytes = new Uint8Array(data.buffer, offsets[i] * 8, (offsets[i + 1] - offsets[i]) * 8);
      expect(decodeSample(s.service, s.t as number, bytes)).toEqual(s);
      expect(decodeSample(s.service, s.t as number, packSampleBytes(s))).toEqual(s);
    });
    expect(offsets[all.length]).toBe(data.length);
  });

  it("take a fraction of the sample's JSON text", () => {
    const s = samples(2)[1];
    expect(packSampleBytes(s).byteLength).toBeLessThan(Buffer.byteLength(JSON.stringify(s)));
  });

  it("still read rows stored as JSON text before migration 0014, and refuse bytes that are neither", () => {
    const s = samples(3)[2];
    expect(decodeSample(s.service, s.t as number, Buffer.from(JSON.stringify(s)))).toEqual(s);
    expect(() => decodeSample("a", 1, Buffer.from([0, 1, 2]))).toThrow(/not a packed ingest sample/);
    const wrongFormat = packSampleBytes(s);
    wrongFormat.writeDoubleLE(9, 0);
    expect(() => decodeSample("a", 1, wrongFormat)).toThrow(/format 9/);
  });
});
