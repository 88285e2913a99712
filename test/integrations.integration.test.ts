import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, pushFed, startTestServer } from "./helpers";
import type { Alert } from "../lib/alerts/model";
import type { Incident, TimelineEntry } from "../lib/incidents/model";
import { listSignalMinutes } from "../lib/signals/repo";
import { sumSliCounts } from "../lib/slo/repo";
import { expectRouteShape } from "./support/contract";

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: { path: string; message: string }[] } } };
async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const res = { status: r.status, body: await r.json() };
  expectRouteShape(method, path, res.status, res.body);
  return res;
}

const MINUTE = 60_000;

describe.each(BACKENDS)("push ingest on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  beforeAll(async () => {
    // Simulated ticks stay in the 11:59 minute; the 12:00 minute is pushed data only.
    ctx = await startTestServer({ databaseUrl, startAt: Date.UTC(2026, 10, 23, 11, 59, 50), configure: pushFed(["checkout"]) });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  const t0 = Date.UTC(2026, 10, 23, 12, 0, 10);
  const sample = (i: number, over: Record<string, unknown> = {}) => ({
    service: "checkout",
    t: t0 + i * 10_000,
    intervalSeconds: 10,
    requests: 1000 + i,
    errors: 20,
    errors5xx: 10,
    latency: { buckets: [{ leMs: 50, count: 500 }, { leMs: 100, count: 900 }, { leMs: 500, count: 990 }, { leMs: 1000, count: 1000 + i }, { leMs: "+Inf", count: 1000 + i }] },
    saturation: { cpuPct: 41, memPct: 52, poolPct: 12 },
    ...over,
  });

  it("rejects a batch with any bad sample, listing each problem with its path, and writes nothing", async () => {
    const cases: [unknown, string][] = [
      [{ samples: [sample(1), sample(2, { requests: -5 })] }, "samples[1].requests"],
      [{ samples: [sample(1, { service: "nope" })] }, "samples[0].service"],
      [{ samples: [sample(1, { t: Date.UTC(2026, 10, 24) })] }, "samples[0].t"],
      [{ samples: [sample(1, { errors: 2000 })] }, "samples[0].errors"],
      [{ samples: [sample(1, { latency: { buckets: [{ leMs: 100, count: 5 }, { leMs: 50, count: 9 }, { leMs: "+Inf", count: 9 }] } })] }, "samples[0].latency.buckets[1].leMs"],
      [{ samples: [sample(1, { intervalSeconds: 0 })] }, "samples[0].intervalSeconds"],
      [{ samples: [] }, "samples"],
      [{ samples: [sample(1, { latency: { buckets: [] } })] }, "samples[0].latency.buckets"],
      [{ samples: [sample(1, { latency: { buckets: [null, 3] } })] }, "samples[0].latency"],
      [{ sample: [] }, ""],
    ];
    for (const [body, path] of cases) {
      const r = await call(base, "POST", "/api/v1/ingest", body);
      expect(r.status, path).toBe(400);
      expect(r.body.error?.code).toBe("invalid");
      if (path) expect(r.body.error?.details?.map((d) => d.path)).toContain(path);
    }
    const notJson = await fetch(base + "/api/v1/ingest", { method: "POST", headers: { "content-type": "application/json" }, body: "{samples: [" });
    expect(notJson.status).toBe(400);
    // The good sample of the rejected first batch was not stored: sending it now is new.
    const r = await call(base, "POST", "/api/v1/ingest", { samples: [sample(1)] });
    expect(r.body).toEqual({ accepted: 1, duplicates: 0, late: 0 });
  });

  it("feeds the board, the minute rollups and the SLO counts; a repeated batch changes nothing", async () => {
    const batch = { samples: [sample(2), sample(3), sample(4), sample(5)] };
    expect((await call(base, "POST", "/api/v1/ingest", batch)).body).toEqual({ accepted: 4, duplicates: 0, late: 0 });
    expect((await call(base, "POST", "/api/v1/ingest", batch)).body).toEqual({ accepted: 0, duplicates: 4, late: 0 });

    const latest = ctx.server.warRoom.history.latest("checkout")!;
    expect(latest.t).toBe(t0 + 50_000);
    expect(latest.rps).toBeCloseTo(100.5, 6);
    expect(latest.errorPct).toBeCloseTo((20 / 1005) * 100, 6);
    expect(latest.cpuPct).toBe(41);
    // p99 of the buckets: rank 0.99 × 1005 = 994.95 falls in (500, 1000] → 500 + 500 × (994.95 − 990) / 15.
    expect(latest.p99).toBeCloseTo(500 + (500 * (994.95 - 990)) / 15, 6);

    // A tick after the push does not overwrite the pushed service with simulated values.
    await ctx.tick();
    expect(ctx.server.warRoom.history.latest("checkout")!.t).toBe(t0 + 50_000);

    // Counts are over the interval ENDING at t, so sample 5 (t = 12:01:00) belongs to 12:00; sample 6 crosses into 12:01
    // and closes the 12:00 minute into signal_minutes and sli_counts.
    expect((await call(base, "POST", "/api/v1/ingest", { samples: [sample(6)] })).body.accepted).toBe(1);
    const minute = Date.UTC(2026, 10, 23, 12, 0, 0);
    const [row] = await listSignalMinutes(ctx.server.warRoom.store, ["checkout"], minute, minute + MINUTE);
    const pushed = [1, 2, 3, 4, 5].map((i) => 1000 + i);
    expect(row.requests).toBeCloseTo(pushed.reduce((a, b) => a + b, 0), 6);
    expect(row.errors).toBeCloseTo(20 * pushed.length, 6);
    expect(row.errors5xx).toBeCloseTo(10 * pushed.length, 6);
    const sli = await sumSliCounts(ctx.server.warRoom.store, "checkout-availability", minute, minute + MINUTE);
    expect(sli.total).toBeCloseTo(pushed.reduce((a, b) => a + b, 0), 6);
    expect(sli.total - sli.good).toBeCloseTo(10 * pushed.length, 6);
    // The latency SLO (500 ms) counts from the pushed histogram: 990 requests at or below 500 ms each time.
    const latency = await sumSliCounts(ctx.server.warRoom.store, "checkout-latency", minute, minute + MINUTE);
    expect(latency.total).toBeCloseTo(pushed.reduce((a, b) => a + b, 0), 6);
    expect(latency.good).toBeCloseTo(990 * pushed.length, 6);
  });

  it("counts a sample older than what the service shows as late, and quantiles work too", async () => {
    const r = await call(base, "POST", "/api/v1/ingest", { samples: [sample(0, { t: t0 - 5_000 }), sample(7, { latency: { quantiles: { p50Ms: 20, p95Ms: 80, p99Ms: 140 } } })] });
    expect(r.body).toEqual({ accepted: 1, duplicates: 0, late: 1 });
    expect(ctx.server.warRoom.history.latest("checkout")).toMatchObject({ p50: 20, p99: 140, p999: 140 });
  });
});

