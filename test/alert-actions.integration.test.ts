import { afterEach, describe, expect, it } from "vitest";
import { BACKENDS, startTestServer, TestClient } from "./helpers";
import type { Alert } from "../lib/alerts/model";
import type { Incident, IncidentDetail } from "../lib/incidents/model";
import type { Silence } from "../lib/alerts/silences";
import type { RunbookSummary } from "../lib/runbooks/model";
import { expectRouteShape } from "./support/contract";

type Ctx = Awaited<ReturnType<typeof startTestServer>>;
let ctx: Ctx | null = null;
afterEach(async () => {
  await ctx?.dispose();
  ctx = null;
});

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: Record<string, unknown> } } };

function api(c: Ctx) {
  const base = `http://127.0.0.1:${c.server.port}`;
  return async (method: string, path: string, body?: unknown, user: string | null = "Ada"): Promise<Res> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (user) headers["x-war-room-user"] = user;
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const res = { status: r.status, body: await r.json() };
    expectRouteShape(method, path, res.status, res.body);
    return res;
  };
}

/** An error drill on checkout until its page-tier HighErrorRate fires (for: 1m). */
async function firingPage(c: Ctx, call: ReturnType<typeof api>): Promise<Alert> {
  expect((await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 1800, magnitude: 40 })).status).toBe(201);
  for (let n = 0; n < 300; n++) {
    await c.tick();
    const page = c.server.warRoom.alertChannel.snapshot().alerts.find((a) => a.name === "HighErrorRate" && a.service === "checkout" && a.tier === 1 && a.state === "firing");
    if (page) return page;
  }
  throw new Error("HighErrorRate did not fire on checkout");
}

