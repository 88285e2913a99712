import { afterEach, describe, expect, it } from "vitest";
import { freePort, startTestServer, TestClient, type Frame } from "./helpers";
import type { Config } from "../lib/config/schema";
import type { Alert } from "../lib/alerts/model";
import type { SourceStatus } from "../lib/signals/contract";

/**
 * Sources per service (lib/sources/config.ts, lib/sources/set.ts): a push-only deployment shows
 * no simulated value anywhere, and in a mixed deployment a dead Prometheus leaves only its own
 * services stale while a push-fed service's burn-rate alert still fires and reaches the alert
 * API, the alert channel the board shows, and the open incident's timeline.
 */
type Ctx = Awaited<ReturnType<typeof startTestServer>>;
let ctx: Ctx | null = null;
afterEach(async () => {
  await ctx?.dispose();
  ctx = null;
});

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const json = async (base: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};
/** A 10-second interval of checkout traffic ending at `t`, `errPct` percent of it 5xx. */
const sample = (service: string, t: number, errPct: number) => ({
  service,
  t,
  intervalSeconds: 10,
  requests: 1000,
  errors: 10 * errPct,
  errors5xx: 10 * errPct,
  latency: { quantiles: { p50Ms: 20, p95Ms: 60, p99Ms: 90 } },
  saturation: { cpuPct: 30, memPct: 40, poolPct: 10 },
});

async function boardSnapshot(c: Ctx) {
  const ws = new TestClient(c.wsUrl);
  await ws.opened;
  ws.send({ type: "subscribe", channel: "board" });
  const snap = await ws.next((f) => f.type === "snapshot" && f.channel === "board");
  return { ws, snap: snap.data as { latest: Record<string, unknown>; source: SourceStatus; services: { id: string; source?: string }[] } };
}