describe.each(BACKENDS)("Alertmanager webhook on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  const secret = "s3cret-webhook-token";
  const auth = { authorization: `Bearer ${secret}` };
  beforeAll(async () => {
    ctx = await startTestServer({
      databaseUrl,
      env: { ALERTMANAGER_WEBHOOK_SECRET: secret },
      configure: (c) => ({ ...c, integrations: { ...c.integrations, alertmanager: { ...c.integrations.alertmanager, autoDeclare: { tiers: [1], severity: "SEV2" } } } }),
    });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  const amAlert = (status: "firing" | "resolved", labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    status,
    labels,
    annotations: { summary: `${labels.alertname} on ${labels.service}`, runbook_url: "/runbooks/high-error-rate" },
    startsAt: "2026-11-23T11:59:00Z",
    endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2026-11-23T12:00:01Z",
    generatorURL: "http://prometheus.example/graph?g0.expr=up",
    ...extra,
  });
  const payload = (status: "firing" | "resolved", alerts: unknown[]) => ({ version: "4", groupKey: '{}:{alertname="X"}', truncatedAlerts: 0, status, receiver: "war-room", groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: "http://am", alerts });
  const post = (body: unknown, headers: Record<string, string> = auth) => call(base, "POST", "/api/v1/integrations/alertmanager", body, headers);
  const alerts = async () => (await call(base, "GET", "/api/v1/alerts")).body as { firing: Alert[]; resolved: Alert[] };

  it("refuses a missing or wrong secret and bad payloads, changing nothing", async () => {
    const good = payload("firing", [amAlert("firing", { alertname: "Nope", service: "search", severity: "warning" })]);
    expect((await post(good, {})).status).toBe(401);
    expect((await post(good, { authorization: "Bearer wrong-secret-value" })).status).toBe(401);
    const bad: [unknown, string][] = [
      [{ ...good, version: "3" }, "version"],
      [{ ...good, status: "exploded" }, "status"],
      [{ ...good, alerts: [{ status: "firing", labels: { service: "search" }, startsAt: "2026-11-23T11:59:00Z" }] }, "alerts[0].labels"],
      [{ ...good, alerts: [{ ...amAlert("firing", { alertname: "A" }), status: "pending" }] }, "alerts[0].status"],
      [{ version: "4" }, "groupKey"],
    ];
    for (const [body, path] of bad) {
      const r = await post(body);
      expect(r.status, path).toBe(400);
      expect(r.body.error?.details?.map((d) => d.path)).toContain(path);
    }
    expect((await alerts()).firing.filter((a) => a.source === "alertmanager")).toEqual([]);
  });

  it("shows a firing alert once (dedup by fingerprint), records it on the open incident, resolves it", async () => {
    const declared = (await call(base, "POST", "/api/v1/incidents", { title: "Search errors", severity: "SEV3", services: ["search"] })).body.incident as Incident;
    const a = amAlert("firing", { alertname: "SearchErrors", service: "search", severity: "warning" }, { fingerprint: "a1b2c3d4e5f60718" });
    const first = await post(payload("firing", [a]));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ changes: 1, declared: [] });
    expect((await post(payload("firing", [a]))).body).toMatchObject({ changes: 0 });

    const firing = (await alerts()).firing.filter((x) => x.source === "alertmanager");
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ name: "SearchErrors", service: "search", tier: 2, severity: "urgent-ticket", kind: "external", fingerprint: "a1b2c3d4e5f60718", state: "firing" });
    expect(firing[0].annotations.runbook_url).toBe("/runbooks/high-error-rate");

    const resolved = await post(payload("resolved", [{ ...a, status: "resolved", endsAt: "2026-11-23T12:00:01Z" }]));
    expect(resolved.body).toMatchObject({ changes: 1 });
    const after = await alerts();
    expect(after.firing.filter((x) => x.source === "alertmanager")).toEqual([]);
    expect(after.resolved.find((x) => x.fingerprint === "a1b2c3d4e5f60718")).toMatchObject({ state: "resolved", resolvedAt: Date.parse("2026-11-23T12:00:01Z") });

    const timeline = (await call(base, "GET", `/api/v1/incidents/${declared.id}`)).body.timeline as TimelineEntry[];
    expect(timeline.filter((e) => e.kind === "alert-fired").map((e) => e.body)).toEqual(["Alert **SearchErrors** fired on search: SearchErrors on search"]);
    expect(timeline.filter((e) => e.kind === "alert-resolved")).toHaveLength(1);
  });

  it("auto-declares an incident for a page-tier alert on a service with no open incident, once", async () => {
    const page = amAlert("firing", { alertname: "PaymentsDown", service: "payments", severity: "critical" });
    const r = await post(payload("firing", [page]));
    expect(r.body.changes).toBe(1);
    const declared = r.body.declared as { id: string; number: number }[];
    expect(declared).toHaveLength(1);
    const detail = (await call(base, "GET", `/api/v1/incidents/${declared[0].id}`)).body as { incident: Incident; timeline: TimelineEntry[] };
    expect(detail.incident).toMatchObject({ title: "PaymentsDown on Payments", severity: "SEV2", services: ["payments"], createdBy: "alertmanager" });
    expect(detail.timeline.some((e) => e.kind === "alert-fired")).toBe(true);
    // A second page alert on the same service joins the open incident instead of declaring another.
    const again = await post(payload("firing", [amAlert("firing", { alertname: "PaymentsSlow", service: "payments", severity: "critical" })]));
    expect(again.body).toMatchObject({ changes: 1, declared: [] });
  });
});

