import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  PrometheusSource,
  PrometheusSourceSchema,
  SourceError,
  defaultQueries,
  effectiveQueries,
  parseSampleValue,
  type PrometheusSourceInput,
} from "./prometheus";
import { latencyBucketsQuery } from "./prometheus/config";
import { SIGNALS, type SignalName } from "../signals/types";

// ---- a fake Prometheus ------------------------------------------------------

type Req = { path: string; params: URLSearchParams };
type Handler = (req: Req, res: http.ServerResponse) => void;

async function fakePrometheus(handler: Handler) {
  const requests: Req[] = [];
  let current = handler;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const params = req.method === "POST" ? new URLSearchParams(Buffer.concat(chunks).toString()) : url.searchParams;
      const r = { path: url.pathname, params };
      requests.push(r);
      current(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  return { url, requests, setHandler: (h: Handler) => (current = h), close };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

function json(res: http.ServerResponse, status: number, body: unknown) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json" }).end(text);
}

const vector = (rows: [Record<string, string>, string][], t = 1) => ({
  status: "success",
  data: { resultType: "vector", result: rows.map(([metric, v]) => ({ metric, value: [t, v] })) },
});

/** The evaluation times (seconds) of a query_range request: start, start + step, … ≤ end. */
function rangeTimes(req: Req): number[] {
  const start = Number(req.params.get("start"));
  const end = Number(req.params.get("end"));
  const step = Number(req.params.get("step"));
  const times: number[] = [];
  for (let t = start; t <= end + 1e-9; t += step) times.push(t);
  return times;
}

/** Queries of one sample: one per signal, but one for all four percentiles (the bucket rates). */
const QUERIES_PER_SAMPLE = SIGNALS.length - 3;

/** Bucket rates (cumulative, per second) of a service whose percentiles are 50, 95, 99 and 99.9 ms: histogram_quantile interpolates inside the 0–50 and 50–100 ms buckets. */
const BUCKETS: [string, string][] = [
  ["0.05", "50"],
  ["0.1", "100"],
  ["+Inf", "100"],
];

/**
 * Answers every default-query signal with `value(signal, service)` for each service, and the
 * bucket rates behind the four percentiles with `buckets(service)`.
 */
function perSignal(
  source: PrometheusSource,
  services: string[],
  value: (signal: SignalName, service: string) => string = () => "1",
  buckets: (service: string) => [string, string][] = () => BUCKETS,
): Handler {
  const bySignal = new Map(Object.entries(effectiveQueries(source.config)).map(([k, v]) => [v, k as SignalName]));
  // The bucket rates, for all services or (`service=~"a|b"`) the ones asked for.
  const bucketQuery = latencyBucketsQuery(source.config).replace(/\[.*$/, "");
  return (req, res) => {
    const query = req.params.get("query") ?? "";
    if (query === latencyBucketsQuery(source.config) || query.startsWith(`${bucketQuery}{`)) {
      const asked = /service=~"([^"]*)"/.exec(query)?.[1].split("|");
      const answering = asked ? services.filter((s) => asked.includes(s)) : services;
      return json(res, 200, vector(answering.flatMap((s) => buckets(s).map(([le, v]): [Record<string, string>, string] => [{ service: s, le }, v]))));
    }
    const signal = bySignal.get(query);
    if (!signal) return json(res, 400, { status: "error", errorType: "bad_data", error: "unknown query" });
    json(res, 200, vector(services.map((s) => [{ service: s }, value(signal, s)])));
  };
}

