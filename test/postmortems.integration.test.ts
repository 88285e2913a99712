import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { BACKENDS, startTestServer } from "./helpers";
import type { Incident } from "../lib/incidents/model";
import type { Postmortem } from "../lib/postmortems/repo";
import type { ImpactReport } from "../lib/postmortems/impact";
import { expectRouteShape } from "./support/contract";

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
const MINUTE = 60_000;

describe.each(BACKENDS)("postmortems on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  let templatesDir: string;
  let incident: Incident;
  let pm: Postmortem;
  const call = async (method: string, path: string, body?: unknown, user = "Ada"): Promise<Res> => {
    const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": user }, body: body === undefined ? undefined : JSON.stringify(body) });
    const res = { status: r.status, body: await r.json() };
    expectRouteShape(method, path, res.status, res.body);
    return res;
  };

  beforeAll(async () => {
    templatesDir = mkdtempSync(join(tmpdir(), "war-room-templates-"));
    writeFileSync(join(templatesDir, "payments-team.md"), "# {{incident.title}}\n\n{{impact.table}}\n");
    writeFileSync(join(templatesDir, "broken.md"), "# {{incident.title}}\n\nPeak: {{impact.peak_p999}}\n");
    ctx = await startTestServer({ databaseUrl, postmortemTemplatesDir: templatesDir, startAt: Date.UTC(2026, 10, 23, 12, 0, 0) });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(30);
    // A drill incident on checkout: 5xx errors for three minutes while the incident is open.
    expect((await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 180, magnitude: 20 })).status).toBe(201);
    incident = (await call("POST", "/api/v1/incidents", { title: "Checkout | errors drill", severity: "SEV2", services: ["checkout"], drill: true })).body.incident as Incident;
    await ctx.tick(200);
  });
  afterAll(async () => {
    await ctx.dispose();
    rmSync(templatesDir, { recursive: true, force: true });
  });

  it("refuses a draft whose template needs an end time while the incident is open, naming the placeholders", async () => {
    const r = await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "default" });
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/\{\{times\.resolved\}\}/);
    expect((r.body.error?.details as { code: string }).code).toBe("needs_end_time");
    expect((await call("GET", `/api/v1/incidents/${incident.id}/postmortem`)).status).toBe(404);
  });

  it("lists templates, and explains an unknown template and a team template with an unknown placeholder", async () => {
    const list = (await call("GET", "/api/v1/postmortem-templates")).body as { templates: { name: string }[]; invalid: { file: string; errors: { message: string }[] }[] };
    expect(list.templates.map((t) => t.name)).toEqual(["default", "short", "payments-team"]);
    expect(list.invalid).toHaveLength(1);
    expect(list.invalid[0].errors[0].message).toMatch(/broken\.md:3:\d+: unknown placeholder \{\{impact\.peak_p999\}\}/);

    const resolved = await call("PATCH", `/api/v1/incidents/${incident.id}`, { version: incident.version, status: "resolved" });
    expect(resolved.status).toBe(200);
    incident = resolved.body.incident as Incident;

    const unknown = await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "nope" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/unknown postmortem template "nope"/);
    const broken = await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "broken" });
    expect(broken.status).toBe(400);
    expect(broken.body.error?.message).toMatch(/broken\.md:3/);
    expect((await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "default", extra: 1 })).status).toBe(400);
    expect((await call("GET", `/api/v1/incidents/${incident.id}/postmortem`)).status).toBe(404);
  });

  it("drafts from the resolved drill incident with impact from the recorded second data, not whole minutes", async () => {
    // Let the minutes of the incident close so every row is in the store.
    await ctx.tick(61);
    const r = await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "default", timeline: "all" });
    expect(r.status).toBe(201);
    pm = r.body.postmortem as Postmortem;
    expect(pm).toMatchObject({ status: "draft", version: 1, template: "default", createdBy: "Ada" });
    expect(pm.body).not.toMatch(/\{\{/);
    expect(pm.body).toContain("# Postmortem: Checkout | errors drill");
    expect(pm.body).toContain("## Lessons Learned");

    // The same numbers, computed here straight from the second data the recorder holds (the
    // incident lies within its hour of ticks), with the rule in docs/api.md: every tick in
    // [startedAt, resolvedAt) for its interval.
    const from = incident.startedAt;
    const to = incident.resolvedAt!;
    const db = ctx.server.warRoom.store.db;
    const series = ctx.server.warRoom.history.recent("checkout", from);
    const dt = ctx.server.warRoom.tickMs / 1000;
    const ticks = series.t.map((t, i) => ({ t, rps: series.rps[i], errorPct: series.errorPct[i], p99: series.p99[i] })).filter((p) => p.t >= from && p.t < to);
    expect(ticks.length).toBe((to - from) / ctx.server.warRoom.tickMs);
    const requests = ticks.reduce((a, p) => a + p.rps * dt, 0);
    const failed = ticks.reduce((a, p) => a + (p.rps * dt * p.errorPct) / 100, 0);
    const impact = pm.impact as ImpactReport;
    const svc = impact.services.find((s) => s.service === "checkout")!;
    expect(svc).toMatchObject({ resolution: "seconds", secondsWithData: (to - from) / 1000, minutesWithData: 0 });
    expect(svc.failedRequests).toBeCloseTo(failed, 6);
    expect(svc.requests).toBeCloseTo(requests, 6);
    expect(svc.peakErrorPct).toBeCloseTo(Math.max(...ticks.map((p) => p.errorPct)), 9);
    expect(svc.peakP99Ms).toBeCloseTo(Math.max(...ticks.map((p) => p.p99)), 9);
    // The drill made about a fifth of checkout's requests fail.
    expect(failed / requests).toBeGreaterThan(0.1);
    // Whole stored minutes would have counted more: the incident does not start or end on a minute.
    const minutes = await db.selectFrom("signal_minutes").selectAll().where("service", "=", "checkout").where("start", ">=", Math.floor(from / MINUTE) * MINUTE).where("start", "<", to).execute();
    expect(minutes.reduce((a, m) => a + Number(m.requests), 0)).toBeGreaterThan(requests);

    // Budget consumed of checkout-availability (99.9 % over 30 days): bad events in the incident
    // (each SLI row by its share inside the window) over the budget of all events in the 30-day
    // window ending at the resolution.
    const sli = await db.selectFrom("sli_counts").selectAll().where("slo_id", "=", "checkout-availability").where("start", ">=", Math.floor(from / MINUTE) * MINUTE).where("start", "<", to).execute();
    const share = (r: { start: number | string; span_ms: number | string }) => {
      const start = Number(r.start);
      return Math.max(0, Math.min(start + Number(r.span_ms), to) - Math.max(start, from)) / Number(r.span_ms);
    };
    const bad = sli.reduce((a, r) => a + (Number(r.total) - Number(r.good)) * share(r), 0);
    const windowFrom = Math.floor((to - 30 * 24 * 3600_000) / MINUTE) * MINUTE;
    const all = await sql<{ total: number }>`select sum(total) as total from sli_counts where slo_id = 'checkout-availability' and start >= ${windowFrom} and start < ${to}`.execute(db);
    const expected = bad / (0.001 * Number(all.rows[0].total));
    const slo = svc.slos.find((s) => s.sloId === "checkout-availability")!;
    expect(slo.bad).toBeCloseTo(bad, 6);
    expect(slo.budgetConsumed).toBeCloseTo(expected, 9);
    expect(slo.budgetConsumed).toBeGreaterThan(0);
    expect(pm.body).toContain(Math.round(failed).toLocaleString("en-US"));

    expect((await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, { template: "short" })).status).toBe(409);
  });

  it("saves edits with a version; a stale save is a 409 carrying the other version", async () => {
    const path = `/api/v1/incidents/${incident.id}/postmortem`;
    const mine = await call("PATCH", path, { version: 1, body: `${pm.body}\n\nEdited by Ada.` }, "Ada");
    expect(mine.status).toBe(200);
    expect((mine.body.postmortem as Postmortem).version).toBe(2);
    const theirs = await call("PATCH", path, { version: 1, body: "Grace's rewrite" }, "Grace");
    expect(theirs.status).toBe(409);
    const current = (theirs.body.error?.details as { current: Postmortem }).current;
    expect(current.body.endsWith("Edited by Ada.")).toBe(true);
    expect(theirs.body.error?.message).toMatch(/saved by Ada/);
    expect(((await call("GET", path)).body.postmortem as Postmortem).body.endsWith("Edited by Ada.")).toBe(true);

    for (const bad of [{ body: "x" }, { version: 2 }, { version: 2, status: "archived" }, { version: 2, body: 7 }, { version: 2, body: "x".repeat(200_001) }]) {
      const r = await call("PATCH", path, bad);
      expect(r.status, JSON.stringify(bad).slice(0, 60)).toBe(400);
    }
    const huge = await fetch(base + path, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ version: 2, body: "x".repeat(2 << 20) }) });
    expect(huge.status).toBe(413);
    expect(((await call("GET", path)).body.postmortem as Postmortem).version).toBe(2);
  });

  it("exports the Markdown it stores (round trip) as a download", async () => {
    const r = await fetch(`${base}/api/v1/incidents/${incident.id}/postmortem.md`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(r.headers.get("content-disposition")).toMatch(new RegExp(`attachment; filename="INC-${incident.number}-checkout-errors-drill-postmortem\\.md"`));
    const stored = ((await call("GET", `/api/v1/incidents/${incident.id}/postmortem`)).body.postmortem as Postmortem).body;
    expect(await r.text()).toBe(`${stored}\n`);
  });

  it("goes draft → in review → published, which closes the incident; published is read-only", async () => {
    const path = `/api/v1/incidents/${incident.id}/postmortem`;
    const review = await call("PATCH", path, { version: 2, status: "in-review" });
    expect((review.body.postmortem as Postmortem).status).toBe("in-review");
    // The drafted sections were never written: publishing asks first, naming them, and changes nothing.
    const asked = await call("PATCH", path, { version: 3, status: "published" }, "Grace");
    expect(asked.status).toBe(409);
    const sections = (asked.body.error?.details as { code: string; sections: string[] }).sections;
    expect((asked.body.error?.details as { code: string }).code).toBe("placeholder_text");
    expect(sections).toEqual(expect.arrayContaining(["Summary", "Root Cause", "Trigger", "Lessons Learned › What went well"]));
    expect(asked.body.error?.message).toContain('"Root Cause"');
    expect(((await call("GET", path)).body.postmortem as Postmortem).status).toBe("in-review");
    expect(((await call("GET", `/api/v1/incidents/${incident.id}`)).body.incident as Incident).status).toBe("resolved");
    const published = await call("PATCH", path, { version: 3, status: "published", confirm: true }, "Grace");
    expect(published.status).toBe(200);
    // The published text's status line says what the page's header says: closed.
    expect((published.body.postmortem as Postmortem).body).toMatch(/^\| Status \| closed \|$/m);
    expect(published.body.postmortem).toMatchObject({ status: "published", publishedAt: ctx.clock.now(), updatedBy: "Grace" });
    expect((published.body.incident as Incident).status).toBe("closed");
    const detail = (await call("GET", `/api/v1/incidents/${incident.id}`)).body as { incident: Incident; timeline: { kind: string; body: string }[] };
    expect(detail.incident.status).toBe("closed");
    expect(detail.timeline.some((e) => e.kind === "status-change" && /postmortem published/.test(e.body))).toBe(true);
    expect((await call("PATCH", path, { version: 4, body: "rewrite history" })).status).toBe(409);
    expect((await call("PATCH", path, { version: 4, status: "draft" })).status).toBe(409);
  });

  it("will not publish the postmortem of an incident that is open again", async () => {
    const open = (await call("POST", "/api/v1/incidents", { title: "Reopened", severity: "SEV4", services: ["search"] })).body.incident as Incident;
    const resolved = (await call("PATCH", `/api/v1/incidents/${open.id}`, { version: open.version, status: "resolved" })).body.incident as Incident;
    const created = await call("POST", `/api/v1/incidents/${open.id}/postmortem`, { template: "short" });
    expect(created.status).toBe(201);
    await call("PATCH", `/api/v1/incidents/${open.id}`, { version: resolved.version, status: "investigating" });
    const r = await call("PATCH", `/api/v1/incidents/${open.id}/postmortem`, { version: 1, status: "published" });
    expect(r.status).toBe(409);
    expect(r.body.error?.message).toMatch(/resolve it before publishing/);
    expect(((await call("GET", `/api/v1/incidents/${open.id}/postmortem`)).body.postmortem as Postmortem).status).toBe("draft");
  });
});
