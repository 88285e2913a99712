import { afterEach, describe, expect, it } from "vitest";
import { pushFed, startTestServer } from "./helpers";
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
