import { describe, expect, it } from "vitest";
import { SimExporter, LATENCY_BUCKETS_SECONDS } from "./exposition";
import { Simulator } from "./simulator";
import { WEDNESDAY_2PM, demoServices, drill } from "./test-fixtures";
import type { SignalValues } from "../signals/types";

type Sample = { name: string; labels: Record<string, string>; value: number };

/** A strict little parser of the text format 0.0.4 (no timestamps); throws on any malformed line. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  expect(text.endsWith("\n")).toBe(true);
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]), `duplicate TYPE for ${type[1]}`).toBe(false);
      types.set(type[1], type[2]);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\} (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const raw = m[3];
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw === "NaN" ? NaN : Number(raw);
    if (raw !== "NaN" && Number.isNaN(value)) throw new Error(`bad value in ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

const get = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

/** PromQL histogram_quantile: linear interpolation inside the bucket holding the rank. */
function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1].count;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank);
  if (i === sorted.length - 1) return sorted[sorted.length - 2].le;
  if (i < 0) i = sorted.length - 1;
  const start = i === 0 ? 0 : sorted[i - 1].le;
  const prev = i === 0 ? 0 : sorted[i - 1].count;
  return start + (sorted[i].le - start) * ((rank - prev) / (sorted[i].count - prev));
}

const sim = new Simulator({ seed: 7, services: demoServices });

/** Scrapes the exporter every `stepS` seconds for `seconds`, advancing it from the simulator. */
function run(exporter: SimExporter, from: number, seconds: number, stepS = 1, drills = [] as ReturnType<typeof drill>[]) {
  const scrapes: { t: number; text: string; values: Record<string, SignalValues> }[] = [];
  for (let k = 1; k <= seconds / stepS; k++) {
    const t = from + k * stepS * 1000;
    const values = sim.sampleAll(t, drills);
    exporter.advance(t, values, stepS);
    scrapes.push({ t, text: exporter.render(), values });
  }
  return scrapes;
}