function source(url: string, over: Partial<PrometheusSourceInput> = {}, serviceIds?: string[]) {
  const s = new PrometheusSource({
    config: { kind: "prometheus", url, retries: 0, ...over },
    serviceIds,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  closers.push(async () => s.close());
  return s;
}

const T = Date.UTC(2026, 10, 18, 14, 0, 0);

/** Polls `fn` until it returns a truthy value or the deadline passes. */
async function until<T>(fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---- tests --------------------------------------------------------------------

describe("PrometheusSourceSchema", () => {
  it("fills defaults and builds one aggregated query per signal", () => {
    const cfg = PrometheusSourceSchema.parse({ kind: "prometheus", url: "http://prom:9090" });
    expect(cfg).toMatchObject({ serviceLabel: "service", timeoutMs: 3000, retries: 2, rateWindow: "1m", maxResponseBytes: 8 * 1024 * 1024 });
    const q = defaultQueries(cfg);
    expect(Object.keys(q).sort()).toEqual([...SIGNALS].sort());
    for (const expr of Object.values(q)) expect(expr).toMatch(/by \(service(, le)?\)/);
    expect(q.rps).toBe("sum by (service) (rate(http_requests_total[1m]))");
    expect(q.errorPct).toContain('code=~"5..|429"');
    expect(q.error5xxPct).toContain('code=~"5.."');
    expect(q.p99).toBe("1000 * histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[1m])))");
    expect(q.poolPct).toBe("100 * avg by (service) (db_pool_usage_ratio)");
  });

  it("uses serviceLabel and overrides", () => {
    const cfg = PrometheusSourceSchema.parse({ kind: "prometheus", url: "https://h/prom", serviceLabel: "app", queries: { cpuPct: "my_cpu" } });
    const q = effectiveQueries(cfg);
    expect(q.rps).toContain("by (app)");
    expect(q.cpuPct).toBe("my_cpu");
  });

  it("rejects bad urls, labels and durations with clear messages", () => {
    const bad = (over: object) => PrometheusSourceSchema.safeParse({ kind: "prometheus", url: "http://p", ...over });
    expect(bad({ url: "ftp://p" }).error?.issues[0].message).toMatch(/http/);
    expect(bad({ serviceLabel: "a-b" }).error?.issues[0].message).toMatch(/label name/);
    expect(bad({ rateWindow: "1 minute" }).error?.issues[0].message).toMatch(/duration/);
    expect(bad({ queries: { nope: "x" } }).success).toBe(false);
    expect(bad({ services: { Checkout: { rps: "x" } } }).success).toBe(false);
    expect(bad({ queryInterval: "fast" }).error?.issues[0].message).toMatch(/queryInterval must be "auto" or a Prometheus duration/);
    expect(PrometheusSourceSchema.parse({ kind: "prometheus", url: "http://p" }).queryInterval).toBe("auto");
  });
});

describe("parseSampleValue", () => {
  it("parses the API's special values explicitly", () => {
    expect(parseSampleValue("NaN")).toBeNaN();
    expect(parseSampleValue("+Inf")).toBe(Infinity);
    expect(parseSampleValue("-Inf")).toBe(-Infinity);
    expect(parseSampleValue("1e3")).toBe(1000);
    expect(parseSampleValue("-0.25")).toBe(-0.25);
    for (const junk of ["", " 1", "abc", "Infinity", "0x"]) expect(() => parseSampleValue(junk), junk).toThrow(SourceError);
  });
});

describe("PrometheusSource.sampleAll", () => {
  it("maps results to services; NaN and ±Inf become 0, missing signals 0", async () => {
    const fake = await fakePrometheus(() => undefined);
    const src = source(fake.url);
    fake.setHandler(
      perSignal(
        src,
        ["api", "db"],
        (signal, svc) => {
          if (signal === "rps") return svc === "api" ? "12.5" : "NaN";
          if (signal === "cpuPct") return "-Inf";
          return "3";
        },
        // db served nothing: every bucket rate is 0, so histogram_quantile would say NaN.
        (svc) => (svc === "db" ? BUCKETS.map(([le]) => [le, "0"]) : BUCKETS),
      ),
    );
    const out = await src.sampleAll(T);
    expect(out.api).toMatchObject({ rps: 12.5, p50: 50, p95: 95, cpuPct: 0, errorPct: 3 });
    expect(out.api.p99).toBeCloseTo(99, 9);
    expect(out.api.p999).toBeCloseTo(99.9, 9);
    expect(out.db).toMatchObject({ rps: 0, p50: 0, p99: 0, errorPct: 3 });
    expect(src.status()).toEqual({ kind: "prometheus", state: "ok", lastSuccessAt: T });
    // api's and db's cpuPct (-Inf), db's rps (NaN) and db's four percentiles (NaN).
    expect(src.stats().replacedValues).toBe(7);
    // Instant queries are evaluated at the tick time.
    expect(new Set(fake.requests.map((r) => r.params.get("time")))).toEqual(new Set([String(T / 1000)]));
    expect(fake.requests.every((r) => r.path === "/api/v1/query" && r.params.get("timeout") === "3")).toBe(true);
  });

  it("sends one query per signal, one for all four percentiles, whatever the number of services", async () => {
    for (const n of [2, 500]) {
      const fake = await fakePrometheus(() => undefined);
      const src = source(fake.url);
      const ids = Array.from({ length: n }, (_, i) => `svc-${i}`);
      fake.setHandler(perSignal(src, ids));
      const out = await src.sampleAll(T);
      expect(Object.keys(out)).toHaveLength(n);
      expect(out[`svc-${n - 1}`]).toMatchObject({ p50: 50, p95: 95 });
      expect(fake.requests).toHaveLength(QUERIES_PER_SAMPLE);
      expect(fake.requests.map((r) => r.params.get("query"))).toContain("sum by (service, le) (rate(http_request_duration_seconds_bucket[1m]))");
      expect(fake.requests.some((r) => r.params.get("query")?.includes("histogram_quantile"))).toBe(false);
      expect(src.stats().queriesPerSample).toBe(QUERIES_PER_SAMPLE);
    }
  });

  it("keeps to serviceIds and lets per-service overrides win", async () => {
    const fake = await fakePrometheus(() => undefined);
    const src = source(fake.url, { services: { db: { rps: 'sum(rate(pg_xact_commit{instance="db"}[1m]))' } } }, ["api", "db"]);
    const agg = perSignal(src, ["api", "db", "stranger"], () => "7");
    fake.setHandler((req, res) =>
      req.params.get("query")?.startsWith("sum(rate(pg_xact") ? json(res, 200, vector([[{}, "99"]])) : agg(req, res),
    );
    const out = await src.sampleAll(T);
    expect(Object.keys(out).sort()).toEqual(["api", "db"]);
    expect(out.db.rps).toBe(99);
    expect(out.api.rps).toBe(7);
    expect(fake.requests).toHaveLength(QUERIES_PER_SAMPLE + 1);
  });

  it("takes a replaced percentile from its own query and the others from the bucket rates; a service's own query wins for it", async () => {
    const fake = await fakePrometheus(() => undefined);
    const p99 = "max by (service) (my_p99_ms)";
    const src = source(fake.url, { queries: { p99 }, services: { db: { p50: 'my_db_p50{instance="db"}' } } }, ["api", "db"]);
    const agg = perSignal(src, ["api", "db"], (signal, svc) => (signal === "p99" ? (svc === "api" ? "321" : "654") : "1"));
    fake.setHandler((req, res) => (req.params.get("query")?.startsWith("my_db_p50") ? json(res, 200, vector([[{}, "7"]])) : agg(req, res)));
    const out = await src.sampleAll(T);
    expect(out.api).toMatchObject({ p50: 50, p95: 95, p99: 321 });
    expect(out.api.p999).toBeCloseTo(99.9, 9);
    expect(out.db).toMatchObject({ p50: 7, p95: 95, p99: 654 });
    const queries = fake.requests.map((r) => r.params.get("query"));
    expect(queries).toContain(p99);
    expect(queries.filter((q) => q?.includes("_bucket"))).toHaveLength(1);
    expect(queries).toHaveLength(QUERIES_PER_SAMPLE + 2);
  });

  it("asks an estate too large for one answer of bucket rates in groups of services when backfilling, and ticks with one quantile query per percentile", async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `svc-${String(i).padStart(4, "0")}`);
    const bounds = ["0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.25", "0.3", "0.4", "0.5", "0.75", "1", "1.5", "2", "3", "5", "10", "+Inf"];
    const answered: number[] = [];
    const fake = await fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      if (q === "count(count by (le) (http_request_duration_seconds_bucket))") return json(res, 200, vector([[{}, String(bounds.length)]]));
      if (req.path === "/api/v1/query") return json(res, 200, vector(ids.map((service) => [{ service }, q.includes("histogram_quantile(0.5,") ? "75" : "2"])));
      const times = rangeTimes(req);
      if (!q.includes("_bucket")) return json(res, 200, { status: "success", data: { resultType: "matrix", result: ids.map((service) => ({ metric: { service }, values: times.map((t) => [t, "2"]) })) } });
      const group = /service=~"([^"]*)"/.exec(q)?.[1].split("|") ?? ids;
      // Each service: 100 requests a second, 10 in each bucket up to 0.2 s, the other 20 by 0.25 s.
      const result = group.flatMap((service) => bounds.map((le, k) => ({ metric: { service, le }, values: times.map((t) => [t, String(k < 8 ? 10 * (k + 1) : 100)]) })));
      answered.push(result.length * times.length);
      json(res, 200, { status: "success", data: { resultType: "matrix", result } });
    });
    const src = source(fake.url, { scrapeInterval: "15s" }, ids);
    const ticks = await src.backfillTicks(T, T + 30_000, 1000);
    expect(ticks).toHaveLength(30);
    for (const id of [ids[0], ids[2600], ids[4999]]) {
      expect(ticks[29].values[id].p50).toBeCloseTo(75, 9); // rank 50: the top of the 0.075 s bucket
      expect(ticks[29].values[id].p99).toBeCloseTo(247.5, 9); // rank 99: 19 of the 20 in (0.2, 0.25]
    }
    // 100,000 bucket series, in answers of at most 150,000 points, each service in one group.
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...answered)).toBeLessThanOrEqual(150_000);
    const groups = fake.requests.map((r) => /service=~"([^"]*)"/.exec(r.params.get("query")!)?.[1]).filter((g): g is string => g !== undefined);
    expect(new Set(groups.flatMap((g) => g.split("|"))).size).toBe(5000);
    // Ticks: 100,000 series a second would be ~8.5 MB to decode, so the four percentiles are four quantile queries.
    fake.requests.length = 0;
    const out = await src.sampleAll(T + 30_000);
    expect(Object.keys(out)).toHaveLength(5000);
    expect(out[ids[4999]]).toMatchObject({ p50: 75, rps: 2 });
    expect(fake.requests.filter((r) => r.params.get("query")?.includes("histogram_quantile"))).toHaveLength(4);
    expect(fake.requests).toHaveLength(SIGNALS.length);
    expect(src.stats().queriesPerSample).toBe(SIGNALS.length);
    // The bounds were counted once.
    expect(fake.requests.filter((r) => r.params.get("query")?.startsWith("count(count by (le)"))).toHaveLength(0);
  });

  it("asks the bucket rates of its own services only, so a Prometheus shared with other teams sends no one else's buckets", async () => {
    const fake = await fakePrometheus(() => undefined);
    const src = source(fake.url, {}, ["api", "db"]);
    fake.setHandler(perSignal(src, ["api", "db", ...Array.from({ length: 50 }, (_, i) => `other-${i}`)]));
    const out = await src.sampleAll(T);
    expect(Object.keys(out).sort()).toEqual(["api", "db"]);
    expect(out.db).toMatchObject({ p50: 50, p95: 95 });
    const bucketQueries = fake.requests.map((r) => r.params.get("query")!).filter((q) => q.includes("_bucket"));
    expect(bucketQueries).toEqual(['sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"api|db"}[1m]))']);
  });

  it("counts the histogram's bounds at most once a minute when Prometheus has none yet, and not at all when no percentile needs them", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `svc-${i}`);
    const fake = await fakePrometheus((req, res) => json(res, 200, vector(req.params.get("query")!.startsWith("count(count by (le)") ? [] : ids.map((service) => [{ service }, "1"]))));
    const probes = () => fake.requests.filter((r) => r.params.get("query")!.startsWith("count(count by (le)")).length;
    const src = source(fake.url, {}, ids);
    for (let k = 0; k < 3; k++) await src.sampleAll(T + k * 1000);
    expect(probes()).toBe(1);
    // Without the count, 1,000 services at up to 64 buckets each would not fit one answer: the quantile queries.
    expect(fake.requests.filter((r) => r.params.get("query")!.includes("histogram_quantile"))).toHaveLength(12);
    fake.requests.length = 0;
    const all = { p50: "a", p95: "b", p99: "c", p999: "d" };
    const replaced = source(fake.url, { queries: all }, ids);
    await replaced.sampleAll(T);
    expect(probes()).toBe(0);
    expect(fake.requests).toHaveLength(SIGNALS.length);
  });

  it("on partial failure keeps the last values of failed signals and reports degraded", async () => {
    const fake = await fakePrometheus(() => undefined);
    const src = source(fake.url);
    const ok = perSignal(src, ["api"], (signal) => (signal === "errorPct" ? "120" : "5"));
    fake.setHandler(ok);
    await src.sampleAll(T);
    const fail = (what: string) => (req: Req, res: http.ServerResponse) =>
      req.params.get("query")?.includes(what)
        ? json(res, 422, { status: "error", errorType: "execution", error: "query processing would load too many samples into memory" })
        : ok(req, res);
    fake.setHandler(fail('code=~"5..|429"'));
    const out = await src.sampleAll(T + 1000);
    expect(out.api.errorPct).toBe(120);
    expect(out.api.rps).toBe(5);
    const st = src.status();
    expect(st.state).toBe("degraded");
    expect(st.error).toBe("errorPct: Prometheus 422: execution: query processing would load too many samples into memory");
    expect(st.lastSuccessAt).toBe(T + 1000);
    // The bucket rates failing: the four percentiles keep their last values, named together.
    fake.setHandler(fail("_bucket"));
    const out2 = await src.sampleAll(T + 2000);
    expect(out2.api).toMatchObject({ p50: 50, p95: 95, errorPct: 120, rps: 5 });
    expect(src.status().error).toBe("p50, p95, p99, p999: Prometheus 422: execution: query processing would load too many samples into memory");
  });

  it("says so when no series carry the service label", async () => {
    const fake = await fakePrometheus((_req, res) => json(res, 200, vector([[{ job: "x" }, "1"]])));
    const src = source(fake.url);
    expect(await src.sampleAll(T)).toEqual({});
    expect(src.status()).toMatchObject({ state: "degraded", error: expect.stringContaining('label "service"') });
  });

  it("surfaces a 422 error body verbatim and does not retry it, but counts it toward the breaker", async () => {
    const fake = await fakePrometheus((_req, res) =>
      json(res, 422, { status: "error", errorType: "execution", error: "expanding series: context deadline exceeded" }),
    );
    const src = source(fake.url, { retries: 3, breaker: { failures: 20, halfOpenAfterMs: 10_000 } });
    const err = await src.sampleAll(T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    // Every signal failed for the same reason: said once, without listing the signals.
    expect((err as Error).message).toBe("Prometheus 422: execution: expanding series: context deadline exceeded");
    expect(fake.requests).toHaveLength(QUERIES_PER_SAMPLE);
    expect(src.stats()).toMatchObject({ breaker: "closed", queries: QUERIES_PER_SAMPLE, errors: QUERIES_PER_SAMPLE, retries: 0 });
    // Two more samples' failed queries reach the 20 consecutive failures: the breaker opens.
    await src.sampleAll(T + 1000).catch(() => undefined);
    expect(src.stats().breaker).toBe("closed");
    await src.sampleAll(T + 2000).catch(() => undefined);
    expect(src.stats().breaker).toBe("open");
    expect(src.status()).toMatchObject({ state: "down", lastSuccessAt: null });
  });

  it("surfaces a 400 bad_data body", async () => {
    const fake = await fakePrometheus((_req, res) =>
      json(res, 400, { status: "error", errorType: "bad_data", error: 'exceeded maximum resolution of 11,000 points per timeseries' }),
    );
    const err = await source(fake.url).sampleAll(T).catch((e: Error) => e);
    expect(err.message).toMatch(/Prometheus 400: bad_data: exceeded maximum resolution/);
  });

  it("times out a slow answer and a slow body", async () => {
    const fake = await fakePrometheus((_req, res) => setTimeout(() => json(res, 200, vector([])), 2000).unref());
    const src = source(fake.url, { timeoutMs: 100, breaker: { failures: 100, halfOpenAfterMs: 10_000 } });
    const started = Date.now();
    const err = await src.sampleAll(T).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.message).toMatch(/did not answer within 100 ms/);
    expect(src.stats().timeouts).toBe(QUERIES_PER_SAMPLE);
    expect(src.status().state).toBe("down");

    fake.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":"success",');
      setTimeout(() => res.end('"data":{"resultType":"vector","result":[]}}'), 2000).unref();
    });
    const err2 = await src.sampleAll(T).catch((e: Error) => e);
    expect(err2.message).toMatch(/did not answer within 100 ms/);
  });

  it("retries transient failures with backoff, then the breaker opens and fails fast", async () => {
    const fake = await fakePrometheus((_req, res) => json(res, 503, { status: "error", errorType: "unavailable", error: "TSDB not ready" }));
    const src = source(fake.url, { retries: 2, breaker: { failures: 5, halfOpenAfterMs: 60_000 } });
    const err = await src.sampleAll(T).catch((e: Error) => e);
    expect(err).toBeInstanceOf(SourceError);
    const stats = src.stats();
    expect(stats.retries).toBeGreaterThan(0);
    expect(stats.breaker).toBe("open");
    // A query whose last attempt was already under way when the breaker opened reports its own 503.
    expect(src.status().error).toMatch(/circuit breaker open after \d+ consecutive failures/);
    const sent = fake.requests.length;
    // Seven parallel queries, three attempts each at most; the breaker stops them after five failures.
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(sent).toBeLessThan(3 * QUERIES_PER_SAMPLE);

    const again = await src.sampleAll(T + 1000).catch((e: Error) => e);
    expect(again.message).toMatch(/circuit breaker open after 5 consecutive failures; next try in \d+ s \(last error: Prometheus 503: unavailable: TSDB not ready\)/);
    // The status has no countdown, so it stays the same from tick to tick while the breaker is open.
    expect(src.status().error).toMatch(/circuit breaker open after 5 consecutive failures \(last error: Prometheus 503: unavailable: TSDB not ready\)/);
    expect(src.status().error).not.toMatch(/next try in/);
    expect(fake.requests.length).toBe(sent);
    expect(src.stats().rejected).toBeGreaterThan(0);
  });

  it("recovers through half-open once Prometheus is back", async () => {
    const fake = await fakePrometheus((_req, res) => {
      res.destroy(); // connection reset
    });
    const src = source(fake.url, { breaker: { failures: 3, halfOpenAfterMs: 150 } });
    const err = await src.sampleAll(T).catch((e: Error) => e);
    expect(err.message).toMatch(/cannot reach Prometheus/);
    expect(src.stats().breaker).toBe("open");

    fake.setHandler(perSignal(src, ["api"]));
    const out = await until(() => src.sampleAll(T + 1000));
    expect(out.api.rps).toBe(1);
    expect(src.stats().breaker).toBe("closed");
    expect(src.status()).toEqual({ kind: "prometheus", state: "ok", lastSuccessAt: T + 1000 });
  });

  it("turns garbage into clear errors and never throws anything but SourceError", async () => {
    const cases: [string, (res: http.ServerResponse) => void, RegExp][] = [
      ["html", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>Bad gateway</html>"), /invalid JSON.*<html>Bad gateway/],
      ["truncated", (res) => json(res, 200, '{"status":"success","data":{"resultType":"vec'), /invalid JSON \(garbage or truncated\)/],
      ["wrong shape", (res) => json(res, 200, { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, 2] }] } }), /unexpected body \(data\.result\.0\.value\.1/],
      ["bad number", (res) => json(res, 200, vector([[{ service: "a" }, "lots"]])), /not a number: "lots"/],
      ["empty 502", (res) => res.writeHead(502).end(), /answered HTTP 502( \[circuit open\])?$/],
      ["not json error page", (res) => res.writeHead(404).end("404 page not found"), /HTTP 404: "404 page not found"/],
      ["huge", (res) => json(res, 200, `{"status":"success","data":{"resultType":"vector","result":[${'{"metric":{},"value":[1,"1"]},'.repeat(5000)}]}}`), /larger than the 64 KiB limit/],
      [
        "huge, no content-length",
        (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          for (let i = 0; i < 100; i++) res.write("x".repeat(1024));
          res.end();
        },
        /larger than the 64 KiB limit/,
      ],
    ];
    for (const [name, respond, pattern] of cases) {
      const fake = await fakePrometheus((_req, res) => respond(res));
      const src = source(fake.url, { maxResponseBytes: 64 * 1024 });
      const err = await src.sampleAll(T).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(SourceError);
      expect((err as Error).message, name).toMatch(pattern);
      expect(src.status().state, name).toBe("down");
    }
  });

  it("reports a refused connection", async () => {
    const fake = await fakePrometheus(() => undefined);
    await fake.close();
    const err = await source(fake.url).sampleAll(T).catch((e: Error) => e);
    expect(err.message).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });

  it("sends configured headers and honours a path prefix", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      json(res, 200, vector([]));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const src = source(`http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`, { headers: { authorization: "Bearer t0k" } });
    await src.sampleAll(T);
    expect(seen[0]).toBe("/prom/api/v1/query Bearer t0k");
  });
});

