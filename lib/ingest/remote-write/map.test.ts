import { describe, expect, it } from "vitest";
import { remoteWriteRules, RemoteWriteConfigSchema } from "./config";
import { RemoteWriteMapper } from "./map";
import { decodeWriteRequest, type DecodedSeries } from "./proto";
import { encodeWriteRequest, scrapeSeries, type TestSeries } from "../../../test/support/remote-write";
import { SampleSchema } from "../schema";
import { hash, unit } from "../../simulator/noise";

const T0 = 1_795_000_000_000;
const KNOWN = new Set(["checkout", "search"]);
const mapper = (over: Record<string, unknown> = {}) =>
  new RemoteWriteMapper(remoteWriteRules(RemoteWriteConfigSchema.parse(over)), (id) => (KNOWN.has(id) ? null : "unknown_service"));
const decode = (s: TestSeries[]): DecodedSeries[] => decodeWriteRequest(encodeWriteRequest(s));
const B = (a: number, b: number, inf: number): [number, number][] => [
  [0.05, a],
  [0.25, b],
  [Infinity, inf],
];

describe("RemoteWriteMapper", () => {
  it("turns two scrapes into one point: rates by code class, bucket deltas and the gauge", () => {
    const m = mapper();
    const first = m.map(decode(scrapeSeries("checkout", T0, { ok: 1000, err5: 10, buckets: B(500, 900, 1010), cpu: 0.4 })), T0);
    expect(first.samples).toEqual([]); // one value per series: no rate yet
    first.commit();
    const second = m.map(decode(scrapeSeries("checkout", T0 + 10_000, { ok: 1990, err5: 30, buckets: B(1000, 1900, 2020), cpu: 0.5 })), T0 + 10_000);
    expect(second.points).toBe(6);
    expect(second.samples).toEqual([
      {
        service: "checkout",
        t: T0 + 10_000,
        intervalSeconds: 10,
        requests: 1010,
        errors: 20,
        errors5xx: 20,
        latency: { buckets: [{ leMs: 50, count: 500 }, { leMs: 250, count: 1000 }, { leMs: "+Inf", count: 1010 }] },
        saturation: { cpuPct: 50 },
      },
    ]);
  });

  it("takes a counter that goes down as a reset (it restarted from 0)", () => {
    const m = mapper();
    m.map(decode(scrapeSeries("checkout", T0, { ok: 5000, err5: 50, buckets: B(1, 2, 5050) })), T0).commit();
    const r = m.map(decode(scrapeSeries("checkout", T0 + 5000, { ok: 100, err5: 1, buckets: B(1, 2, 101) })), T0 + 5000);
    expect(r.samples[0]).toMatchObject({ requests: 101, errors: 1, intervalSeconds: 5 });
    expect(r.rejected).toEqual({});
  });

  it("refuses out-of-order, NaN/Inf and out-of-range samples, counts retried ones as duplicates", () => {
    const m = mapper();
    m.map(decode(scrapeSeries("checkout", T0 + 2000, { ok: 10, err5: 0, buckets: B(1, 2, 10) })), T0).commit();
    const r = m.map(
      decode([
        { labels: { __name__: "http_requests_total", service: "checkout", code: "200" }, samples: [{ value: 5, timestamp: T0 + 1000 }] },
        { labels: { __name__: "http_requests_total", service: "checkout", code: "500" }, samples: [{ value: 0, timestamp: T0 + 2000 }] },
        { labels: { __name__: "http_requests_total", service: "checkout", code: "404" }, samples: [{ value: NaN, timestamp: T0 }, { value: Infinity, timestamp: T0 + 1 }] },
        { labels: { __name__: "process_cpu_usage_ratio", service: "checkout" }, samples: [{ value: 1.5, timestamp: T0 + 3000 }] },
        { labels: { __name__: "http_requests_total", service: "checkout", code: "200" }, samples: [{ value: -1, timestamp: T0 + 4000 }] },
      ]),
      T0,
    );
    expect(r.rejected).toEqual({ out_of_order: 1, non_finite: 2, out_of_range: 2 });
    expect(r.duplicates).toBe(1);
    expect(r.points).toBe(0);
    expect(r.samples).toEqual([]);
  });

  it("refuses unknown services and series without the service label, ignores metrics it does not use", () => {
    const m = mapper();
    const r = m.map(
      decode([
        ...scrapeSeries("nope", T0, { ok: 1, err5: 0, buckets: B(1, 1, 1) }),
        { labels: { __name__: "http_requests_total", code: "200" }, samples: [{ value: 1, timestamp: T0 }] },
        { labels: { __name__: "http_request_duration_seconds_bucket", service: "checkout", le: "soon" }, samples: [{ value: 1, timestamp: T0 }] },
        { labels: { __name__: "up", job: "x" }, samples: [{ value: 1, timestamp: T0 }] },
      ]),
      T0,
    );
    expect(r.rejected).toEqual({ unknown_service: 5, no_service_label: 1, bad_label: 1 });
    expect(r.rejectedServices).toEqual(["nope", "checkout"]);
    expect(r.ignored).toBe(1);
    r.commit();
    expect(m.seriesCount).toBe(0);
    // A sender's label value is not echoed whole into the answer or the log.
    const long = m.map(decode(scrapeSeries("x".repeat(5000), T0, { ok: 1, err5: 0, buckets: B(1, 1, 1) })), T0);
    expect(long.rejectedServices).toEqual([`${"x".repeat(63)}…`]);
  });

  it("bounds the series per service: new ones beyond are refused, known ones still count", () => {
    const m = mapper({ maxSeriesPerService: 10 });
    const series = (n: number, t: number, v: number): TestSeries[] =>
      Array.from({ length: n }, (_, i) => ({ labels: { __name__: "http_requests_total", service: "checkout", code: "200", instance: `i${i}` }, samples: [{ value: v, timestamp: t }] }));
    const a = m.map(decode(series(25, T0, 0)), T0);
    expect(a.rejected).toEqual({ cardinality: 15 });
    a.commit();
    expect(m.seriesCount).toBe(10);
    const b = m.map(decode(series(1000, T0 + 1000, 10)), T0 + 1000);
    expect(b.rejected).toEqual({ cardinality: 990 });
    expect(b.samples[0]).toMatchObject({ requests: 100, intervalSeconds: 1 });
    // Another service has its own bound.
    const c = m.map(decode(scrapeSeries("search", T0, { ok: 1, err5: 0, buckets: B(1, 1, 1) })), T0);
    expect(c.rejected).toEqual({});
  });

  it("bounds the series over all services", () => {
    const m = mapper({ maxSeries: 10 });
    const r = m.map(decode([...scrapeSeries("checkout", T0, { ok: 1, err5: 0, buckets: B(1, 1, 1) }), ...scrapeSeries("search", T0, { ok: 1, err5: 0, buckets: B(1, 1, 1), cpu: 0.5 })]), T0);
    expect(r.rejected).toEqual({ cardinality: 1 });
    expect(r.rejectedServices).toEqual(["search"]);
    r.commit();
    expect(m.seriesCount).toBe(10);
  });

  it("changes nothing until commit: the same request maps the same way again (a retry after a 5xx)", () => {
    const m = mapper();
    m.map(decode(scrapeSeries("checkout", T0, { ok: 10, err5: 0, buckets: B(1, 2, 10) })), T0).commit();
    const next = decode(scrapeSeries("checkout", T0 + 1000, { ok: 20, err5: 1, buckets: B(2, 4, 21) }));
    const once = m.map(next, T0 + 1000);
    const again = m.map(next, T0 + 1000);
    expect(again.samples).toEqual(once.samples);
    expect(again.samples).toHaveLength(1);
    again.commit();
    expect(m.map(next, T0 + 1000)).toMatchObject({ samples: [], duplicates: 5 });
  });

  it("drops the state of series not seen for the TTL, and of series marked stale", () => {
    const m = mapper({ seriesTtlMinutes: 1 });
    m.map(decode(scrapeSeries("checkout", T0, { ok: 10, err5: 0, buckets: B(1, 2, 10) })), T0).commit();
    expect(m.seriesCount).toBe(5);
    m.map(decode(scrapeSeries("search", T0 + 61_000, { ok: 10, err5: 0, buckets: B(1, 2, 10) })), T0 + 61_000).commit();
    expect(m.seriesCount).toBe(5); // checkout's five are gone, search's five are new
    // The same series again, its one sample a staleness marker (as proto.ts decodes StaleNaN).
    const [series] = decode([{ labels: { __name__: "http_requests_total", service: "search", code: "200" }, samples: [{ value: 0, timestamp: T0 + 62_000 }] }]);
    const stale: DecodedSeries = { ...series, samples: [], times: [], staleAt: [T0 + 62_000] };
    m.map([stale], T0 + 62_000).commit();
    expect(m.seriesCount).toBe(4);
  });

  it("only makes samples the push schema accepts (other instances re-check them from the bus), over random scrapes", () => {
    let i = 0;
    const r = () => unit(hash(11, 0, i++));
    const m = mapper();
    let points = 0;
    for (let k = 0; k < 300; k++) {
      const t = T0 + k * (500 + Math.floor(r() * 2000));
      const series: TestSeries[] = [];
      for (let inst = 0; inst < 3; inst++) {
        // Counters that grow, sometimes reset, some buckets missing, gauges anywhere in 0–1, instances out of step.
        const n = r() < 0.05 ? r() * 10 : (k + 1) * 100 * (1 + r());
        const at = t + Math.floor(r() * 900);
        for (const code of ["200", "429", "500"]) series.push({ labels: { __name__: "http_requests_total", service: "checkout", code, instance: `i${inst}` }, samples: [{ value: n * r(), timestamp: at }] });
        for (const le of ["0.05", "0.1", "0.5", "+Inf"]) if (r() < 0.9) series.push({ labels: { __name__: "http_request_duration_seconds_bucket", service: "checkout", le, instance: `i${inst}` }, samples: [{ value: n * r(), timestamp: at }] });
        series.push({ labels: { __name__: "process_cpu_usage_ratio", service: "checkout", instance: `i${inst}` }, samples: [{ value: r(), timestamp: at }] });
      }
      const out = m.map(decode(series), t);
      for (const s of out.samples) {
        const parsed = SampleSchema.safeParse(s);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        points++;
      }
      out.commit();
    }
    expect(points).toBeGreaterThan(100);
  });
});
