import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, TestClient } from "./helpers";
import type { SloStatus } from "../lib/slo/tracker";
import type { Alert } from "../lib/alerts/model";

let ctx: Awaited<ReturnType<typeof startTestServer>> | null = null;
afterEach(async () => {
  await ctx?.dispose();
  ctx = null;
});

const checkoutSlo = (rt: NonNullable<typeof ctx>["server"]["warRoom"]): SloStatus => rt.slos.status(rt.clock.now()).find((s) => s.id === "checkout-availability")!;
const pageAlert = (alerts: Alert[]) =>
  alerts.find((a) => a.kind === "burn-rate" && a.service === "checkout" && a.severity === "page" && a.labels.slo === "checkout-availability" && a.labels.window === "1h/5m");

describe("error budget and burn-rate alerts (injected clock)", () => {
  it("an error-spike drill on a 99.9% SLO fires the page-tier burn alert, which resolves after the drill", async () => {
    ctx = await startTestServer();
    const rt = ctx.server.warRoom;
    const base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(30 * 60); // half an hour of normal traffic
    const before = checkoutSlo(rt);
    expect(before.budgetRemaining).toBeGreaterThan(0);
    expect(before.budgetRemaining).toBeLessThanOrEqual(1);
    expect(pageAlert(rt.alertChannel.snapshot().alerts)).toBeUndefined();

    const ws = new TestClient(ctx.wsUrl);
    await ws.opened;
    ws.send({ type: "subscribe", channel: "alerts" });
    await ws.next((f) => f.type === "snapshot");

    const started = await fetch(`${base}/api/v1/drills`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "errors", target: "checkout", durationSeconds: 600, magnitude: 20 }),
    });
    expect(started.status).toBe(201);
    const { drill } = await started.json();

    let fired: Alert | undefined;
    for (let i = 0; i < 10 * 60 && !fired; i++) {
      await ctx.tick();
      fired = pageAlert(rt.alertChannel.snapshot().alerts.filter((a) => a.state === "firing"));
    }
    expect(fired, "page alert fired during the drill").toBeDefined();
    expect(fired!.firedAt!).toBeGreaterThan(drill.startedAt);
    expect(checkoutSlo(rt).burnRates["5m"]!).toBeGreaterThanOrEqual(14.4);
    expect(checkoutSlo(rt).burnRates["1h"]!).toBeGreaterThanOrEqual(14.4);
    const live = await ws.next((f) => f.type === "event" && (f.data as { type: string; alert: Alert }).alert.id === fired!.id && (f.data as { type: string }).type === "firing");
    expect(live.event).toBe("change");

    const alertsApi = await (await fetch(`${base}/api/v1/alerts`)).json();
    expect(alertsApi.firing.map((a: Alert) => a.id)).toContain(fired!.id);

    const stop = await fetch(`${base}/api/v1/drills/${drill.id}/stop`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(stop.status).toBe(200);
    const stoppedAt = ctx.clock.now();

    let resolved: Alert | undefined;
    for (let i = 0; i < 20 * 60 && !resolved; i++) {
      await ctx.tick();
      resolved = rt.alertChannel.snapshot().resolved.find((a) => a.id === fired!.id);
    }
    expect(resolved, "page alert resolved after the drill").toBeDefined();
    expect(resolved!.resolvedAt!).toBeGreaterThan(stoppedAt);
    // The short window clears within minutes of the drill ending; the long one still remembers.
    expect(resolved!.resolvedAt! - stoppedAt).toBeLessThan(10 * 60_000);
    expect(checkoutSlo(rt).burnRates["1h"]!).toBeGreaterThan(1);
    expect(checkoutSlo(rt).budgetRemaining!).toBeLessThan(before.budgetRemaining!);
    await ws.close();
  });

  it("budgets are the same before and after a restart", async () => {
    ctx = await startTestServer();
    await ctx.tick(10 * 60 + 17);
    const before = checkoutSlo(ctx.server.warRoom);
    const { dataDir } = ctx;
    const at = ctx.clock.now();
    await ctx.dispose(true);

    ctx = await startTestServer({ dataDir, startAt: at });
    const after = checkoutSlo(ctx.server.warRoom);
    expect(after.total).toBeCloseTo(before.total, 6);
    expect(after.good).toBeCloseTo(before.good, 6);
    expect(after.budgetRemaining).toBeCloseTo(before.budgetRemaining!, 9);
  });

  it("the SLO API reports budgets, burn rates per window and no NaN", async () => {
    ctx = await startTestServer();
    const base = `http://127.0.0.1:${ctx.server.port}`;
    const empty = await (await fetch(`${base}/api/v1/slos`)).json();
    // No traffic yet: "no data", never NaN or a fake 100%.
    expect(empty.slos[0].budgetRemaining).toBeNull();
    expect(empty.slos[0].burnRates["1h"]).toBeNull();
    await ctx.tick(120);
    const { slos } = await (await fetch(`${base}/api/v1/slos`)).json();
    expect(slos).toHaveLength(10);
    for (const s of slos) {
      expect(s.total).toBeGreaterThan(0);
      expect(typeof s.budgetRemaining).toBe("number");
      expect(Object.keys(s.burnRates)).toEqual(expect.arrayContaining(["5m", "30m", "1h", "2h", "6h", "1d", "3d", "window"]));
    }
    const bd = await (await fetch(`${base}/api/v1/slos/checkout-availability/burndown`)).json();
    expect(bd.points.at(-1).remaining).toBeCloseTo(slos.find((s: SloStatus) => s.id === "checkout-availability").budgetRemaining, 6);
    expect((await fetch(`${base}/api/v1/slos/nope`)).status).toBe(404);
  });
});

