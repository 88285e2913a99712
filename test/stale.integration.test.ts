import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pushFed, startTestServer, TestClient } from "./helpers";
import type { Config } from "../lib/config/schema";
import type { Alert } from "../lib/alerts/model";
import { AlertRuleSchema } from "../lib/alerts/schema";

/**
 * A push-fed service whose pushes stop (lib/signals/freshness.ts, docs/architecture.md "Stale
 * data"): within two of its push intervals it is current, past them it is stale, its old values no
 * longer drive the overall status, and threshold rules treat it as absent as Prometheus treats a
 * stale series: the pending alert is cancelled and the firing one resolves.
 */
type Ctx = Awaited<ReturnType<typeof startTestServer>>;
let ctx: Ctx | null = null;
afterEach(async () => {
  await ctx?.dispose();
  ctx = null;
});

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
/** 10 s of checkout traffic ending at `t`, 20 % of it 5xx (critical against the 5 % threshold). */
const critical = (t: number) => ({
  service: "checkout",
  t,
  intervalSeconds: 10,
  requests: 1000,
  errors: 200,
  errors5xx: 200,
  latency: { quantiles: { p50Ms: 20, p95Ms: 60, p99Ms: 90 } },
  saturation: { cpuPct: 30, memPct: 40, poolPct: 10 },
});
const RULE = AlertRuleSchema.parse({
  name: "CheckoutErrors",
  service: "checkout",
  signal: "errorPct",
  op: ">",
  tiers: [
    { tier: 1, value: 15, for: "30s" },
    { tier: 2, value: 10, for: "10m" },
  ],
});

describe("a push-fed service whose pushes stop, beside simulated ones", () => {
  it("turns stale after two push intervals; then it no longer makes the status CRITICAL and its threshold alerts resolve", async () => {
    ctx = await startTestServer({
      startAt: START,
      configure: pushFed(["checkout"], (c: Config) => ({ ...c, alerts: [...c.alerts, RULE] })),
    });
    const c = ctx;
    const base = `http://127.0.0.1:${c.server.port}`;
    const get = async (path: string) => (await (await fetch(base + path)).json()) as Record<string, unknown>;
    const status = async () => (await get("/health")).board;
    const mine = () => c.server.warRoom.alerts.current().filter((a) => a.name === "CheckoutErrors");
    const states = () => Object.fromEntries(mine().map((a) => [a.tier, a.state]));
    await c.tick(5);
    expect(await status()).not.toBe("CRITICAL");

    // Pushes every 10 s: between two of them the service is current and the tier-1 alert keeps its `for` clock.
    let last = 0;
    for (let i = 0; i < 5; i++) {
      last = c.clock.now();
      const r = await fetch(`${base}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ samples: [critical(last)] }) });
      expect(r.status).toBe(200);
      await c.tick(9);
      expect((await get("/api/v1/services/checkout")).stale).toBe(false);
      expect(await status()).toBe("CRITICAL");
      await c.tick(1);
    }
    expect(states()).toEqual({ 1: "firing", 2: "pending" });
    const firingId = mine().find((a) => a.tier === 1)!.id;

    // Pushes stop. Within two intervals (20 s) of the last point nothing changes.
    await c.tick(Math.floor((last + 20_000 - c.clock.now()) / 1000));
    expect(c.clock.now() - last).toBe(20_000);
    expect((await get("/api/v1/services/checkout")).stale).toBe(false);
    expect(await status()).toBe("CRITICAL");
    expect(states()).toEqual({ 1: "firing", 2: "pending" });

    // Past them: stale, the old values drive nothing.
    await c.tick(1);
    expect((await get("/api/v1/services/checkout")).stale).toBe(true);
    expect(await status()).not.toBe("CRITICAL");
    expect(mine()).toEqual([]);
    const resolved = c.server.warRoom.alerts.recentResolved().find((a) => a.id === firingId);
    expect(resolved).toMatchObject({ state: "resolved", value: null, annotations: { resolution: "stale" } });
    const listed = Object.values(await get("/api/v1/alerts")).flatMap((v) => (Array.isArray(v) ? (v as Alert[]) : []));
    expect(listed.filter((a) => a.name === "CheckoutErrors" && a.state !== "resolved")).toEqual([]);
    expect(listed.find((a) => a.id === firingId)).toMatchObject({ state: "resolved" });

    // A minute later the stale values still start nothing.
    await c.tick(60);
    expect(mine()).toEqual([]);
    expect(await status()).not.toBe("CRITICAL");
  }, 60_000);
});

/** A Prometheus that answers every instant query with `value` for `service`, or with 503 once `down`. */
async function fakePrometheus(service: string, value: string) {
  let down = false;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (down) return void res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
      const body = { status: "success", data: { resultType: "vector", result: [{ metric: { service }, value: [Date.now() / 1000, value] }] } };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fail: () => (down = true),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe("a service whose source goes down (issue #16: the API said ok on 8.7 s-old data while the board said STALE)", () => {
  it("is stale in GET /api/v1/services/{id} on the tick its source fails, the same tick its tile is, with its last values and no state", async () => {
    const prom = await fakePrometheus("search", "50");
    try {
      ctx = await startTestServer({
        startAt: START,
        configure: (c: Config) => ({
          ...c,
          prometheus: { url: prom.url, timeoutMs: 500, retries: 0 } as Config["prometheus"],
          services: c.services.map((s) => (s.id === "search" ? { ...s, source: "prometheus" as const } : s)),
        }),
      });
      const c = ctx;
      const base = `http://127.0.0.1:${c.server.port}`;
      const detail = async (id: string) => (await (await fetch(`${base}/api/v1/services/${id}`)).json()) as { latest: { t: number } | null; state: { state: string } | null; stale: boolean };
      await c.tick(3);
      const fresh = await detail("search");
      expect(fresh).toMatchObject({ stale: false, state: { state: expect.any(String) }, latest: { t: c.clock.now() } });

      const viewer = new TestClient(c.wsUrl);
      await viewer.opened;
      viewer.send({ type: "subscribe", channel: "board" });
      await viewer.next((f) => f.type === "snapshot" && f.channel === "board");

      // The source fails; one tick later the newest point is one second old, well inside the freshness bound.
      prom.fail();
      const lastGood = c.clock.now();
      await c.tick(1);
      expect(c.server.warRoom.source.get("prometheus")!.status().state).toBe("down");
      expect(c.clock.now() - lastGood).toBeLessThan(c.server.warRoom.freshness.boundMs("search"));
      // The board's tick marks its tile stale…
      const tick = await viewer.next((f) => f.type === "event" && f.channel === "board" && f.event === "tick" && (f.data as { t: number }).t === c.clock.now());
      expect((tick.data as { summary: { stale?: string[] } }).summary.stale).toContain("search");
      // …and the API says so too, keeping the last values but no state; a simulated service stays current.
      const gone = await detail("search");
      expect(gone).toMatchObject({ stale: true, state: null, latest: { t: lastGood } });
      expect(await detail("auth")).toMatchObject({ stale: false, state: { state: expect.any(String) } });
      await viewer.close();
    } finally {
      await prom.close();
    }
  }, 60_000);
});
