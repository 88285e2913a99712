import { describe, expect, it } from "vitest";
import { compress } from "snappyjs";
import { decodeWriteRequest } from "./proto";
import { declaredLength, inflate } from "./snappy";
import { encodeWriteRequest, WriteRequest } from "../../../test/support/remote-write";
import { hash, unit } from "../../simulator/noise";

const rng = (seed: number) => {
  let i = 0;
  return () => unit(hash(seed, 0, i++));
};

describe("decodeWriteRequest", () => {
  it("reads what protobufjs encodes: labels, values and 41-bit timestamps, over random requests", () => {
    const r = rng(3);
    for (let round = 0; round < 200; round++) {
      const series = Array.from({ length: Math.floor(r() * 8) }, (_, i) => ({
        labels: { __name__: `m_${i}`, service: `svc-${Math.floor(r() * 5)}`, code: r() < 0.5 ? "200" : "5ü0" },
        samples: Array.from({ length: Math.floor(r() * 4) }, () => ({ value: (r() - 0.5) * 1e9, timestamp: 1_795_000_000_000 + Math.floor(r() * 1e9) })),
      }));
      // Metadata (field 3) before or after the series must be skipped whole.
      const got = decodeWriteRequest(encodeWriteRequest(series, round % 3 === 0 ? { metadata: [{ type: 1, metricFamilyName: "x_total", help: "help ".repeat(round % 40) }] } : {}));
      expect(got).toHaveLength(series.length);
      got.forEach((g, i) => {
        const want = series[i];
        const names = Object.keys(want.labels).sort();
        expect(g.names).toEqual(names);
        expect(g.values).toEqual(names.map((n) => want.labels[n as keyof typeof want.labels]));
        expect(g.samples).toEqual(want.samples.map((s) => s.value));
        expect(g.times).toEqual(want.samples.map((s) => s.timestamp));
      });
    }
  });

  it("names a series by its label bytes: the same labels give the same key, other labels another", () => {
    const one = (labels: Record<string, string>, value: number) => decodeWriteRequest(encodeWriteRequest([{ labels, samples: [{ value, timestamp: 1 }] }]))[0].key;
    const a = one({ __name__: "x", service: "checkout", code: "200" }, 1);
    expect(a).not.toBeNull();
    expect(one({ __name__: "x", service: "checkout", code: "200" }, 2)).toBe(a);
    expect(one({ __name__: "x", service: "checkout", code: "500" }, 1)).not.toBe(a);
    // A label after a sample (not how Prometheus encodes): no byte key, the mapper joins the labels.
    const label = Buffer.from([0x0a, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00]);
    const sample = Buffer.from([0x12, 0x02, 0x10, 0x01]);
    const ts = Buffer.concat([label, sample, label]);
    expect(decodeWriteRequest(Buffer.concat([Buffer.from([0x0a, ts.length]), ts]))[0].key).toBeNull();
  });

  it("skips metadata and exemplars, and tells the staleness marker from other NaNs", () => {
    const buf = WriteRequest.encode(
      WriteRequest.fromObject({
        metadata: [{ type: 1, metricFamilyName: "x", help: "h" }],
        timeseries: [{ labels: [{ name: "__name__", value: "a" }], samples: [{ value: 1, timestamp: 5 }], exemplars: [{ labels: [], value: 2, timestamp: 3 }] }],
      }),
    ).finish();
    // Prometheus' StaleNaN is 0x7ff0000000000002; a plain NaN is 0x7ff8000000000001.
    const withNaNs = Buffer.from(buf);
    const decoded = decodeWriteRequest(withNaNs);
    expect(decoded[0].samples).toEqual([1]);
    const stale = new Uint8Array(8);
    new DataView(stale.buffer).setUint32(4, 0x7ff00000, true);
    new DataView(stale.buffer).setUint32(0, 2, true);
    // TimeSeries { samples: Sample { value: StaleNaN, timestamp: 7 } }
    const sample = Buffer.from([0x09, ...stale, 0x10, 0x07]);
    const ts = Buffer.from([0x12, sample.length, ...sample]);
    const req = Buffer.from([0x0a, ts.length, ...ts]);
    const got = decodeWriteRequest(req);
    expect(got[0].staleAt).toEqual([7]);
    expect(got[0].samples).toEqual([]);
  });

  it("refuses garbage, truncated messages and negative timestamps with a 400", () => {
    const good = encodeWriteRequest([{ labels: { __name__: "a", service: "checkout" }, samples: [{ value: 1, timestamp: 1_795_000_000_000 }] }]);
    for (const cut of [1, 5, good.length - 1]) expect(() => decodeWriteRequest(good.subarray(0, cut))).toThrow(/not a valid protobuf/);
    expect(() => decodeWriteRequest(Buffer.from("this is not protobuf at all, just text"))).toThrow(/not a valid protobuf/);
    expect(() => decodeWriteRequest(Buffer.from([0x0b, 0x01]))).toThrow(/wire type/);
    const negative = encodeWriteRequest([{ labels: { __name__: "a" }, samples: [{ value: 1, timestamp: -1 }] }]);
    expect(() => decodeWriteRequest(negative)).toThrow(/varint/);
    try {
      decodeWriteRequest(Buffer.from([0xff, 0xff]));
      expect.unreachable();
    } catch (err) {
      expect((err as { status: number }).status).toBe(400);
    }
  });
});

describe("inflate", () => {
  it("round-trips snappy and checks the declared length before inflating", () => {
    const raw = encodeWriteRequest([{ labels: { __name__: "a" }, samples: [{ value: 1, timestamp: 2 }] }]);
    expect(Buffer.from(inflate(Buffer.from(compress(raw)))).equals(Buffer.from(raw))).toBe(true);
    // A 6-byte body claiming 100 MiB: refused (413) from the header alone.
    const bomb = Buffer.from([0x80, 0x80, 0x80, 0x32, 0x00, 0x00]);
    expect(declaredLength(bomb)).toBe(100 * 1024 * 1024);
    expect(() => inflate(bomb)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it("refuses truncated and corrupt snappy with a 400", () => {
    const big = Buffer.from(compress(Buffer.from("remote write ".repeat(500))));
    expect(() => inflate(big.subarray(0, big.length - 7))).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/snappy/) }));
    expect(() => inflate(Buffer.from([0x10, 0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => inflate(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => inflate(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/length header/);
  });
});