describe("alerts across a restart", () => {
  it("a firing alert stays firing without a second announcement, and still resolves after", async () => {
    const first = await startTestServer();
    const base = `http://127.0.0.1:${first.server.port}`;
    const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify(body) });
    await first.tick(5);
    const incident = (await (await post(`${base}/api/v1/incidents`, { title: "Checkout errors", severity: "SEV2", services: ["checkout"] })).json()).incident;
    expect((await post(`${base}/api/v1/drills`, { kind: "errors", target: "checkout", durationSeconds: 300, magnitude: 20 })).status).toBe(201);
    const highErrors = (alerts: Alert[]) => alerts.find((a) => a.name === "HighErrorRate" && a.service === "checkout" && a.tier === 1 && a.state === "firing");
    let fired: Alert | undefined;
    for (let i = 0; i < 180 && !fired; i++) {
      await first.tick();
      fired = highErrors(first.server.warRoom.alertChannel.snapshot().alerts);
    }
    expect(fired, "HighErrorRate fired during the drill").toBeDefined();
    const restartAt = first.clock.now() + 1000;
    await first.dispose(true);

    const second = await startTestServer({ dataDir: first.dataDir, startAt: restartAt });
    ctx = second;
    const restored = highErrors(second.server.warRoom.alertChannel.snapshot().alerts);
    expect(restored).toMatchObject({ id: fired!.id, firedAt: fired!.firedAt, activeAt: fired!.activeAt });
    await second.tick(10);
    const events = await second.server.warRoom.store.db.selectFrom("alert_events").select(["type"]).where("alert_id", "=", fired!.id).execute();
    expect(events.filter((e) => e.type === "firing")).toHaveLength(1);
    const timeline = (await (await fetch(`http://127.0.0.1:${second.server.port}/api/v1/incidents/${incident.id}`)).json()).timeline as { kind: string; body: string }[];
    expect(timeline.filter((e) => e.kind === "alert-fired" && e.body.includes("HighErrorRate"))).toHaveLength(1);

    // The drill ends; the restored alert resolves as any other.
    let resolved = false;
    for (let i = 0; i < 400 && !resolved; i++) {
      await second.tick();
      resolved = !second.server.warRoom.alertChannel.snapshot().alerts.some((a) => a.id === fired!.id);
    }
    expect(resolved).toBe(true);
    expect(second.server.warRoom.alertChannel.snapshot().resolved.some((a) => a.id === fired!.id)).toBe(true);
  });
});