describe("PrometheusSource live query cadence (queryInterval)", () => {
  /** A fake that answers every service's rps with the current `value`, after `delayMs`. */
  async function slowFake(delayMs: number) {
    const state = { value: "1", delayMs, fail: false };
    const fake = await fakePrometheus(() => undefined);
    const wire = (src: PrometheusSource) => {
      const answer = perSignal(src, ["api"], (signal) => (signal === "rps" ? state.value : "1"));
      fake.setHandler((req, res) => {
        const t = setTimeout(() => (state.fail ? json(res, 400, { status: "error", errorType: "bad_data", error: "parse error at char 3" }) : answer(req, res)), state.delayMs);
        t.unref();
      });
    };
    return { fake, state, wire };
  }
  const asks = (fake: { requests: Req[] }) => fake.requests.filter((r) => r.path === "/api/v1/query").length;

  it("asks at every tick while answers are quick", async () => {
    const { fake, state, wire } = await slowFake(0);
    const src = source(fake.url);
    wire(src);
    for (let k = 0; k < 3; k++) {
      state.value = String(10 + k);
      expect((await src.sampleAll(T + k * 1000)).api.rps).toBe(10 + k);
    }
    expect(src.stats()).toMatchObject({ liveQueries: 3, heldSamples: 0, queryEveryMs: 0 });
  });

  it("holds a slow answer for three times as long as it took, then asks again", async () => {
    const { fake, state, wire } = await slowFake(400);
    const src = source(fake.url);
    wire(src);
    state.value = "5";
    expect((await src.sampleAll(T)).api.rps).toBe(5);
    const sent = asks(fake);
    const { lastQueryMs, queryEveryMs } = src.stats();
    expect(lastQueryMs).toBeGreaterThanOrEqual(400);
    expect(queryEveryMs).toBeGreaterThanOrEqual(1200);
    expect(queryEveryMs).toBeLessThanOrEqual(15_000);

    // The next tick holds the answer: nothing is sent and the new value is not seen yet.
    state.value = "7";
    const held = await src.sampleAll(T + 1000);
    expect(held.api.rps).toBe(5);
    expect(asks(fake)).toBe(sent);
    // A held answer is a copy: changing it does not change the next one.
    delete (held as Record<string, unknown>).api;
    expect((await src.sampleAll(T + 1100)).api.rps).toBe(5);
    expect(src.stats()).toMatchObject({ liveQueries: 1, heldSamples: 2 });
    expect(src.status()).toEqual({ kind: "prometheus", state: "ok", lastSuccessAt: T });

    // Once due (at the latest one scrape interval, 15 s, later) it asks again.
    expect((await src.sampleAll(T + 15_000)).api.rps).toBe(7);
    expect(asks(fake)).toBeGreaterThan(sent);
    expect(src.status().lastSuccessAt).toBe(T + 15_000);
    // A clock that went back asks too.
    state.delayMs = 0;
    state.value = "3";
    expect((await src.sampleAll(T + 14_000)).api.rps).toBe(3);
  });

  it("never holds an answer longer than one scrape interval", async () => {
    const { fake, state, wire } = await slowFake(800);
    const src = source(fake.url, { scrapeInterval: "2s" });
    wire(src);
    await src.sampleAll(T);
    // 3 × 800 ms would be 2.4 s; the scrape interval caps it at 2 s.
    expect(src.stats().queryEveryMs).toBe(2000);
    state.value = "9";
    expect((await src.sampleAll(T + 1000)).api.rps).toBe(1);
    expect((await src.sampleAll(T + 2000)).api.rps).toBe(9);
    expect(src.stats()).toMatchObject({ liveQueries: 2, heldSamples: 1 });
  });

  it("holds a failed answer's error as well, and the state stays down", async () => {
    const { fake, state, wire } = await slowFake(400);
    // A breaker that stays closed, so that the last step shows the hold expiring, not the breaker.
    const src = source(fake.url, { breaker: { failures: 50, halfOpenAfterMs: 60_000 } });
    wire(src);
    state.fail = true;
    const err = await src.sampleAll(T).catch((e: Error) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/parse error at char 3/);
    const sent = asks(fake);
    state.fail = false;
    const again = await src.sampleAll(T + 1000).catch((e: Error) => e);
    expect(again).toBe(err);
    expect(asks(fake)).toBe(sent);
    expect(src.status().state).toBe("down");
    expect((await src.sampleAll(T + 15_000)).api.rps).toBe(1);
    expect(src.status().state).toBe("ok");
  });

  it("asks exactly as often as a fixed queryInterval says", async () => {
    const { fake, state, wire } = await slowFake(0);
    const src = source(fake.url, { queryInterval: "5s" });
    wire(src);
    const seen: number[] = [];
    for (let k = 0; k <= 10; k++) {
      state.value = String(k);
      seen.push((await src.sampleAll(T + k * 1000)).api.rps);
    }
    expect(seen).toEqual([0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 10]);
    expect(src.stats()).toMatchObject({ liveQueries: 3, heldSamples: 8, queryEveryMs: 5000 });
  });
});

