import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, startTestServer } from "./helpers";
import type { Alert } from "../lib/alerts/model";
import type { Incident } from "../lib/incidents/model";
import type { Postmortem } from "../lib/postmortems/repo";
import type { ImpactReport } from "../lib/postmortems/impact";
import { expectRouteShape } from "./support/contract";

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
const MINUTE = 60_000;

describe.each(BACKENDS)("postmortem impact on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const res = { status: r.status, body: await r.json() };
    expectRouteShape(method, path, res.status, res.body);
    return res;
  };
  /** What the recorder holds for checkout in [from, to): requests and failed requests, tick by tick. */
  const fromTicks = (from: number, to: number) => {
    const s = ctx.server.warRoom.history.recent("checkout", from);
    const dt = ctx.server.warRoom.tickMs / 1000;
    let requests = 0;
    let failed = 0;
    let n = 0;
    s.t.forEach((t, i) => {
      if (t < from || t >= to) return;
      n++;
      requests += s.rps[i] * dt;
      failed += (s.rps[i] * dt * s.errorPct[i]) / 100;
    });
    return { requests, failed, n };
  };
  const wholeMinutes = async (from: number, to: number) => {
    const rows = await ctx.server.warRoom.store.db.selectFrom("signal_minutes").selectAll().where("service", "=", "checkout").where("start", ">=", Math.floor(from / MINUTE) * MINUTE).where("start", "<", to).execute();
    return rows.reduce((a, m) => a + Number(m.requests), 0);
  };
  const resolveAndDraft = async (incident: Incident) => {
    expect((await call("PATCH", `/api/v1/incidents/${incident.id}`, { version: incident.version, status: "resolved" })).status).toBe(200);
    // Let the minutes close, so whole-minute rows exist to compare with.
    await ctx.tick(61);
    const r = await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "short" });
    expect(r.status).toBe(201);
    return r.body.postmortem as Postmortem;
  };

  beforeAll(async () => {
    ctx = await startTestServer({ databaseUrl, startAt: Date.UTC(2026, 11, 2, 12, 0, 0) });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(60);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  it("counts 45 s of requests for a 45 s incident, and says the window and the resolution", async () => {
    expect((await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 300, magnitude: 20 })).status).toBe(201);
    await ctx.tick(7);
    const startedAt = ctx.clock.now(); // 12:01:07
    const incident = (await call("POST", "/api/v1/incidents", { title: "Checkout 5xx", severity: "SEV2", services: ["checkout"], startedAt, drill: true })).body.incident as Incident;
    await ctx.tick(45);
    const pm = await resolveAndDraft(incident);
    const impact = pm.impact as ImpactReport;
    const to = startedAt + 45_000;
    expect(impact).toMatchObject({ window: { from: startedAt, to }, durationMs: 45_000, resolution: "seconds" });
    const expected = fromTicks(startedAt, to);
    expect(expected.n).toBe(45);
    const svc = impact.services[0];
    expect(svc.requests).toBeCloseTo(expected.requests, 6);
    expect(svc.failedRequests).toBeCloseTo(expected.failed, 6);
    // The whole minute 12:01 (60 s of traffic) would have been about a third more.
    expect(await wholeMinutes(startedAt, to)).toBeGreaterThan(1.2 * svc.requests);
    expect(pm.body).toContain("From 2026-12-02 12:01:07 to 12:01:52 UTC (45s), per-second data");
    expect(pm.body).toContain(Math.round(expected.requests).toLocaleString("en-US"));
  });

  it("declared later from the drill's alert, counts from the alert's activeAt, the time before declaring included", async () => {
    const firing = () => ctx.server.warRoom.alertChannel.snapshot().alerts.find((a: Alert) => a.name === "HighErrorRate" && a.service === "checkout" && a.state === "firing");
    for (let i = 0; i < 180 && !firing(); i++) await ctx.tick();
    const alert = firing()!;
    expect(alert).toBeDefined();
    await ctx.tick(30);
    const declaredAt = ctx.clock.now();
    const incident = (await call("POST", "/api/v1/incidents", { alertId: alert.id, severity: "SEV2" })).body.incident as Incident;
    expect(incident).toMatchObject({ startedAt: alert.activeAt, drill: true });
    await ctx.tick(20);
    const pm = await resolveAndDraft(incident);
    const impact = pm.impact as ImpactReport;
    expect(impact.window.from).toBe(alert.activeAt);
    expect(impact.window.from).toBeLessThan(declaredAt - 30_000);
    const expected = fromTicks(impact.window.from, impact.window.to);
    expect(impact.services[0].requests).toBeCloseTo(expected.requests, 6);
    expect(impact.services[0].failedRequests).toBeCloseTo(expected.failed, 6);
  });
});