describe("Alertmanager alerts across a restart", () => {
  it("keeps a firing alert after the process restarts", async () => {
    const first = await startTestServer();
    const base = `http://127.0.0.1:${first.server.port}`;
    const body = {
      version: "4",
      groupKey: "g",
      status: "firing",
      alerts: [{ status: "firing", labels: { alertname: "DiskFull", service: "catalog", severity: "critical" }, annotations: {}, startsAt: "2026-11-23T11:00:00Z", endsAt: "0001-01-01T00:00:00Z" }],
    };
    expect((await call(base, "POST", "/api/v1/integrations/alertmanager", body)).body).toMatchObject({ changes: 1 });
    await first.dispose(true);
    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      const firing = ((await call(`http://127.0.0.1:${second.server.port}`, "GET", "/api/v1/alerts")).body.firing as Alert[]).filter((a) => a.source === "alertmanager");
      expect(firing.map((a) => [a.name, a.service, a.tier])).toEqual([["DiskFull", "catalog", 1]]);
      // Alertmanager re-sends the firing alert on its repeat interval: still one alert, no new change.
      expect((await call(`http://127.0.0.1:${second.server.port}`, "POST", "/api/v1/integrations/alertmanager", body)).body).toMatchObject({ changes: 0 });
    } finally {
      await second.dispose();
    }
  });
});