describe.each(BACKENDS)("acknowledge and silence on $name", ({ databaseUrl }) => {
  it("ack and silence are stored, attributed, on the attached incident's timeline, and survive a restart", async () => {
    ctx = await startTestServer({ databaseUrl });
    const call = api(ctx);
    await ctx.tick(5);
    const incident = (await call("POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] })).body.incident as Incident;
    const page = await firingPage(ctx, call);

    const ws = new TestClient(ctx.wsUrl);
    await ws.opened;
    ws.send({ type: "subscribe", channel: "alerts" });
    await ws.next((f) => f.type === "snapshot");

    const acked = await call("POST", `/api/v1/alerts/${page.id}/ack`, undefined, "Grace");
    expect(acked.status).toBe(200);
    expect((acked.body.alert as Alert).ack).toEqual({ by: "Grace", at: ctx.clock.now() });
    const live = await ws.next((f) => f.type === "event" && (f.data as { type: string; alert: Alert }).type === "update" && !!(f.data as { alert: Alert }).alert.ack);
    expect((live.data as { alert: Alert }).alert).toMatchObject({ id: page.id, ack: { by: "Grace" } });
    // A second acknowledgement keeps the first.
    expect(((await call("POST", `/api/v1/alerts/${page.id}/ack`, undefined, "Linus")).body.alert as Alert).ack?.by).toBe("Grace");
    expect((await call("POST", "/api/v1/alerts/al_nope/ack")).status).toBe(404);

    const before = (await call("GET", "/api/v1/alerts")).body as { firing: Alert[]; silenced: Alert[] };
    expect(before.firing.map((a) => a.id)).toContain(page.id);

    const bad = await call("POST", "/api/v1/silences", { matchers: ["service=~"], durationMinutes: 30, reason: "x" });
    expect(bad.status).toBe(400);
    const created = await call("POST", "/api/v1/silences", { matchers: ["service=checkout", "alertname=~High.*"], durationMinutes: 30, reason: "drill in progress" }, "Linus");
    expect(created.status).toBe(201);
    const silence = created.body.silence as Silence;
    expect(silence).toMatchObject({ createdBy: "Linus", reason: "drill in progress", state: "active", endsAt: ctx.clock.now() + 30 * 60_000 });
    expect((created.body.alerts as Alert[]).map((a) => a.id)).toContain(page.id);

    // Silenced: still listed, marked, and not firing for the board.
    const after = (await call("GET", "/api/v1/alerts")).body as { firing: Alert[]; silenced: Alert[] };
    expect(after.firing.map((a) => a.id)).not.toContain(page.id);
    expect(after.silenced.find((a) => a.id === page.id)?.silence).toMatchObject({ id: silence.id, by: "Linus" });
    expect(ctx.server.warRoom.alertChannel.snapshot().alerts.find((a) => a.id === page.id)?.silence?.id).toBe(silence.id);

    const timeline = ((await call("GET", `/api/v1/incidents/${incident.id}`)).body as unknown as IncidentDetail).timeline;
    expect(timeline.filter((e) => e.kind === "alert-acknowledged")).toMatchObject([{ author: "Grace", body: expect.stringContaining("HighErrorRate") }]);
    expect(timeline.filter((e) => e.kind === "alert-silenced")).toMatchObject([{ author: "Linus", body: expect.stringContaining("drill in progress") }]);
    await ws.close();

    // A restart (same store): both are read back, with who did them.
    const { dataDir, pgSchema } = ctx;
    const at = ctx.clock.now();
    await ctx.dispose(true);
    ctx = await startTestServer({ databaseUrl, dataDir, pgSchema, startAt: at });
    const again = api(ctx);
    const restored = ctx.server.warRoom.alertChannel.snapshot().alerts.find((a) => a.id === page.id);
    expect(restored).toMatchObject({ ack: { by: "Grace" }, silence: { id: silence.id, by: "Linus" } });
    expect((await again("GET", "/api/v1/silences")).body.silences).toMatchObject([{ id: silence.id, createdBy: "Linus" }]);

    // Expired by hand: firing again for the board; a second expiry is a conflict.
    const expired = await again("DELETE", `/api/v1/silences/${silence.id}`, undefined, "Grace");
    expect(expired.body.silence).toMatchObject({ state: "expired", expiredBy: "Grace" });
    expect((await again("DELETE", `/api/v1/silences/${silence.id}`)).status).toBe(409);
    expect(((await again("GET", "/api/v1/alerts")).body as { firing: Alert[] }).firing.map((a) => a.id)).toContain(page.id);
  });

  it("a silence ends by itself: the alert counts as firing again once its time is up", async () => {
    ctx = await startTestServer({ databaseUrl });
    const call = api(ctx);
    await ctx.tick(5);
    const page = await firingPage(ctx, call);
    expect((await call("POST", "/api/v1/silences", { matchers: [`alertname=${page.name}`, "service=checkout"], durationMinutes: 1, reason: "one minute" })).status).toBe(201);
    expect(((await call("GET", "/api/v1/alerts")).body as { firing: Alert[] }).firing.some((a) => a.id === page.id)).toBe(false);
    await ctx.tick(60);
    expect(((await call("GET", "/api/v1/alerts")).body as { firing: Alert[] }).firing.some((a) => a.id === page.id)).toBe(true);
    expect((await call("GET", "/api/v1/silences")).body.silences).toEqual([]);
  });

  it("resolving a SEV1 while its alert fires answers 409 naming the alert, unless confirmed", async () => {
    ctx = await startTestServer({ databaseUrl });
    const call = api(ctx);
    await ctx.tick(5);
    const sev1 = (await call("POST", "/api/v1/incidents", { title: "Checkout down", severity: "SEV1", services: ["checkout"] })).body.incident as Incident;
    const sev2 = (await call("POST", "/api/v1/incidents", { title: "Checkout slow", severity: "SEV2", services: ["checkout"] })).body.incident as Incident;
    await firingPage(ctx, call);
    const refused = await call("PATCH", `/api/v1/incidents/${sev1.id}`, { version: sev1.version, status: "resolved" });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/HighErrorRate on checkout/);
    expect(refused.body.error?.details?.firing).toEqual(expect.arrayContaining([expect.objectContaining({ name: "HighErrorRate", service: "checkout" })]));
    const unchanged = (await call("GET", `/api/v1/incidents/${sev1.id}`)).body as unknown as IncidentDetail;
    expect(unchanged.incident.status).toBe("investigating");
    const confirmed = await call("PATCH", `/api/v1/incidents/${sev1.id}`, { version: sev1.version, status: "resolved", confirm: true });
    expect(confirmed.status).toBe(200);
    expect((confirmed.body.incident as Incident).status).toBe("resolved");
    // A SEV2 resolves without asking.
    expect((await call("PATCH", `/api/v1/incidents/${sev2.id}`, { version: sev2.version, status: "resolved" })).status).toBe(200);
  });
});

describe("the right runbook first", () => {
  it("a checkout latency alert ranks the checkout runbook above the generic one its runbook_url names", async () => {
    ctx = await startTestServer();
    const call = api(ctx);
    const ranked = (await call("GET", "/api/v1/runbooks?alert=HighLatencyP99&service=checkout&runbook=high-latency")).body.runbooks as RunbookSummary[];
    expect(ranked[0].slug).toBe("checkout/high-latency");
    expect(ranked.map((r) => r.slug).indexOf("high-latency")).toBeGreaterThan(0);
    const search = (await call("GET", "/api/v1/runbooks?alert=HighLatencyP99&service=search")).body.runbooks as RunbookSummary[];
    expect(search[0].slug).toBe("search/slow-queries");
  });
});
