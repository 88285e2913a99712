import type { Sample } from "./schema";

/**
 * The stored form of a pushed sample (`ingest_samples.sample`, a blob): its numbers as
 * little-endian float64s, instead of its JSON text. JSON.stringify of every sample cost ~1 µs
 * of the ≈10 µs a sample had (BENCHMARKS.md "Push ingest"); writing numbers into one
 * Float64Array per request costs a tenth of that, and the blob is half the size of the text.
 * `service` and `t` are the row's key columns, so they are not repeated here.
 *
 *   [0] format (1)   [1] intervalSeconds   [2] requests   [3] errors   [4] errors5xx
 *   [5] cpuPct  [6] memPct  [7] poolPct   (NaN: absent)
 *   [8] latency: 0 none, 1 quantiles, 2 buckets
 *       quantiles → [9..12] p50Ms p95Ms p99Ms p999Ms (NaN: absent)
 *       buckets   → [9] n, then n × (leMs, count), leMs +Inf as Infinity
 *
 * decodeSample gives the sample back (lib/ingest/packed.test.ts checks the round trip), so what
 * was acknowledged can be read again; two spellings are not kept: `t` comes back as epoch
 * milliseconds when it was sent as an RFC 3339 time, and an empty `saturation: {}` as none.
 */
export const PACKED_FORMAT = 1;
const HEAD = 9;

/** Float64s the packed form of `s` takes. */
export function packedLength(s: Sample): number {
  const l = s.latency;
  if (l === undefined) return HEAD;
  return "quantiles" in l ? HEAD + 4 : HEAD + 1 + 2 * l.buckets.length;
}

const orNaN = (x: number | undefined): number => (x === undefined ? NaN : x);

/** Writes the packed form of `s` at `at` in `out`; returns where the next one starts. */
export function packSample(s: Sample, out: Float64Array, at: number): number {
  out[at] = PACKED_FORMAT;
  out[at + 1] = s.intervalSeconds;
  out[at + 2] = s.requests;
  out[at + 3] = s.errors;
  out[at + 4] = s.errors5xx;
  const sat = s.saturation;
  out[at + 5] = orNaN(sat?.cpuPct);
  out[at + 6] = orNaN(sat?.memPct);
  out[at + 7] = orNaN(sat?.poolPct);
  const l = s.latency;
  if (l === undefined) {
    out[at + 8] = 0;
    return at + HEAD;
  }
  if ("quantiles" in l) {
    const q = l.quantiles;
    out[at + 8] = 1;
    out[at + 9] = q.p50Ms;
    out[at + 10] = q.p95Ms;
    out[at + 11] = q.p99Ms;
    out[at + 12] = orNaN(q.p999Ms);
    return at + HEAD + 4;
  }
  const b = l.buckets;
  out[at + 8] = 2;
  out[at + 9] = b.length;
  let k = at + 10;
  for (let i = 0; i < b.length; i++) {
    const le = b[i].leMs;
    out[k++] = le === "+Inf" ? Infinity : le;
    out[k++] = b[i].count;
  }
  return k;
}

/** The packed forms of `samples` in one buffer; sample i is `data[offsets[i] .. offsets[i + 1])`. */
export function packSamples(samples: readonly { raw: Sample }[]): { data: Float64Array; offsets: Uint32Array } {
  const n = samples.length;
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = total;
    total += packedLength(samples[i].raw);
  }
  offsets[n] = total;
  const data = new Float64Array(total);
  for (let i = 0; i < n; i++) packSample(samples[i].raw, data, offsets[i]);
  return { data, offsets };
}

/** One sample's packed form as bytes (PostgreSQL `bytea`). */
export function packSampleBytes(s: Sample): Buffer {
  const data = new Float64Array(packedLength(s));
  packSample(s, data, 0);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The sample a stored blob holds, given its key columns. Rows stored before migration 0014 hold the sample's JSON text. */
export function decodeSample(service: string, t: number, bytes: Uint8Array): Sample {
  // A packed form starts with the float64 1 (first byte 0); JSON text with "{".
  if (bytes[0] === 0x7b) return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as Sample;
  if (bytes.byteLength % 8 !== 0 || bytes.byteLength < HEAD * 8) throw new Error("not a packed ingest sample");
  // Copied: a Buffer from the driver need not be 8-byte aligned.
  const v = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(v.buffer).set(bytes);
  if (v[0] !== PACKED_FORMAT) throw new Error(`packed ingest sample format ${v[0]} is not ${PACKED_FORMAT}`);
  const s: Sample = { service, t, intervalSeconds: v[1], requests: v[2], errors: v[3], errors5xx: v[4] };
  const sat: NonNullable<Sample["saturation"]> = {};
  if (!Number.isNaN(v[5])) sat.cpuPct = v[5];
  if (!Number.isNaN(v[6])) sat.memPct = v[6];
  if (!Number.isNaN(v[7])) sat.poolPct = v[7];
  if (Object.keys(sat).length > 0) s.saturation = sat;
  if (v[8] === 1) {
    const quantiles: { p50Ms: number; p95Ms: number; p99Ms: number; p999Ms?: number } = { p50Ms: v[9], p95Ms: v[10], p99Ms: v[11] };
    if (!Number.isNaN(v[12])) quantiles.p999Ms = v[12];
    s.latency = { quantiles };
  } else if (v[8] === 2) {
    const buckets: { leMs: number | "+Inf"; count: number }[] = [];
    for (let i = 0, k = 10; i < v[9]; i++, k += 2) buckets.push({ leMs: v[k] === Infinity ? "+Inf" : v[k], count: v[k + 1] });
    s.latency = { buckets };
  }
  return s;
}