describe("own /metrics and the simulator's /sim/metrics", () => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  beforeAll(async () => {
    ctx = await startTestServer();
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  /** The value of the first sample line of `name` carrying every `label="value"` given. */
  const metric = (text: string, name: string, labels: string): number | null => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && labels.split(",").every((kv) => l.includes(kv)));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : null;
  };

  it("counts HTTP requests by route pattern, store writes and WebSocket connections", async () => {
    await call(base, "POST", "/api/v1/incidents", { title: "Metrics", severity: "SEV4", services: ["search"] });
    await call(base, "GET", "/api/v1/incidents/does-not-exist");
    const ws = new (await import("ws")).default(ctx.wsUrl);
    await new Promise((r) => ws.once("message", r));
    const r = await fetch(base + "/metrics");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(metric(text, "warroom_http_request_duration_seconds_count", 'route="/api/v1/incidents",status="201"')).toBe(1);
    expect(metric(text, "warroom_http_request_duration_seconds_count", 'route="/api/v1/incidents/:id",status="404"')).toBe(1);
    expect(metric(text, "warroom_store_write_duration_seconds_count", 'op="insert"')).toBeGreaterThan(0);
    expect(text).toMatch(/^warroom_websocket_connections 1$/m);
    // Two ticks sampled the simulator source.
    expect(metric(text, "warroom_source_query_duration_seconds_count", 'outcome="ok"')).toBe(2);
    expect(text).toMatch(/^warroom_websocket_frames_sent_total [1-9]\d*$/m);
    ws.close();
  });

  it("serves the simulated services in the exposition format, counters growing with time", async () => {
    const first = await (await fetch(base + "/sim/metrics")).text();
    const before = metric(first, "http_requests_total", 'service="checkout",code="200"');
    expect(before).toBeGreaterThan(0);
    expect(first).toContain('http_request_duration_seconds_bucket{service="checkout",le="+Inf"}');
    ctx.clock.set(ctx.clock.now() + 10_000);
    const after = metric(await (await fetch(base + "/sim/metrics")).text(), "http_requests_total", 'service="checkout",code="200"');
    // Checkout runs at tens of requests per second in the demo: ten more seconds add hundreds.
    expect(after! - before!).toBeGreaterThan(100);
  });
});

describe("OpenAPI document", () => {
  it("describes ingest, the Alertmanager receiver and the postmortem paths", async () => {
    const ctx = await startTestServer();
    try {
      const doc = (await call(`http://127.0.0.1:${ctx.server.port}`, "GET", "/api/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
      expect(Object.keys(doc.paths["/api/v1/ingest"])).toEqual(["post"]);
      expect(Object.keys(doc.paths["/api/v1/integrations/alertmanager"])).toEqual(["post"]);
      expect(Object.keys(doc.paths["/api/v1/incidents/{id}/postmortem"]).sort()).toEqual(["get", "patch", "post"]);
      expect(doc.paths["/api/v1/incidents/{id}/postmortem.md"]).toHaveProperty("get");
      expect(Object.keys(doc.components.schemas.IngestSample.properties ?? {})).toEqual(expect.arrayContaining(["service", "t", "intervalSeconds", "requests", "errors", "latency", "saturation"]));
    } finally {
      await ctx.dispose();
    }
  });
});

describe("garbage into the integration endpoints", () => {
  it("answers 4xx, never 5xx, for thousands of malformed ingest and webhook bodies", async () => {
    const ctx = await startTestServer();
    const base = `http://127.0.0.1:${ctx.server.port}`;
    try {
      let seed = 5;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const atoms: unknown[] = [null, 0, -1, 1e308, "", "x", "4", "firing", [], {}, [null], { a: 1 }, true, "+Inf", "0001-01-01T00:00:00Z"];
      const junk = (depth: number): unknown => {
        const r = rnd();
        if (depth > 2 || r < 0.4) return atoms[Math.floor(rnd() * atoms.length)];
        if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 3) }, () => junk(depth + 1));
        const keys = ["samples", "service", "t", "latency", "buckets", "quantiles", "version", "alerts", "labels", "status", "startsAt", "leMs", "count", "groupKey"];
        return Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => [keys[Math.floor(rnd() * keys.length)], junk(depth + 1)]));
      };
      const statuses = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const body = i % 2 ? { samples: [junk(0), junk(1)] } : { version: "4", groupKey: "g", status: "firing", alerts: [junk(1)] };
        const path = i % 2 ? "/api/v1/ingest" : "/api/v1/integrations/alertmanager";
        const r = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        statuses.add(r.status);
        expect(r.status, JSON.stringify(body).slice(0, 200)).toBeLessThan(500);
      }
      expect(statuses.has(400)).toBe(true);
      expect((await fetch(base + "/health/live")).status).toBe(200);
    } finally {
      await ctx.dispose();
    }
  });
});
