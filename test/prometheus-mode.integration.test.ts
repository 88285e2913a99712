/**
 * War Room in Prometheus mode against the real Debian binaries on loopback ports:
 *
 *   War Room A (simulator, real time) ── GET /sim/metrics ──▶ Prometheus (1 s scrapes)
 *   War Room B (source: prometheus, rateWindow 10s) ── /api/v1/query ──▶ Prometheus
 *   Prometheus #2 (alert rule) ──▶ Alertmanager ──▶ B's /api/v1/integrations/alertmanager
 *
 * Both War Rooms run the built-in demo config (seed 7): A's /sim/metrics exports exactly the
 * values A's own simulator source records, so B's numbers can be checked against A's history.
 * Everything waits on conditions with deadlines; the only fixed-length wait is the observation
 * that B's newest point does not move while Prometheus is down (three ticks).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../lib/config/schema";
import { PrometheusConfigSchema } from "../lib/sources/config";
import { LATENCY_BUCKETS_SECONDS } from "../lib/simulator/exposition";
import type { SourceStatus } from "../lib/signals/contract";
import type { Alert } from "../lib/alerts/model";
import type { TimelineEntry } from "../lib/incidents/model";
import { PrometheusSource, defaultQueries } from "../lib/sources/prometheus";
import { SIGNALS } from "../lib/signals/types";
import { startTestServer, TestClient, type Frame } from "./helpers";
import { hasAlertmanager, hasPrometheus, startAlertmanager, startPrometheus, waitFor, type ManagedServer } from "./support/prometheus";

const PROM = hasPrometheus();
const AM = hasAlertmanager();
if (!PROM) process.stderr.write("prometheus-mode: skipped, /usr/bin/prometheus is not installed (apt-get install prometheus)\n");
else if (!AM) process.stderr.write("prometheus-mode: alert test skipped, /usr/bin/prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)\n");

/** rps and errorPct of B may differ from A's by this share (rate() over the window vs A's ticks: alignment ±1 scrape). */
const RELATIVE_TOLERANCE = 0.15;
/** memPct is a slow gauge: B's value is A's at the last scrape. */
const MEM_TOLERANCE = 0.05;
/** Rate window of B's queries. */
const RATE_WINDOW_S = 10;

type Ctx = Awaited<ReturnType<typeof startTestServer>>;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}, 60_000);

/** An HTTP call; `body` is the parsed JSON (the raw text when it is not JSON), typed by the caller. */
async function http<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: res.status, body: parsed as T };
}

/** A promise, or an error naming `what` after `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
  ]);
}

/** One number from an instant query (first series), or null. */
async function promScalar(prom: ManagedServer, expr: string): Promise<number | null> {
  const r = await http<{ data?: { result?: { value?: [number, string] }[] } }>(prom.url, "GET", `/api/v1/query?query=${encodeURIComponent(expr)}`);
  const v = r.body.data?.result?.[0]?.value?.[1];
  return v === undefined ? null : Number(v);
}

/** What Prometheus itself counts: requests to its instant-query endpoint (all status codes). */
async function promQueryCount(prom: ManagedServer): Promise<number> {
  const text = (await http<string>(prom.url, "GET", "/metrics")).body;
  let n = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("prometheus_http_requests_total{") && line.includes('handler="/api/v1/query"')) n += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return n;
}

async function subscribedViewer(ctx: Ctx): Promise<TestClient> {
  const c = new TestClient(ctx.wsUrl);
  cleanups.push(async () => c.ws.terminate());
  await within(c.opened, 5000, "the WebSocket to open");
  c.send({ type: "subscribe", channel: "board" });
  await within(
    c.next((f) => f.type === "snapshot" && f.channel === "board"),
    5000,
    "the board snapshot",
  );
  return c;
}

const isSourceEvent = (state: SourceStatus["state"]) => (f: Frame) =>
  f.type === "event" && f.channel === "board" && f.event === "source" && (f.data as SourceStatus).state === state;