describe("PrometheusSource.backfillMinutes", () => {
  it("uses query_range, chunks at 10,000 points, and maps each step to its start", async () => {
    const fake = await fakePrometheus((req, res) => {
      const values: [number, string][] = rangeTimes(req).map((t) => [t, req.params.get("query")!.startsWith("sum by (service) (rate(") ? String(t) : "NaN"]);
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: { service: "api" }, values }] } });
    });
    const src = source(fake.url);
    const from = T;
    const to = T + 25_000 * 1000 - 500; // 25,000 one-second steps, the last one partial
    const out = await src.backfillMinutes(from, to, 1000);
    const ranges = fake.requests.filter((r) => r.path === "/api/v1/query_range");
    expect(ranges).toHaveLength(3 * SIGNALS.length);
    for (const r of ranges) {
      const points = (Number(r.params.get("end")) - Number(r.params.get("start"))) / Number(r.params.get("step")) + 1;
      expect(points).toBeLessThanOrEqual(10_000);
    }
    expect(out.api).toHaveLength(25_000);
    expect(out.api[0].t).toBe(from);
    expect(out.api[24_999].t).toBe(from + 24_999_000);
    // The point at t is evaluated at t + step.
    expect(out.api[0].values.rps).toBe((from + 1000) / 1000);
    expect(out.api[0].values.p99).toBe(0);
  });

  it("rejects with a SourceError when a range query fails", async () => {
    const fake = await fakePrometheus((_req, res) => json(res, 400, { status: "error", errorType: "bad_data", error: "bad step" }));
    await expect(source(fake.url).backfillMinutes(T, T + 60_000)).rejects.toThrow(/Prometheus 400: bad_data: bad step/);
  });

  it("sends no range query while a live sample waits for its answers (live first)", async () => {
    const events: string[] = [];
    const fake = await fakePrometheus(() => undefined);
    const src = source(fake.url);
    const live = perSignal(src, ["api"]);
    fake.setHandler((req, res) => {
      if (req.path === "/api/v1/query_range") {
        events.push("range asked");
        return json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: { service: "api" }, values: rangeTimes(req).map((t) => [t, "2"]) }] } });
      }
      events.push("live asked");
      // The live answers take a while; the backfill is started meanwhile.
      setTimeout(() => {
        events.push("live answered");
        live(req, res);
      }, 150).unref();
    });
    const sample = src.sampleAll(T);
    const minutes = src.backfillMinutes(T - 3_600_000, T);
    const [now, week] = await Promise.all([sample, minutes]);
    expect(now.api.rps).toBe(1);
    expect(week.api.length).toBe(60);
    const lastLive = events.lastIndexOf("live answered");
    const firstRange = events.indexOf("range asked");
    expect(events.filter((e) => e === "live answered")).toHaveLength(QUERIES_PER_SAMPLE);
    expect(firstRange).toBeGreaterThan(lastLive);
    // With no live sample in flight the backfill goes at once.
    events.length = 0;
    await src.backfillMinutes(T - 3_600_000, T);
    expect(events[0]).toBe("range asked");
  });

  it("returns nothing for an empty range", async () => {
    const fake = await fakePrometheus(() => undefined);
    expect(await source(fake.url).backfillMinutes(T, T)).toEqual({});
    expect(fake.requests).toHaveLength(0);
  });
});

