import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, startTestServer } from "./helpers";
import type { Alert } from "../lib/alerts/model";
import type { Incident, IncidentDetail } from "../lib/incidents/model";
import type { IncidentDraft } from "../lib/incidents/from-alert";
import { expectRouteShape } from "./support/contract";

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };

describe.each(BACKENDS)("declaring from an alert on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  let fired: Alert;
  let drillId: string;
  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const res = { status: r.status, body: await r.json() };
    expectRouteShape(method, path, res.status, res.body);
    return res;
  };
  const firingOnCheckout = () => ctx.server.warRoom.alertChannel.snapshot().alerts.find((a) => a.name === "HighErrorRate" && a.service === "checkout" && a.state === "firing");

  beforeAll(async () => {
    ctx = await startTestServer({ databaseUrl });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(5);
    const drill = await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 240, magnitude: 20 });
    expect(drill.status).toBe(201);
    drillId = (drill.body.drill as { id: string }).id;
    for (let i = 0; i < 180 && !firingOnCheckout(); i++) await ctx.tick();
    fired = firingOnCheckout()!;
    expect(fired, "HighErrorRate fired on checkout during the drill").toBeDefined();
    // The commander declares a while after the alert fired.
    await ctx.tick(40);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  it("shows the draft: impact from activeAt, detection at firedAt, and a drill because a drill caused it", async () => {
    const r = await call("GET", `/api/v1/alerts/${fired.id}/incident-draft`);
    expect(r.status).toBe(200);
    const draft = r.body.draft as IncidentDraft;
    expect(draft).toMatchObject({ startedAt: fired.activeAt, detectedAt: fired.firedAt, drill: true, services: ["checkout"] });
    expect(draft.drillReason).toMatch(/drill errors on checkout/);
    expect(draft.attachedTo).toBeNull();
    expect((await call("GET", "/api/v1/alerts/al_nope/incident-draft")).status).toBe(400);
  });

  it("declares from the alert: impact start = activeAt, MTTD = firedAt − activeAt, drill set, the alert on the timeline and its resolve after", async () => {
    const declaredAt = ctx.clock.now();
    const r = await call("POST", "/api/v1/incidents", { alertId: fired.id, severity: "SEV2" });
    expect(r.status).toBe(201);
    const incident = r.body.incident as Incident;
    expect(incident).toMatchObject({ startedAt: fired.activeAt, detectedAt: fired.firedAt, createdAt: declaredAt, drill: true, services: ["checkout"] });
    expect(incident.title).toBe(fired.annotations.summary);
    expect(fired.activeAt).toBeLessThan(fired.firedAt!);

    const detail = (await call("GET", `/api/v1/incidents/${incident.id}`)).body as unknown as IncidentDetail;
    expect(detail.metrics.mttdMs).toBe(fired.firedAt! - fired.activeAt);
    expect(detail.metrics.mttdMs).toBeGreaterThan(0);
    const firedEntries = detail.timeline.filter((e) => e.kind === "alert-fired");
    expect(firedEntries).toHaveLength(1);
    expect(firedEntries[0]).toMatchObject({ occurredAt: fired.firedAt, source: "alert" });
    expect(firedEntries[0].body).toContain("HighErrorRate");
    // The timeline reads in order: the alert fired before the incident was declared.
    expect(detail.timeline.map((e) => e.kind)).toEqual(["alert-fired", "status-change"]);

    // A second declare from the same alert while this incident is open is refused, and the draft points to it.
    const again = await call("POST", "/api/v1/incidents", { alertId: fired.id, severity: "SEV2" });
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(new RegExp(`already attached to the open INC-${incident.number}`));
    expect(((await call("GET", `/api/v1/alerts/${fired.id}/incident-draft`)).body.draft as IncidentDraft).attachedTo).toEqual({ id: incident.id, number: incident.number, title: incident.title });

    // The drill stops; the alert resolves and its resolve lands on this incident's timeline.
    expect((await call("POST", `/api/v1/drills/${drillId}/stop`, {})).status).toBe(200);
    let resolved: IncidentDetail["timeline"] = [];
    for (let i = 0; i < 400 && resolved.length === 0; i++) {
      await ctx.tick();
      if (firingOnCheckout()) continue;
      resolved = ((await call("GET", `/api/v1/incidents/${incident.id}`)).body as unknown as IncidentDetail).timeline.filter((e) => e.kind === "alert-resolved");
    }
    expect(resolved).toHaveLength(1);
    expect(resolved[0].body).toMatch(/HighErrorRate\*\* resolved on checkout/);
  });

  it("lets the person declaring change the impact start and the drill flag, and refuses an unknown alert without writing", async () => {
    const before = ((await call("GET", "/api/v1/incidents")).body.incidents as Incident[]).length;
    const unknown = await call("POST", "/api/v1/incidents", { alertId: "al_0000000000000000", severity: "SEV2" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/no alert "al_0000000000000000"/);
    expect(((await call("GET", "/api/v1/incidents")).body.incidents as Incident[]).length).toBe(before);

    // Once the first incident from the alert is resolved, the alert can start another.
    const first = ((await call("GET", "/api/v1/incidents?status=active")).body.incidents as Incident[]).find((i) => i.title === fired.annotations.summary)!;
    expect((await call("PATCH", `/api/v1/incidents/${first.id}`, { version: first.version, status: "resolved" })).status).toBe(200);
    const startedAt = fired.activeAt - 30_000;
    const r = await call("POST", "/api/v1/incidents", { alertId: fired.id, severity: "SEV3", title: "Checkout 5xx", startedAt, drill: false });
    expect(r.status).toBe(201);
    expect(r.body.incident).toMatchObject({ title: "Checkout 5xx", startedAt, detectedAt: fired.firedAt, drill: false });
  });

  it("two people declaring from the same alert at once get one incident, and the other a 409 naming it", async () => {
    for (const i of ((await call("GET", "/api/v1/incidents?status=active")).body.incidents as Incident[]).filter((x) => x.services.includes("checkout"))) {
      expect((await call("PATCH", `/api/v1/incidents/${i.id}`, { version: i.version, status: "resolved" })).status).toBe(200);
    }
    const before = ((await call("GET", "/api/v1/incidents")).body.incidents as Incident[]).length;
    const both = await Promise.all([1, 2].map(() => call("POST", "/api/v1/incidents", { alertId: fired.id, severity: "SEV2" })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const made = both.find((r) => r.status === 201)!.body.incident as Incident;
    expect(both.find((r) => r.status === 409)!.body.error?.message).toContain(`INC-${made.number}`);
    expect(((await call("GET", "/api/v1/incidents")).body.incidents as Incident[]).length).toBe(before + 1);
  });

  it("corrects the impact start after the declaration: MTTD follows, the change is on the timeline, and a start after detection is refused unchanged", async () => {
    const declared = (await call("POST", "/api/v1/incidents", { title: "Search slow", severity: "SEV3", services: ["search"] })).body.incident as Incident;
    const earlier = declared.startedAt - 4 * 60_000;
    const moved = await call("PATCH", `/api/v1/incidents/${declared.id}`, { version: declared.version, startedAt: earlier });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const detail = (await call("GET", `/api/v1/incidents/${declared.id}`)).body as unknown as IncidentDetail;
    expect(detail.incident.startedAt).toBe(earlier);
    expect(detail.metrics.mttdMs).toBe(declared.detectedAt - earlier);
    const change = detail.timeline.filter((e) => e.kind === "impact-change");
    expect(change).toHaveLength(1);
    expect(change[0]).toMatchObject({ author: "Ada", source: "system" });
    expect(change[0].body).toBe(`Impact started at changed: ${new Date(declared.startedAt).toISOString()} → ${new Date(earlier).toISOString()}`);

    const late = await call("PATCH", `/api/v1/incidents/${declared.id}`, { version: detail.incident.version, startedAt: declared.detectedAt + 1000 });
    expect(late.status).toBe(400);
    expect(late.body.error?.message).toMatch(/cannot start after it was detected/);
    const after = (await call("GET", `/api/v1/incidents/${declared.id}`)).body as unknown as IncidentDetail;
    expect(after.incident).toMatchObject({ startedAt: earlier, version: detail.incident.version });
  });
});