describe.skipIf(!PROM)("Prometheus mode with real Prometheus and Alertmanager", () => {
  let a: Ctx;
  let b: Ctx;
  let prom: ManagedServer;
  let ids: string[];
  const newestB = () => Math.max(...ids.map((id) => b.server.warRoom.history.latest(id)?.t ?? -Infinity));
  const bSource = () => b.server.warRoom.source.get("prometheus") as PrometheusSource;
  /** B is fed: source ok and a point of the last two seconds (each test can also run alone). */
  const bLive = () => waitFor("B recording points from Prometheus", () => bSource().status().state === "ok" && newestB() >= Date.now() - 2000, 30_000, 50);

  beforeAll(async () => {
    a = await startTestServer({ realTime: true });
    cleanups.push(() => a.dispose());
    prom = await startPrometheus({ scrapeUrls: [`${a.server.url}/sim/metrics`], scrapeIntervalSeconds: 1 });
    cleanups.push(() => prom.dispose());
    const source = PrometheusConfigSchema.parse({
      kind: "prometheus",
      url: prom.url,
      rateWindow: `${RATE_WINDOW_S}s`,
      scrapeInterval: "1s",
      timeoutMs: 1000,
      retries: 1,
      breaker: { failures: 3, halfOpenAfterMs: 2000 },
    });
    b = await startTestServer({ realTime: true, configure: (c: Config) => ({ ...c, source }) });
    cleanups.push(() => b.dispose());
    ids = b.server.warRoom.catalog.services.map((s) => s.id);
    expect(b.server.warRoom.source.get("prometheus")).toBeInstanceOf(PrometheusSource);
    expect(b.server.warRoom.source.get("simulator")).toBeUndefined();
    expect(a.server.warRoom.source.kind).toBe("simulator");
  }, 60_000);

  it("B's values from Prometheus match A's simulator", async () => {
    // Wait until the series exist for longer than B's rate window plus a scrape, so rate() over
    // [10s] sees only full windows (no start-of-series extrapolation).
    await waitFor("12 s of scrapes of A", async () => ((await promScalar(prom, "count_over_time(up[12s])")) ?? 0) >= 12, 40_000, 250);
    const fullAt = Date.now();
    const t = await waitFor(
      "a point of every service in B after the window filled",
      () => {
        const pts = ids.map((id) => b.server.warRoom.history.latest(id));
        return pts.every((p) => p && p.t > fullAt && p.t === pts[0]!.t) ? pts[0]!.t : null;
      },
      10_000,
      50,
    );
    // B's rate at t is (C(s_n) − C(s_1)) / (s_n − s_1) over the scrapes in (t − 10 s, t]: they hold
    // A's counts of ticks t − 9 s … t − 1 s (± one tick depending on the scrape offset). Compare
    // with A's own points of those ticks: mean rps, rps-weighted errorPct, mean p99.
    const rows: string[] = [];
    for (const id of ids) {
      const got = b.server.warRoom.history.latest(id)!;
      const win = a.server.warRoom.history.recent(id, t - (RATE_WINDOW_S - 1) * 1000);
      const idx = win.t.map((x, i) => [x, i] as const).filter(([x]) => x <= t - 1000).map(([, i]) => i);
      expect(idx.length, `${id}: A's ticks in the window`).toBe(RATE_WINDOW_S - 1);
      const sum = (f: (i: number) => number) => idx.reduce((s, i) => s + f(i), 0);
      const rps = sum((i) => win.rps[i]) / idx.length;
      const errorPct = sum((i) => win.rps[i] * win.errorPct[i]) / sum((i) => win.rps[i]);
      const p99 = sum((i) => win.p99[i]) / idx.length;
      const mem = a.server.warRoom.history.latest(id)!.memPct;

      for (const k of ["p50", "p95", "p99", "p999", "rps", "errorPct", "error5xxPct", "cpuPct", "memPct", "poolPct"] as const) {
        expect(Number.isFinite(got[k]), `${id}.${k} finite`).toBe(true);
      }
      expect(Math.abs(got.rps - rps) / rps, `${id}: rps ${got.rps} vs A ${rps}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(Math.abs(got.errorPct - errorPct) / errorPct, `${id}: errorPct ${got.errorPct} vs A ${errorPct}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(Math.abs(got.memPct - mem) / mem, `${id}: memPct ${got.memPct} vs A ${mem}`).toBeLessThanOrEqual(MEM_TOLERANCE);
      // histogram_quantile interpolates inside a bucket: B's p99 lies within one bucket width of A's.
      const bounds = [0, ...LATENCY_BUCKETS_SECONDS].map((s) => s * 1000);
      const hi = bounds.findIndex((ms) => ms >= p99);
      expect(hi, `${id}: A's p99 ${p99} ms inside the buckets`).toBeGreaterThan(0);
      const width = bounds[hi] - bounds[hi - 1];
      expect(Math.abs(got.p99 - p99), `${id}: p99 ${got.p99} vs A ${p99} (bucket ${bounds[hi - 1]}–${bounds[hi]} ms)`).toBeLessThanOrEqual(width);
      rows.push(
        `${id.padEnd(16)} rps ${got.rps.toFixed(1)}/${rps.toFixed(1)} (${pct(got.rps, rps)})  err% ${got.errorPct.toFixed(4)}/${errorPct.toFixed(4)} (${pct(got.errorPct, errorPct)})  p99 ${got.p99.toFixed(1)}/${p99.toFixed(1)} ms (bucket width ${width} ms)`,
      );
    }
    process.stderr.write(`prometheus-mode: B/A at t=${new Date(t).toISOString()}\n  ${rows.join("\n  ")}\n`);
    expect(bSource().status()).toMatchObject({ kind: "prometheus", state: "ok" });
  }, 60_000);

  it("computes the four percentiles from one bucket query exactly as Prometheus' histogram_quantile does", async () => {
    await waitFor("12 s of scrapes of A", async () => ((await promScalar(prom, "count_over_time(up[12s])")) ?? 0) >= 12, 40_000, 250);
    // A time Prometheus has scraped past, evaluated by both at the same instant.
    const t = Math.floor((Date.now() - 2000) / 1000) * 1000;
    // A source of its own with B's settings and services: B keeps ticking on its own, which would add to the count.
    const mine = new PrometheusSource({ config: bSource().config, serviceIds: ids });
    cleanups.push(async () => mine.close());
    const ours = await mine.sampleAll(t);
    expect(mine.stats().queries, "one query for p50, p95, p99 and p99.9").toBe(SIGNALS.length - 3);
    const queries = defaultQueries(mine.config);
    let compared = 0;
    for (const signal of ["p50", "p95", "p99", "p999"] as const) {
      const r = await http<{ data: { result: { metric: { service: string }; value: [number, string] }[] } }>(
        prom.url,
        "GET",
        `/api/v1/query?query=${encodeURIComponent(queries[signal])}&time=${t / 1000}`,
      );
      expect(r.status).toBe(200);
      for (const row of r.body.data.result) {
        const theirs = Number(row.value[1]);
        if (!Number.isFinite(theirs) || !ids.includes(row.metric.service)) continue;
        // Prometheus writes the float in its shortest form; ours is the same float64 arithmetic.
        expect(Math.abs(ours[row.metric.service][signal] - theirs), `${row.metric.service}.${signal}: ours ${ours[row.metric.service][signal]} vs Prometheus ${theirs}`).toBeLessThanOrEqual(1e-9 * Math.max(1, theirs));
        compared++;
      }
    }
    expect(compared).toBe(4 * ids.length);
  }, 60_000);

  it("counts SLO events from Prometheus with increase() per span, matching A's own traffic", async () => {
    // Two 10 s spans that Prometheus has fully scraped (ending at least 3 s ago).
    await waitFor("35 s of scrapes of A", async () => ((await promScalar(prom, "count_over_time(up[35s])")) ?? 0) >= 35, 60_000, 250);
    const from = Math.floor((Date.now() - 25_000) / 10_000) * 10_000;
    const rows = await bSource().sloCountsRange({ kind: "ratio", good: "non-5xx" }, "checkout", from, from + 20_000, 10_000);
    expect(rows.map((r) => r.t)).toEqual([from, from + 10_000]);
    const win = a.server.warRoom.history.recent("checkout", from - 1000);
    for (const r of rows) {
      // A's exporter counts each tick t for (t − 1 s, t]: the span (r.t, r.t + 10 s] holds ten ticks.
      const ticks = win.t.map((t, i) => [t, i] as const).filter(([t]) => t > r.t && t <= r.t + 10_000).map(([, i]) => i);
      expect(ticks).toHaveLength(10);
      const total = ticks.reduce((s, i) => s + win.rps[i], 0);
      const bad = ticks.reduce((s, i) => s + (win.rps[i] * win.error5xxPct[i]) / 100, 0);
      expect(Math.abs(r.total - total) / total, `span ${r.t}: total ${r.total} vs A ${total}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      // A's counters are exact (rps × dt × share), so the few bad events match as closely as the total.
      expect(bad).toBeGreaterThan(0);
      expect(Math.abs(r.total - r.good - bad) / bad, `span ${r.t}: bad ${r.total - r.good} vs A ${bad}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    }
  }, 90_000);

  it("is down with a reason when Prometheus stops, keeps serving, and recovers by itself", async () => {
    const rt = b.server.warRoom;
    const base = b.server.url;
    await bLive();
    const viewer = await subscribedViewer(b);
    const mark = viewer.frames.length;

    const stoppedAt = Date.now();
    await prom.stop();
    const down = await within(viewer.next(isSourceEvent("down"), mark), 10_000, "a source event with state down");
    const downAfterMs = Date.now() - stoppedAt;
    expect(downAfterMs).toBeLessThan(5000);
    expect((down.data as SourceStatus).error).toMatch(/cannot reach Prometheus|circuit breaker open/);
    const status = rt.source.status();
    expect(status.state).toBe("down");
    expect(status.error).toBeTruthy();
    expect(status.lastSuccessAt).toBeGreaterThan(0);

    const ready = await http<{ checks: { source: { error?: string } } }>(base, "GET", "/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready (degraded)", degraded: ["source"], checks: { store: { ok: true }, source: { ok: false, kind: "prometheus", state: "down" } } });
    expect(ready.body.checks.source.error).toEqual(expect.any(String));
    expect((await http(base, "GET", "/health/live")).status).toBe(200);
    const health = await http<{ breakers: Record<string, string> }>(base, "GET", "/health");
    expect(health.status).toBe(200);
    expect(["open", "half-open"]).toContain(health.body.breakers["source:prometheus"]);
    expect((await http(base, "GET", "/metrics")).body).toMatch(/warroom_source_breaker_state/);
    // A viewer arriving now is told in the snapshot.
    const late = await subscribedViewer(b);
    const snap = late.frames.find((f) => f.type === "snapshot" && f.channel === "board")!;
    expect((snap.data as { source: SourceStatus }).source.state).toBe("down");
    late.ws.terminate();

    // The newest point stays where it was for three ticks (the board shows it as stale); the API keeps answering.
    const frozen = newestB();
    const eventsBefore = viewer.events("board").filter((f) => f.event === "source").length;
    const observeUntil = Date.now() + 3 * rt.tickMs;
    while (Date.now() < observeUntil) {
      expect(newestB()).toBe(frozen);
      expect((await http(base, "GET", "/api/v1/alerts")).status).toBe(200);
      expect((await http(base, "GET", "/api/v1/incidents")).status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rt.source.status().state).toBe("down");
    // Viewers hear of changes, not of every failed tick (the status error carries no countdown).
    expect(viewer.events("board").filter((f) => f.event === "source").length - eventsBefore).toBeLessThan(3);

    const mark2 = viewer.frames.length;
    await prom.start();
    const upAt = Date.now();
    await waitFor("B ok with new points and a closed breaker", () => rt.source.status().state === "ok" && newestB() > frozen && bSource().stats().breaker === "closed", 20_000, 50);
    const recoveredMs = Date.now() - upAt;
    await within(viewer.next(isSourceEvent("ok"), mark2), 5000, "a source event with state ok");
    const after = await http<{ breakers: Record<string, string> }>(base, "GET", "/health");
    expect(after.body.breakers).toEqual({ "source:prometheus": "closed" });
    expect((await http(base, "GET", "/health/ready")).body).toMatchObject({ status: "ready", checks: { source: { ok: true, state: "ok" } } });
    // And it keeps advancing.
    const resumed = newestB();
    await waitFor("another new point", () => newestB() > resumed, 5000, 50);
    viewer.ws.terminate();
    const seen = viewer.events("board").filter((f) => f.event === "source").map((f) => { const d = f.data as SourceStatus; return `${d.state}${d.error ? ` (${d.error})` : ""}`; });
    process.stderr.write(`prometheus-mode: down reported ${downAfterMs} ms after stopping Prometheus; recovered ${recoveredMs} ms after it was ready again\n  source events: ${seen.join("\n                 ")}\n`);
  }, 60_000);

  it.skipIf(!AM)("delivers a Prometheus alert through Alertmanager to B's alerts and an open checkout incident", async () => {
    const base = b.server.url;
    const ALERT = "WarRoomItCheckoutTraffic";
    const declared = await http<{ incident: { id: string } }>(base, "POST", "/api/v1/incidents", { title: "Checkout under watch", severity: "SEV3", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const incidentId = declared.body.incident.id;

    const am = await startAlertmanager({ webhookUrl: `${base}/api/v1/integrations/alertmanager`, groupWait: "1s" });
    cleanups.push(() => am.dispose());
    const rules = {
      groups: [
        {
          name: "war-room-it",
          rules: [
            {
              alert: ALERT,
              expr: `sum by (service) (rate(http_requests_total{service="checkout"}[10s])) > 0`,
              for: "0s",
              labels: { severity: "critical" },
              annotations: { summary: "Checkout is serving requests", runbook_url: "/runbooks/high-error-rate" },
            },
          ],
        },
      ],
    };
    const prom2 = await startPrometheus({ scrapeUrls: [`${a.server.url}/sim/metrics`], alertmanagerUrl: am.url, rules: JSON.stringify(rules) });
    cleanups.push(() => prom2.dispose());
    try {
      const alert = await waitFor(
        "the alert firing in B",
        async () => (await http<{ firing: Alert[] }>(base, "GET", "/api/v1/alerts")).body.firing.find((x) => x.name === ALERT),
        30_000,
        250,
      );
      expect(alert).toMatchObject({ source: "alertmanager", kind: "external", service: "checkout", tier: 1, state: "firing" });
      expect(alert.annotations).toMatchObject({ summary: "Checkout is serving requests", runbook_url: "/runbooks/high-error-rate" });
      const entry = await waitFor(
        "an alert-fired entry on the incident",
        async () => (await http<{ timeline: TimelineEntry[] }>(base, "GET", `/api/v1/incidents/${incidentId}`)).body.timeline.find((e) => e.kind === "alert-fired" && e.body.includes(ALERT)),
        10_000,
        250,
      );
      expect(entry.body).toContain("checkout");
    } finally {
      await prom2.dispose();
      await am.dispose();
    }
  }, 60_000);

  it("sends the same number of source queries per tick with 1 and with 50 board viewers", async () => {
    const rt = b.server.warRoom;
    await bLive();
    const viewers: TestClient[] = [];

    /**
     * Counts over `ticks` ticks of B, read right after a tick has recorded its point (the next
     * tick starts about a second later). Ticks = B's new points in (t0, t1], so a skipped or
     * failed tick is not counted as one.
     */
    const measure = async (ticks: number) => {
      const read = async () => {
        const seen = newestB();
        await waitFor("B's next point", () => newestB() > seen, 5000, 5);
        const t = newestB();
        const src = bSource().stats();
        return { t, prom: await promQueryCount(prom), queries: src.queries, errors: src.errors };
      };
      const s = await read();
      await waitFor(`${ticks} ticks of B`, () => newestB() >= s.t + (ticks - 1) * rt.tickMs, 20_000, 20);
      const e = await read();
      const points = rt.history.recent(ids[0], s.t + 1).t.filter((x) => x <= e.t).length;
      expect(e.errors - s.errors, "no failed queries while measuring").toBe(0);
      return { points, prom: e.prom - s.prom, queries: e.queries - s.queries, from: s.t, to: e.t };
    };

    viewers.push(await subscribedViewer(b));
    const one = await measure(5);
    for (let i = 0; i < 49; i++) viewers.push(await subscribedViewer(b));
    expect((await http<{ websocket: { clients: number } }>(b.server.url, "GET", "/health")).body.websocket.clients).toBeGreaterThanOrEqual(50);
    const fifty = await measure(5);
    // Every viewer really was watching: each got a board tick of the second period.
    for (const v of viewers) expect(v.events("board").some((f) => f.event === "tick" && (f.data as { t: number }).t > fifty.from)).toBe(true);

    const perTick = (m: { points: number; prom: number }) => m.prom / m.points;
    process.stderr.write(
      `prometheus-mode: queries counted by Prometheus per tick: 1 viewer ${one.prom}/${one.points} = ${perTick(one)}, 50 viewers ${fifty.prom}/${fifty.points} = ${perTick(fifty)} (B's own count: ${one.queries / one.points}, ${fifty.queries / fifty.points})\n`,
    );
    expect(one.points).toBeGreaterThanOrEqual(5);
    expect(fifty.points).toBeGreaterThanOrEqual(5);
    expect(perTick(fifty)).toBe(perTick(one));
    expect(perTick(one)).toBe(bSource().stats().queriesPerSample);
    expect(fifty.queries / fifty.points).toBe(perTick(fifty));
    for (const v of viewers) v.ws.terminate();
  }, 60_000);
});

function pct(got: number, want: number): string {
  return `${got >= want ? "+" : ""}${((100 * (got - want)) / want).toFixed(1)} %`;
}