describe("a push-only deployment", () => {
  it("shows no simulated value anywhere: board, history, SLO counts, /sim/metrics, drills", async () => {
    ctx = await startTestServer({ startAt: START, backfill: true, configure: (c: Config) => ({ ...c, source: { kind: "push" } }) });
    const base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(120);

    const { ws, snap } = await boardSnapshot(ctx);
    expect(Object.values(snap.latest).every((v) => v === null)).toBe(true);
    expect(snap.services.every((s) => s.source === "push")).toBe(true);
    expect(snap.source).toMatchObject({ kind: "push", state: "ok" });
    // No board ticks without data.
    await ctx.tick(3);
    expect(ws.frames.filter((f) => f.type === "event" && f.channel === "board" && f.event === "tick")).toEqual([]);
    await ws.close();

    const detail = await json(base, "GET", "/api/v1/services/checkout");
    expect(detail.body).toMatchObject({ latest: null, state: null, stale: true });
    const history = await json(base, "GET", `/api/v1/services/checkout/signals?from=${START - 7 * 24 * 3600_000}&to=${ctx.clock.now()}&step=3600`);
    expect(history.status).toBe(200);
    expect((history.body.series as { t: number[] }).t).toEqual([]);
    // No traffic: no counts, and nothing NaN.
    const slo = await json(base, "GET", "/api/v1/slos/checkout-availability");
    expect(slo.status).toBe(200);
    expect(slo.text).not.toContain("NaN");
    expect(slo.body.slo ?? slo.body).toMatchObject({ good: 0, total: 0, bad: 0 });
    for (const s of ctx.server.warRoom.slos.status(ctx.clock.now())) expect([s.id, s.total]).toEqual([s.id, 0]);

    expect((await fetch(`${base}/sim/metrics`)).status).toBe(404);
    const drill = await json(base, "POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 60 });
    expect(drill.status).toBe(400);
    expect((drill.body.error as { message: string }).message).toMatch(/not simulated/);

    // The first push shows; when pushes stop, it turns stale after two of its 10 s intervals, with its last value.
    const t = ctx.clock.now();
    expect((await json(base, "POST", "/api/v1/ingest", { samples: [sample("checkout", t, 1)] })).status).toBe(200);
    expect((await json(base, "GET", "/api/v1/services/checkout")).body).toMatchObject({ latest: { t, rps: 100 }, stale: false });
    await ctx.tick(20);
    expect((await json(base, "GET", "/api/v1/services/checkout")).body).toMatchObject({ latest: { t, rps: 100 }, stale: false });
    await ctx.tick(1);
    expect((await json(base, "GET", "/api/v1/services/checkout")).body).toMatchObject({ latest: { t, rps: 100 }, stale: true });
  });
});

describe("a push-fed service's week of minutes", () => {
  it("is in the store: after a restart GET …/signals still shows every pushed minute, the open one included", async () => {
    ctx = await startTestServer({ startAt: START, backfill: true, configure: (c: Config) => ({ ...c, source: { kind: "push" } }) });
    const dataDir = ctx.dataDir;
    let base = `http://127.0.0.1:${ctx.server.port}`;
    // Five and a half minutes of 10-s samples; those recorded in minute m (by their end) at 100·(m + 1) requests per second.
    const first = ctx.clock.now();
    for (let i = 0; i < 33; i++) {
      await ctx.tick(10);
      const t = ctx.clock.now();
      const m = Math.floor((t - first) / 60_000);
      expect((await json(base, "POST", "/api/v1/ingest", { samples: [{ ...sample("checkout", t, 1), requests: 1000 * (m + 1) }] })).status).toBe(200);
    }
    const to = ctx.clock.now();
    const minutes = async () => {
      const r = await json(base, "GET", `/api/v1/services/checkout/signals?from=${first - 3600_000}&to=${to}&step=60`);
      expect(r.status).toBe(200);
      return r.body.series as { t: number[]; rps: number[] };
    };
    const before = await minutes();
    expect(before.rps).toEqual([100, 200, 300, 400, 500, 600]);
    await ctx.dispose(true);
    ctx = null;

    ctx = await startTestServer({ startAt: to, dataDir, backfill: true, configure: (c: Config) => ({ ...c, source: { kind: "push" } }) });
    base = `http://127.0.0.1:${ctx.server.port}`;
    expect(await minutes()).toEqual(before);
  });
});

describe("push ownership", () => {
  it("refuses a push to a service fed by another source with 409 naming it, and applies nothing", async () => {
    ctx = await startTestServer({ startAt: START, configure: (c: Config) => ({ ...c, services: c.services.map((s) => (s.id === "search" ? { ...s, source: "push" as const } : s)) }) });
    const base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(5);
    const before = ctx.server.warRoom.history.latest("checkout");
    const t = ctx.clock.now() - 500;
    // One good sample for the push-fed service and one for the simulated one: the whole batch is refused.
    const r = await json(base, "POST", "/api/v1/ingest", { samples: [sample("search", t, 0), sample("checkout", t, 50)] });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "conflict", message: expect.stringContaining('"checkout" is fed by simulator'), details: { services: [{ service: "checkout", source: "simulator" }] } });
    expect(ctx.server.warRoom.history.latest("checkout")).toEqual(before);
    expect(ctx.server.warRoom.history.latest("search")).toBeNull();
    const stored = await ctx.server.warRoom.store.db.selectFrom("ingest_samples").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
    expect((await json(base, "POST", "/api/v1/ingest", { samples: [sample("search", t, 0)] })).body).toEqual({ accepted: 1, duplicates: 0, late: 0 });
  });
});