describe("PrometheusSource.sloCounts", () => {
  it("counts ratio SLIs with increase() over the window at its end", async () => {
    const fake = await fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      json(res, 200, vector([[{}, q.includes(" - ") ? "9990" : "10000"]]));
    });
    const src = source(fake.url);
    const c = await src.sloCounts({ kind: "ratio", good: "non-5xx" }, "checkout", T - 3_600_000, T);
    expect(c).toEqual({ good: 9990, total: 10000 });
    const queries = fake.requests.map((r) => r.params.get("query"));
    expect(queries).toContain('sum(increase(http_requests_total{service="checkout"}[3600s]))');
    expect(queries).toContain(
      'sum(increase(http_requests_total{service="checkout"}[3600s])) - (sum(increase(http_requests_total{service="checkout",code=~"5.."}[3600s])) or vector(0))',
    );
    expect(fake.requests.every((r) => r.params.get("time") === String(T / 1000))).toBe(true);

    fake.requests.length = 0;
    await src.sloCounts({ kind: "ratio", good: "non-error" }, "checkout", T - 60_000, T);
    expect(fake.requests.map((r) => r.params.get("query")).join("\n")).toContain('code=~"5..|429"');
  });

  it("counts latency SLIs from the bucket at the threshold, and says when there is no such bucket", async () => {
    let bucket: string | null = "950";
    const fake = await fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      if (q.includes("_bucket")) return json(res, 200, vector(bucket ? [[{}, bucket]] : []));
      json(res, 200, vector([[{}, "1000"]]));
    });
    const src = source(fake.url);
    const c = await src.sloCounts({ kind: "latency", thresholdMs: 300 }, "api", T - 60_000, T);
    expect(c).toEqual({ good: 950, total: 1000 });
    expect(fake.requests.map((r) => r.params.get("query"))).toContain('sum(increase(http_request_duration_seconds_bucket{service="api",le="0.3"}[60s]))');
    bucket = null;
    await expect(src.sloCounts({ kind: "latency", thresholdMs: 333 }, "api", T - 60_000, T)).rejects.toThrow(/no histogram bucket le="0.333"/);
  });

  it("gives {0, 0} without traffic", async () => {
    const fake = await fakePrometheus((_req, res) => json(res, 200, vector([])));
    expect(await source(fake.url).sloCounts({ kind: "latency", thresholdMs: 300 }, "api", T - 60_000, T)).toEqual({ good: 0, total: 0 });
  });
});

