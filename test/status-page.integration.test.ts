import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BACKENDS, startTestServer } from "./helpers";

for (const backend of BACKENDS) {
describe(backend.name, () => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  const url = (p: string) => `http://127.0.0.1:${t.server.port}${p}`;
  const send = (method: string, path: string, body?: unknown) =>
    fetch(url(path), { method, headers: { "content-type": "application/json", "x-war-room-user": "Grace" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (path: string) => (await fetch(url(path))).json();

  const iso = z.iso.datetime({ offset: true });
  /** Statuspage's public v2 summary shape (its Status API documentation), as tools that read it expect. */
  const StatuspageSummary = z
    .object({
      page: z.object({ id: z.string(), name: z.string(), url: z.string(), time_zone: z.string(), updated_at: iso }).strict(),
      status: z.object({ indicator: z.enum(["none", "minor", "major", "critical"]), description: z.string() }).strict(),
      components: z.array(
        z
          .object({
            id: z.string(),
            name: z.string(),
            status: z.enum(["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]),
            created_at: iso,
            updated_at: iso,
            position: z.number().int(),
            description: z.string().nullable(),
            showcase: z.boolean(),
            start_date: z.string().nullable(),
            group_id: z.string().nullable(),
            page_id: z.string(),
            group: z.boolean(),
            only_show_if_degraded: z.boolean(),
          })
          .strict(),
      ),
      incidents: z.array(
        z
          .object({
            id: z.string(),
            name: z.string(),
            status: z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]),
            created_at: iso,
            updated_at: iso,
            monitoring_at: iso.nullable(),
            resolved_at: iso.nullable(),
            impact: z.enum(["none", "minor", "major", "critical"]),
            shortlink: z.string(),
            started_at: iso,
            page_id: z.string(),
            incident_updates: z.array(
              z
                .object({
                  id: z.string(),
                  status: z.string(),
                  body: z.string(),
                  incident_id: z.string(),
                  created_at: iso,
                  updated_at: iso,
                  display_at: iso,
                  affected_components: z.unknown(),
                  deliver_notifications: z.boolean(),
                  custom_tweet: z.string().nullable(),
                  tweet_id: z.string().nullable(),
                })
                .strict(),
            ),
            components: z.array(z.unknown()),
          })
          .strict(),
      ),
      scheduled_maintenances: z.array(z.unknown()),
    })
    .strict();

  let publicId = "";
  let drillId = "";
  let quietId = "";
  const SCRIPT = "<script>alert('x')</script> Payments are failing for some cards";

  beforeAll(async () => {
    t = await startTestServer({ databaseUrl: backend.databaseUrl, });
    const declare = async (body: Record<string, unknown>) => (await (await send("POST", "/api/v1/incidents", { severity: "SEV1", ...body })).json()).incident as { id: string; version: number };
    const pub = await declare({ title: "Payments failing", services: ["payments"], summary: "INTERNAL-SUMMARY db failover" });
    publicId = pub.id;
    await send("POST", `/api/v1/incidents/${pub.id}/timeline`, { kind: "note", body: "INTERNAL-NOTE primary is db-7" });
    await send("PATCH", `/api/v1/incidents/${pub.id}`, { version: pub.version, roles: [{ role: "commander", name: "Zed Internal" }] });
    await send("POST", `/api/v1/incidents/${pub.id}/status-updates`, { status: "investigating", body: SCRIPT, title: "Card payments degraded" });
    t.clock.advance(60_000);
    await send("POST", `/api/v1/incidents/${pub.id}/status-updates`, { status: "identified", body: "We found the cause." });
    const drill = await declare({ title: "DRILL-GAMEDAY checkout", services: ["checkout"], drill: true });
    drillId = drill.id;
    await send("POST", `/api/v1/incidents/${drill.id}/status-updates`, { status: "investigating", body: "DRILL-UPDATE text" });
    quietId = (await declare({ title: "QUIET-INTERNAL search", services: ["search"] })).id;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  describe("the public status page API", () => {
    it("summary.json has Statuspage's shape, with the open public incident and its updates", async () => {
      const r = await fetch(url("/api/v2/summary.json"));
      expect(r.status).toBe(200);
      const summary = StatuspageSummary.parse(await r.json());
      expect(summary.components.map((c) => c.id)).toContain("payments");
      expect(summary.incidents.map((i) => i.id)).toEqual([publicId]);
      const inc = summary.incidents[0];
      // The comms lead's public title (given with the first update, kept by the second), never the internal one.
      expect(inc).toMatchObject({ name: "Card payments degraded", status: "identified", impact: "critical", components: ["payments"] });
      expect(inc.incident_updates.map((u) => [u.status, u.body])).toEqual([["identified", "We found the cause."], ["investigating", SCRIPT]]);
      expect(summary.status.indicator).toBe("critical");
    });

    it("shows no internal detail and nothing about a drill or an incident without a published update", async () => {
      const text = JSON.stringify(await json("/api/v2/summary.json")) + JSON.stringify(await json("/api/v2/incidents.json")) + (await (await fetch(url("/api/v2/history.atom"))).text());
      for (const secret of ["Payments failing", "INTERNAL-NOTE", "INTERNAL-SUMMARY", "Zed Internal", "DRILL-GAMEDAY", "DRILL-UPDATE", drillId, "QUIET-INTERNAL", quietId, "commander", "Declared SEV1"]) expect(text).not.toContain(secret);
      const { incidents } = await json("/api/v2/incidents.json");
      expect(incidents.map((i: { id: string }) => i.id)).toEqual([publicId]);
    });

    it("the Atom feed is XML with the update as escaped text", async () => {
      const r = await fetch(url("/api/v2/history.atom"));
      expect(r.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      const xml = await r.text();
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      expect(xml).toContain("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;");
      expect(xml).not.toContain("<script>");
      expect(xml.match(/<entry>/g)).toHaveLength(1);
    });

    it("an admin override wins over the derived state until cleared; a bad state is refused", async () => {
      const put = await send("PUT", "/api/v1/admin/status-components/search", { state: "major_outage", note: "Index rebuild" });
      expect(put.status).toBe(200);
      expect((await put.json()).component).toMatchObject({ id: "search", state: "major_outage", override: { note: "Index rebuild" } });
      const summary = StatuspageSummary.parse(await json("/api/v2/summary.json"));
      expect(summary.components.find((c) => c.id === "search")!.status).toBe("major_outage");
      expect((await send("PUT", "/api/v1/admin/status-components/search", { state: "on_fire" })).status).toBe(400);
      expect((await send("PUT", "/api/v1/admin/status-components/nope", { state: "major_outage" })).status).toBe(404);
      const cleared = await send("DELETE", "/api/v1/admin/status-components/search");
      expect((await cleared.json()).component.override).toBeNull();
    });

    it("uptime.json has 90 daily bars per component from the stored rollups", async () => {
      const day = 86_400_000;
      const yesterday = (Math.floor(t.clock.now() / day) - 1) * day;
      await t.server.warRoom.store.db
        .insertInto("signal_minutes")
        .values([0, 1].map((m) => ({ service: "catalog", start: yesterday + m * 60_000, requests: 500, errors: 10, errors_5xx: 5, p99_max: 100, error_pct_max: 1 })))
        .execute();
      const up = await json("/api/v2/uptime.json");
      const catalog = up.components.find((c: { id: string }) => c.id === "catalog");
      expect(catalog.days).toHaveLength(90);
      expect(catalog.days.at(-2)).toEqual({ day: yesterday, availability: 0.99 });
      expect(catalog.days.at(-3).availability).toBeNull();
    });
  });

});
}