describe("SimExporter", () => {
  it("renders well-formed text format with every family typed once", () => {
    const e = new SimExporter();
    const [first] = run(e, WEDNESDAY_2PM, 1);
    const { samples, types } = parseExposition(first.text);
    expect(Object.fromEntries(types)).toEqual({
      http_requests_total: "counter",
      http_request_duration_seconds: "histogram",
      process_cpu_usage_ratio: "gauge",
      process_memory_usage_ratio: "gauge",
      db_pool_usage_ratio: "gauge",
    });
    for (const svc of demoServices) {
      const buckets = samples.filter((s) => s.name === "http_request_duration_seconds_bucket" && s.labels.service === svc.id);
      expect(buckets.map((b) => b.labels.le)).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"]);
      // Cumulative buckets never decrease and +Inf equals _count equals all requests.
      for (let i = 1; i < buckets.length; i++) expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
      const count = get(samples, "http_request_duration_seconds_count", { service: svc.id });
      expect(buckets[buckets.length - 1].value).toBe(count);
      expect(get(samples, "http_requests_total", { service: svc.id })).toBeCloseTo(count, 6);
      for (const g of ["process_cpu_usage_ratio", "process_memory_usage_ratio", "db_pool_usage_ratio"]) {
        const v = get(samples, g, { service: svc.id });
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it("escapes label values", () => {
    const e = new SimExporter();
    const v = sim.sampleAll(WEDNESDAY_2PM, [])["auth"];
    e.advance(WEDNESDAY_2PM, { 'we"ird\\id\n': v }, 1);
    const { samples } = parseExposition(e.render());
    expect(samples[0].labels.service).toBe('we\\"ird\\\\id\\n');
  });

  it("is deterministic", () => {
    const a = run(new SimExporter(), WEDNESDAY_2PM, 10);
    const b = run(new SimExporter(), WEDNESDAY_2PM, 10);
    expect(a.map((s) => s.text)).toEqual(b.map((s) => s.text));
  });

  it("keeps counters monotonic, and ignores a repeated or earlier time", () => {
    const e = new SimExporter();
    const scrapes = run(e, WEDNESDAY_2PM, 30, 1, [drill("latency", "checkout")]);
    let prev: Sample[] | null = null;
    for (const s of scrapes) {
      const { samples } = parseExposition(s.text);
      const counters = samples.filter((x) => !x.name.endsWith("_ratio"));
      if (prev) counters.forEach((c, i) => expect(c.value, `${c.name} ${JSON.stringify(c.labels)}`).toBeGreaterThanOrEqual(prev![i].value));
      prev = counters;
    }
    const before = e.render();
    const last = scrapes[scrapes.length - 1];
    e.advance(last.t, last.values, 1);
    e.advance(last.t - 5000, last.values, 1);
    expect(e.render()).toBe(before);
  });

  it("rate over an interval recovers rps, errorPct and error5xxPct within 1%", () => {
    const e = new SimExporter();
    const errors = drill("errors", "checkout", { magnitude: 5 });
    const scrapes = run(e, WEDNESDAY_2PM, 60, 1, [errors]);
    const a = parseExposition(scrapes[29].text).samples;
    const b = parseExposition(scrapes[59].text).samples;
    const window = scrapes.slice(30, 60);
    for (const svc of demoServices) {
      const inc = (labels: Record<string, string>) => get(b, "http_requests_total", { service: svc.id, ...labels }) - get(a, "http_requests_total", { service: svc.id, ...labels });
      const total = inc({});
      const err5 = inc({ code: "500" }) + inc({ code: "503" });
      const err = err5 + inc({ code: "429" });
      const mean = (f: (v: SignalValues) => number) => window.reduce((s, x) => s + f(x.values[svc.id]), 0) / window.length;
      const rps = mean((v) => v.rps);
      expect(total / 30 / rps).toBeCloseTo(1, 2);
      // Request-weighted error share over the window.
      const errorPct = mean((v) => (v.rps * v.errorPct) / rps);
      const error5xxPct = mean((v) => (v.rps * v.error5xxPct) / rps);
      expect(Math.abs((100 * err) / total - errorPct)).toBeLessThanOrEqual(0.01 * errorPct + 1e-9);
      expect(Math.abs((100 * err5) / total - error5xxPct)).toBeLessThanOrEqual(0.01 * error5xxPct + 1e-9);
    }
    // The drill shows: checkout has many more errors than background.
    const checkoutLast = scrapes[59].values.checkout;
    expect(checkoutLast.errorPct).toBeGreaterThan(1);
  });

  it("histogram_quantile over the histogram recovers p50 and p99 within a bucket's width", () => {
    const e = new SimExporter();
    const scrapes = run(e, WEDNESDAY_2PM, 20);
    const a = parseExposition(scrapes[9].text).samples;
    const b = parseExposition(scrapes[19].text).samples;
    const bounds = [...LATENCY_BUCKETS_SECONDS, Infinity];
    for (const svc of demoServices) {
      const buckets = bounds.map((le) => {
        const labels = { service: svc.id, le: le === Infinity ? "+Inf" : String(le) };
        return { le, count: get(b, "http_request_duration_seconds_bucket", labels) - get(a, "http_request_duration_seconds_bucket", labels) };
      });
      const last = scrapes[19].values[svc.id];
      for (const [q, want] of [
        [0.5, last.p50],
        [0.99, last.p99],
      ] as const) {
        const got = histogramQuantile(q, buckets) * 1000;
        const i = bounds.findIndex((le) => le * 1000 >= want);
        const width = (bounds[i] - (i > 0 ? bounds[i - 1] : 0)) * 1000;
        expect(Math.abs(got - want), `${svc.id} q=${q}: ${got} vs ${want}`).toBeLessThanOrEqual(width);
      }
      // _sum / _count is the mean latency: between p50 and p99 for a right-skewed distribution.
      const mean = (1000 * (get(b, "http_request_duration_seconds_sum", { service: svc.id }) - get(a, "http_request_duration_seconds_sum", { service: svc.id }))) / buckets[buckets.length - 1].count;
      expect(mean).toBeGreaterThan(last.p50 * 0.9);
      expect(mean).toBeLessThan(last.p99);
    }
  });

  it("counts nothing for a zero or invalid interval and no traffic", () => {
    const e = new SimExporter();
    const v = sim.sampleAll(WEDNESDAY_2PM, [])["auth"];
    e.advance(WEDNESDAY_2PM, { auth: v }, 0);
    e.advance(WEDNESDAY_2PM + 1000, { auth: { ...v, rps: 0 } }, 1);
    e.advance(WEDNESDAY_2PM + 2000, { auth: { ...v, rps: NaN } }, 1);
    const { samples } = parseExposition(e.render());
    expect(get(samples, "http_requests_total", {})).toBe(0);
    expect(get(samples, "http_request_duration_seconds_sum", {})).toBe(0);
  });
});