describe("PrometheusSource.sloCountsRange", () => {
  it("counts each span with increase() over the span, evaluated at the span's end", async () => {
    const fake = await fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      // 600 requests per 10-minute span, 6 of them 5xx; the third span had no traffic.
      const values: [number, string][] = rangeTimes(req).map((t, k) => [t, k === 2 ? "0" : q.includes(" - ") ? "594" : "600"]);
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values }] } });
    });
    const src = source(fake.url);
    const rows = await src.sloCountsRange({ kind: "ratio", good: "non-5xx" }, "checkout", T, T + 4 * 600_000, 600_000);
    expect(rows).toEqual([
      { t: T, good: 594, total: 600 },
      { t: T + 600_000, good: 594, total: 600 },
      { t: T + 1_800_000, good: 594, total: 600 },
    ]);
    const ranges = fake.requests.filter((r) => r.path === "/api/v1/query_range");
    expect(ranges.map((r) => r.params.get("query"))).toContain('sum(increase(http_requests_total{service="checkout"}[600s]))');
    // The first point is the end of the first span.
    expect(ranges.every((r) => r.params.get("start") === String((T + 600_000) / 1000) && r.params.get("end") === String((T + 2_400_000) / 1000))).toBe(true);
  });
});

describe("PrometheusSource start-up backfill at the size of an estate", () => {
  /** Names a query selects: `service=~"a|b"` (grouped) or `service="a"` (one). */
  const selected = (q: string): string[] => {
    const many = /service=~"([^"]*)"/.exec(q);
    if (many) return many[1].split("|");
    const one = /service="([^"]*)"/.exec(q);
    return one ? [one[1]] : [];
  };
  /** Events of a service per span: `i` is its number; some have no 5xx at all, and fewer than all requests are under 300 ms. */
  const counts = (service: string) => {
    const i = Number(service.slice(4));
    return { total: 100 + i, bad: i % 3, fast: 90 + (i % 7) };
  };
  function countingPrometheus() {
    return fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      const value = (service: string): number | null => {
        const c = counts(service);
        if (q.includes(" - ")) return c.total - c.bad; // the one-service form subtracts in PromQL
        if (q.includes('le="0.3"')) return c.fast;
        if (q.includes('code=~"5.."')) return c.bad > 0 ? c.bad : null; // no series without 5xx
        return c.total;
      };
      const grouped = q.startsWith("sum by (service)");
      const result = selected(q).flatMap((service) => {
        const v = value(service);
        if (v === null) return [];
        return [{ metric: grouped ? { service } : {}, values: rangeTimes(req).map((t) => [t, String(v)]) }];
      });
      json(res, 200, { status: "success", data: { resultType: "matrix", result } });
    });
  }

  it("counts many SLOs' spans in a few grouped queries, with exactly the rows of one query pair per SLO", async () => {
    const fake = await countingPrometheus();
    const services = Array.from({ length: 600 }, (_, i) => `svc-${String(i).padStart(4, "0")}`);
    const items = [
      ...services.map((service) => ({ sli: { kind: "ratio" as const, good: "non-5xx" as const }, service })),
      ...services.map((service) => ({ sli: { kind: "latency" as const, thresholdMs: 300 }, service })),
      // A second SLO of the same shape on one service shares its rows.
      { sli: { kind: "ratio" as const, good: "non-5xx" as const }, service: "svc-0007" },
    ];
    const src = source(fake.url, {}, services);
    const from = T;
    const to = T + 30 * 60_000;
    const many = await src.sloCountsRangeMany(items, from, to, 60_000);
    const groupedQueries = fake.requests.length;
    fake.requests.length = 0;
    const one = await Promise.all(items.map((it) => src.sloCountsRange(it.sli, it.service, from, to, 60_000)));
    expect(many).toEqual(one);
    expect(many[0]).toHaveLength(30);
    expect(many[3]).toEqual(Array.from({ length: 30 }, (_, k) => ({ t: from + k * 60_000, good: 103, total: 103 }))); // svc-0003: no 5xx
    expect(many[600 + 5][0]).toEqual({ t: from, good: 95, total: 105 });
    // Two shapes × three groups of at most 250 services × good and total, against two queries per SLO.
    expect(groupedQueries).toBe(12);
    expect(fake.requests.length).toBe(2 * items.length);
  });

  it("keeps every range answer within the point budget and every query inside the estate's services", async () => {
    const services = Array.from({ length: 1000 }, (_, i) => `svc-${String(i).padStart(4, "0")}`);
    const fake = await fakePrometheus((req, res) => {
      // A few of the services answer (the chunks follow the estate's size, not the answer's).
      const result = ["svc-0000", "svc-0999"].map((service) => {
        return { metric: { service }, values: rangeTimes(req).map((t) => [t, "1"]) };
      });
      json(res, 200, { status: "success", data: { resultType: "matrix", result } });
    });
    const src = source(fake.url, {}, services);
    const out = await src.backfillMinutes(T, T + 6 * 3_600_000);
    expect(Object.keys(out).sort()).toEqual(["svc-0000", "svc-0999"]);
    expect(out["svc-0999"]).toHaveLength(360);
    expect(fake.requests.length).toBe(3 * SIGNALS.length);
    for (const r of fake.requests) {
      const steps = (Number(r.params.get("end")) - Number(r.params.get("start"))) / Number(r.params.get("step")) + 1;
      // 1,000 series an answer: at most 150 steps (150,000 points, ~5 MB), where one query per signal asked for 360.
      expect(steps * 1000).toBeLessThanOrEqual(150_000);
    }
  });

  it("backfills ticks at the scrape interval and holds each point for the ticks of its interval", async () => {
    const fake = await fakePrometheus((req, res) => {
      const values = rangeTimes(req).map((t) => [t, String(t)]);
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: { service: "api" }, values }] } });
    });
    const src = source(fake.url, { scrapeInterval: "5s" });
    const ticks = await src.backfillTicks(T, T + 12_000, 1000);
    expect(fake.requests.every((r) => r.params.get("step") === "5")).toBe(true);
    expect(ticks.map((x) => x.t)).toEqual(Array.from({ length: 12 }, (_, k) => T + k * 1000));
    // The point at T stands for [T, T + 5 s) and is evaluated at T + 5 s.
    expect(ticks.map((x) => x.values.api.rps)).toEqual([0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10].map((k) => T / 1000 + 5 + k));
  });

  it("backfills ticks' percentiles from the bucket rates, every answer within the point budget", async () => {
    const services = Array.from({ length: 1000 }, (_, i) => `svc-${String(i).padStart(4, "0")}`);
    const bounds = Array.from({ length: 19 }, (_, k) => String((k + 1) / 100)).concat("+Inf");
    const points: number[] = [];
    const fake = await fakePrometheus((req, res) => {
      const q = req.params.get("query")!;
      if (req.path === "/api/v1/query") return json(res, 200, vector([[{}, String(bounds.length)]])); // count of bounds
      const times = rangeTimes(req);
      const result = q.includes("_bucket")
        ? // 100 requests a second per service, spread evenly over the 19 finite buckets (5.26 per 10 ms).
          services.flatMap((service) => bounds.map((le, k) => ({ metric: { service, le }, values: times.map((t) => [t, String(Math.min(100, (100 / 19) * (k + 1)))]) })))
        : services.map((service) => ({ metric: { service }, values: times.map((t) => [t, "100"]) }));
      points.push(result.length * times.length);
      json(res, 200, { status: "success", data: { resultType: "matrix", result } });
    });
    const src = source(fake.url, { scrapeInterval: "15s" }, services);
    const ticks = await src.backfillTicks(T, T + 125_000, 1000);
    expect(ticks).toHaveLength(125);
    const v = ticks[124].values["svc-0999"];
    expect(v.rps).toBe(100);
    expect(v.p50).toBeCloseTo(95, 9); // rank 50 of 100: in the 10th bucket (0.09–0.1 s), 2.63 of its 5.26
    expect(v.p99).toBeCloseTo(188.1, 9);
    const queries = fake.requests.map((r) => r.params.get("query") ?? "");
    expect(queries.some((q) => q.includes("histogram_quantile"))).toBe(false);
    expect(Math.max(...points)).toBeLessThanOrEqual(150_000);
  });

  it("sends at most `backfill.concurrency` range queries at once, and a backfill that times out leaves the live breaker closed", async () => {
    let inFlight = 0;
    let most = 0;
    let hang = false;
    const fake = await fakePrometheus((req, res) => {
      if (req.path === "/api/v1/query") return json(res, 200, vector([[{ service: "api" }, "1"]]));
      if (hang) return; // never answers
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { status: "success", data: { resultType: "matrix", result: [] } });
      }, 20);
    });
    const src = source(fake.url, { backfill: { timeoutMs: 200, concurrency: 2 }, breaker: { failures: 1, halfOpenAfterMs: 60_000 } });
    await src.backfillMinutes(T, T + 3_600_000);
    expect(fake.requests.length).toBe(SIGNALS.length);
    expect(most).toBe(2);
    hang = true;
    await expect(src.backfillMinutes(T, T + 3_600_000)).rejects.toThrow(/did not answer within 200 ms|circuit breaker open/);
    const live = await src.sampleAll(T);
    expect(live.api.rps).toBe(1);
    expect(src.stats().breaker).toBe("closed");
  });

  it("once live samples are asked for, sends one range query at a time", async () => {
    let inFlight = 0;
    let most = 0;
    const fake = await fakePrometheus((req, res) => {
      if (req.path === "/api/v1/query") return json(res, 200, vector([[{ service: "api" }, "1"]]));
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: { service: "api" }, values: rangeTimes(req).map((t) => [t, "3"]) }] } });
      }, 20);
    });
    const src = source(fake.url, { backfill: { timeoutMs: 2000, concurrency: 2 } });
    // Before going live (the start-up backfill) both slots are used.
    await src.backfillMinutes(T - 3_600_000, T);
    expect(most).toBe(2);
    await src.sampleAll(T);
    most = 0;
    const before = fake.requests.length;
    const week = await src.backfillMinutes(T - 3_600_000, T);
    expect(fake.requests.length - before).toBe(SIGNALS.length);
    expect(most).toBe(1);
    expect(week.api).toHaveLength(60);
    expect(week.api[0].values.rps).toBe(3);
  });
});
