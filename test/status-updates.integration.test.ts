import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, startTestServer } from "./helpers";
import { startReceiver } from "./support/receiver";
import type { Config } from "../lib/config/schema";
import { NotificationsConfigSchema } from "../lib/notifications/config";

for (const backend of BACKENDS) {
describe(backend.name, () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: Awaited<ReturnType<typeof startTestServer>>;
  const url = (p: string) => `http://127.0.0.1:${t.server.port}${p}`;
  const send = (method: string, path: string, body: unknown) =>
    fetch(url(path), { method, headers: { "content-type": "application/json", "x-war-room-user": "Grace" }, body: JSON.stringify(body) });
  const get = async (path: string) => (await fetch(url(path))).json();
  const declare = async (body: Record<string, unknown> = {}) => (await (await send("POST", "/api/v1/incidents", { title: "Checkout down", severity: "SEV1", services: ["checkout"], ...body })).json()).incident as { id: string; number: number; version: number };

  beforeAll(async () => {
    receiver = await startReceiver();
    process.env.SU_TEST_SECRET = "a-signing-secret-long-enough";
    t = await startTestServer({ databaseUrl: backend.databaseUrl, 
      configure: (c): Config => ({
        ...c,
        notifications: NotificationsConfigSchema.parse({ channels: [{ id: "customers", kind: "webhook", url: `${receiver.base}/customers`, secretEnv: "SU_TEST_SECRET" }] }),
      }),
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
  });

  describe("status updates", () => {
    it("publishes an update to the chosen channel, kept apart from the timeline, markup kept as text", async () => {
      const incident = await declare();
      const body = "<script>alert('x')</script> Checkout is failing for some customers";
      const r = await send("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "investigating", body, channels: ["customers"] });
      expect(r.status).toBe(201);
      const { update } = await r.json();
      expect(update).toMatchObject({ status: "investigating", body, channels: ["customers"], author: "Grace" });
      const detail = await get(`/api/v1/incidents/${incident.id}`);
      expect(detail.timeline.map((e: { body: string }) => e.body).join("\n")).not.toContain("Checkout is failing");
      await t.server.warRoom.jobs.notifications.run(t.clock.now());
      const got = receiver.at("/customers");
      expect(got).toHaveLength(1);
      const ce = got[0].json as { type: string; data: { update: { body: string; status: string } } };
      expect(ce.type).toBe("io.warroom.status_update.published");
      expect(ce.data.update).toEqual({ id: update.id, status: "investigating", body });
      // JSON carries it as a string: no raw "<" survives outside the JSON string escape.
      expect(got[0].body).toContain("<script>");
      expect(() => JSON.parse(got[0].body)).not.toThrow();
    });

    it("refuses an unknown channel or an empty body and writes nothing", async () => {
      const incident = await declare();
      const bad = await send("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "investigating", body: "x", channels: ["nope"] });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.message).toContain('unknown channel "nope"');
      expect((await send("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "investigating", body: "   " })).status).toBe(400);
      expect((await send("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "fixed", body: "x" })).status).toBe(400);
      expect((await get(`/api/v1/incidents/${incident.id}/status-updates`)).updates).toEqual([]);
    });

    it("the next update is due 30 minutes after the last for a SEV1, and shows overdue once the (injected) clock passes it", async () => {
      const declaredAt = t.clock.now();
      const incident = await declare();
      let s = await get(`/api/v1/incidents/${incident.id}/status-updates`);
      expect(s.due).toEqual({ everyMinutes: 30, nextDueAt: declaredAt + 30 * 60_000, overdue: false, overdueByMs: 0 });
      expect(s.templates.investigating).toMatch(/investigating/);
      t.clock.advance(31 * 60_000);
      s = await get(`/api/v1/incidents/${incident.id}/status-updates`);
      expect(s.due).toMatchObject({ overdue: true, overdueByMs: 60_000 });
      await send("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "identified", body: "We found it." });
      s = await get(`/api/v1/incidents/${incident.id}/status-updates`);
      expect(s.due).toEqual({ everyMinutes: 30, nextDueAt: t.clock.now() + 30 * 60_000, overdue: false, overdueByMs: 0 });
      // A SEV2 waits an hour by default.
      const sev2 = await declare({ severity: "SEV2" });
      expect((await get(`/api/v1/incidents/${sev2.id}/status-updates`)).due.everyMinutes).toBe(60);
      // Resolved: nothing more is due.
      await send("PATCH", `/api/v1/incidents/${incident.id}`, { version: incident.version, status: "resolved" });
      s = await get(`/api/v1/incidents/${incident.id}/status-updates`);
      expect(s.due).toMatchObject({ nextDueAt: null, overdue: false });
    });
  });

});
}