describe("a mixed deployment with Prometheus down", () => {
  it("keeps the simulator going, marks the Prometheus service stale, and the push-fed service's page burn alert fires everywhere", async () => {
    const dead = await freePort();
    ctx = await startTestServer({
      startAt: START,
      backfill: true,
      configure: (c: Config) => ({
        ...c,
        prometheus: { url: `http://127.0.0.1:${dead}`, timeoutMs: 200, retries: 0, breaker: { failures: 3, halfOpenAfterMs: 5_000 } } as Config["prometheus"],
        services: c.services.map((s) => (s.id === "checkout" ? { ...s, source: "push" as const } : s.id === "search" ? { ...s, source: "prometheus" as const } : s)),
      }),
    });
    const rt = ctx.server.warRoom;
    const base = `http://127.0.0.1:${ctx.server.port}`;
    expect(rt.source.kind).toBe("simulator+prometheus+push");

    const declared = await json(base, "POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const incidentId = (declared.body.incident as { id: string }).id;
    const viewer = new TestClient(ctx.wsUrl);
    await viewer.opened;
    viewer.send({ type: "subscribe", channel: "board" });
    viewer.send({ type: "subscribe", channel: "alerts" });
    viewer.send({ type: "subscribe", channel: "slos" });
    await viewer.next((f) => f.type === "snapshot" && f.channel === "alerts");
    await viewer.next((f) => f.type === "snapshot" && f.channel === "slos");

    // Checkout pushes 20 % 5xx every 10 s against a 99.9 % SLO: a 200× burn.
    const isPage = (a: Alert) => a.kind === "burn-rate" && a.service === "checkout" && a.severity === "page" && a.labels.slo === "checkout-availability";
    let fired: Alert | undefined;
    for (let i = 0; i < 60 && !fired; i++) {
      await ctx.tick(10);
      const push = await json(base, "POST", "/api/v1/ingest", { samples: [sample("checkout", ctx.clock.now(), 20)] });
      expect(push.status).toBe(200);
      fired = rt.alertChannel.snapshot().alerts.find((a) => a.state === "firing" && isPage(a));
    }
    expect(fired, "the page burn alert fired while Prometheus was down").toBeDefined();
    expect(rt.source.get("prometheus")!.status().state).toBe("down");

    const alerts = await json(base, "GET", "/api/v1/alerts");
    expect((alerts.body.firing as Alert[]).map((a) => a.id)).toContain(fired!.id);
    const live = await viewer.next((f: Frame) => f.type === "event" && f.channel === "alerts" && (f.data as { type: string; alert: Alert }).alert.id === fired!.id);
    expect((live.data as { type: string }).type).toBe("firing");
    // The slos channel kept publishing, with checkout's page burn.
    const update = await viewer.next((f: Frame) => {
      if (f.type !== "event" || f.channel !== "slos") return false;
      const slo = (f.data as { slos: { id: string; burnRates: Record<string, number | null> }[] }).slos.find((x) => x.id === "checkout-availability");
      return (slo?.burnRates["5m"] ?? 0) >= 14.4;
    });
    expect(update.event).toBe("update");
    const incident = await json(base, "GET", `/api/v1/incidents/${incidentId}`);
    const timeline = incident.body.timeline as { kind: string; body: string }[];
    expect(timeline.some((e) => e.kind === "alert-fired" && e.body.includes(fired!.name))).toBe(true);

    // The board says which source is down; the Prometheus service is stale, the simulated one is current.
    const source = await viewer.next((f: Frame) => f.type === "event" && f.channel === "board" && f.event === "source" && (f.data as SourceStatus).state === "down");
    expect(source.data).toMatchObject({ kind: "prometheus", state: "down", error: expect.stringContaining("prometheus: ") });
    expect((await json(base, "GET", "/api/v1/services/search")).body).toMatchObject({ latest: null, stale: true, service: { source: "prometheus" } });
    // The simulated services were backfilled (a week of history); the push-fed one has only its pushes.
    const week = `from=${START - 6 * 24 * 3600_000}&to=${START - 24 * 3600_000}&step=3600`;
    expect(((await json(base, "GET", `/api/v1/services/auth/signals?${week}`)).body.series as { t: number[] }).t.length).toBeGreaterThan(100);
    expect(((await json(base, "GET", `/api/v1/services/checkout/signals?${week}`)).body.series as { t: number[] }).t).toEqual([]);
    const sloCounts = rt.slos.status(ctx.clock.now()).find((s) => s.id === "checkout-availability")!;
    // Only the pushed requests count (10 s × 100/s per push): no simulated week of traffic.
    expect(sloCounts.total % 1000).toBe(0);
    expect(sloCounts.bad / sloCounts.total).toBeCloseTo(0.2, 5);
    const auth = await json(base, "GET", "/api/v1/services/auth");
    expect(auth.body).toMatchObject({ stale: false, latest: { t: ctx.clock.now() }, service: { source: "simulator" } });
    // The simulator scrape target only has the simulated services.
    const scrape = await (await fetch(`${base}/sim/metrics`)).text();
    expect(scrape).toContain('service="auth"');
    expect(scrape).not.toMatch(/service="(checkout|search)"/);
    await viewer.close();
  }, 120_000);
});
