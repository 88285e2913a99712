import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKENDS, startTestServer, TestClient } from "./helpers";
import type { Incident, TimelineEntry } from "../lib/incidents/model";
import type { Runbook, RunbookSummary, SearchHit } from "../lib/runbooks/model";
import { expectRouteShape } from "./support/contract";

let ctx: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
let runbooksDir: string;
beforeAll(async () => {
  runbooksDir = mkdtempSync(join(tmpdir(), "war-room-runbooks-"));
  cpSync(join(import.meta.dirname, "../runbooks"), runbooksDir, { recursive: true });
  ctx = await startTestServer({ runbooksDir });
  base = `http://127.0.0.1:${ctx.server.port}`;
  await ctx.tick(2);
});
afterAll(async () => {
  await ctx.dispose();
  rmSync(runbooksDir, { recursive: true, force: true });
});

const callOn = (method: string, path: string, body: unknown, on: string) => call(method, path, body, on);

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } };
async function call(method: string, path: string, body?: unknown, on = base): Promise<Res> {
  const headers: Record<string, string> = { "content-type": "application/json", "x-war-room-user": "Ada" };
  const r = await fetch(on + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const res = { status: r.status, body: await r.json() };
  expectRouteShape(method, path, res.status, res.body);
  return res;
}

describe("runbooks over HTTP", () => {
  it("lists every runbook by title with stale flags", async () => {
    const r = await call("GET", "/api/v1/runbooks");
    expect(r.status).toBe(200);
    const list = r.body.runbooks as RunbookSummary[];
    expect(list.map((s) => s.title)).toEqual([...list.map((s) => s.title)].sort((a, b) => a.localeCompare(b)));
    expect(list.find((s) => s.slug === "search/slow-queries")).toMatchObject({ stale: true, lastReviewed: "2026-05-14" });
    expect(list.find((s) => s.slug === "high-latency")).toMatchObject({ stale: false, alerts: ["HighLatencyP99"], steps: expect.any(Number) });
    expect(r.body.invalid).toEqual([]);
  });

  it("searches with any query and answers 200", async () => {
    const hits = (await call("GET", "/api/v1/runbooks?q=latncy")).body.hits as SearchHit[];
    expect(hits[0].slug).toBe("high-latency");
    for (const q of ["", "x".repeat(10_000), ".*[(", "🔥", "%", "\\"]) {
      const r = await call("GET", `/api/v1/runbooks?q=${encodeURIComponent(q)}`);
      expect(r.status, q.slice(0, 20)).toBe(200);
      expect(Array.isArray(r.body.hits)).toBe(true);
      expect((r.body.query as string).length).toBeLessThanOrEqual(200);
    }
  });

  it("filters by service and by alert (burn alerts by SLO id)", async () => {
    const bySvc = (await call("GET", "/api/v1/runbooks?service=payments")).body.runbooks as RunbookSummary[];
    expect(bySvc.map((s) => s.slug)).toContain("payments/card-authorization-failures");
    expect(bySvc.every((s) => s.services.includes("payments"))).toBe(true);
    const byAlert = (await call("GET", "/api/v1/runbooks?alert=CpuSaturated")).body.runbooks as RunbookSummary[];
    expect(byAlert.map((s) => s.slug)).toEqual(["cpu-saturation"]);
    const burn = (await call("GET", `/api/v1/runbooks?alert=${encodeURIComponent("ErrorBudgetBurn:search-latency:page-1h-5m")}`)).body.runbooks as RunbookSummary[];
    expect(burn.map((s) => s.slug).sort()).toEqual(["error-budget-burn", "search/slow-queries"]);
    expect((await call("GET", "/api/v1/runbooks?bogus=1")).status).toBe(400);
  });

  it("gets one runbook by its nested slug, 404 otherwise", async () => {
    const r = await call("GET", "/api/v1/runbooks/checkout/payment-provider-degraded");
    expect(r.status).toBe(200);
    const rb = r.body.runbook as Runbook;
    expect(rb).toMatchObject({ slug: "checkout/payment-provider-degraded", services: ["checkout", "payments"] });
    expect(rb.toc.map((t) => t.id)).toContain("mitigation");
    expect(rb.checklist[0]).toEqual({ index: 0, text: "Confirm the errors come from the PSP:" });
    expect(rb.markdown.startsWith("---")).toBe(false);
    expect((await call("GET", "/api/v1/runbooks/checkout/nope")).status).toBe(404);
  });
});

describe.each(BACKENDS)("runbook steps during an incident on $name", ({ databaseUrl }) => {
  // Each backend gets a server of its own; check state is stored, so Postgres must behave the same.
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let on: string;
  const call = (method: string, path: string, body?: unknown) => callOn(method, path, body, on);
  beforeAll(async () => {
    ctx = await startTestServer({ runbooksDir, databaseUrl });
    on = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(2);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  it("ticks a step: check + timeline entry, live on incident:<id>; unticks; rejects bad input", async () => {
    const incident = (await call("POST", "/api/v1/incidents", { title: "Checkout slow", severity: "SEV2", services: ["checkout"] })).body.incident as Incident;
    const c = new TestClient(ctx.wsUrl);
    await c.opened;
    await c.next((f) => f.type === "hello");
    const channel = `incident:${incident.id}`;
    c.send({ type: "subscribe", channel });
    await c.next((f) => f.type === "snapshot" && f.channel === channel);

    const path = `/api/v1/incidents/${incident.id}/runbook-steps`;
    const tick = await call("POST", path, { runbook: "high-latency", index: 1, checked: true });
    expect(tick.status).toBe(201);
    const entry = tick.body.entry as TimelineEntry;
    expect(entry).toMatchObject({ kind: "runbook-step", author: "Ada", source: "user" });
    expect(entry.body).toBe("☑ Check for a deploy or config change in the last hour: — [high-latency](/runbooks/high-latency)");
    expect(tick.body.check).toEqual({ runbook: "high-latency", index: 1, checked: true, by: "Ada", at: ctx.clock.now() });

    const live = await c.next((f) => f.type === "event" && f.event === "entry" && (f.data as { entry: TimelineEntry }).entry.id === entry.id);
    expect((live.data as { entry: TimelineEntry }).entry.kind).toBe("runbook-step");
    const ev = await c.next((f) => f.type === "event" && f.event === "runbook-check");
    expect(ev.data).toEqual({ runbook: "high-latency", index: 1, checked: true, by: "Ada", at: ctx.clock.now() });

    let checks = (await call("GET", `${path}?runbook=high-latency`)).body.checks as { index: number; checked: boolean; by: string | null }[];
    expect(checks.filter((s) => s.checked).map((s) => s.index)).toEqual([1]);
    expect(checks[1]).toMatchObject({ checked: true, by: "Ada" });
    expect(checks[0]).toMatchObject({ checked: false, by: null, at: null });

    await ctx.tick();
    const untick = await call("POST", path, { runbook: "high-latency", index: 1, checked: false });
    expect(untick.status).toBe(201);
    expect((untick.body.entry as TimelineEntry).body).toMatch(/^☐ Unticked Check for a deploy/);
    checks = (await call("GET", `${path}?runbook=high-latency`)).body.checks as typeof checks;
    expect(checks.some((s) => s.checked)).toBe(false);

    const timeline = ((await call("GET", `/api/v1/incidents/${incident.id}`)).body.timeline as TimelineEntry[]).filter((e) => e.kind === "runbook-step");
    expect(timeline).toHaveLength(2);

    expect((await call("POST", path, { runbook: "high-latency", index: 999, checked: true })).status).toBe(400);
    expect((await call("POST", path, { runbook: "high-latency", index: -1, checked: true })).status).toBe(400);
    expect((await call("POST", path, { runbook: "high-latency", index: "1", checked: true })).status).toBe(400);
    expect((await call("POST", path, { runbook: "no/such-runbook", index: 0, checked: true })).status).toBe(404);
    expect((await call("GET", `${path}?runbook=no/such-runbook`)).status).toBe(404);
    expect((await call("GET", path)).status).toBe(400);
    expect((await call("POST", "/api/v1/incidents/nope/runbook-steps", { runbook: "high-latency", index: 0, checked: true })).status).toBe(404);
    await c.close();
  });

  it("refuses ticks on a resolved incident (409)", async () => {
    const incident = (await call("POST", "/api/v1/incidents", { title: "Done", severity: "SEV4", services: ["search"] })).body.incident as Incident;
    const resolved = await call("PATCH", `/api/v1/incidents/${incident.id}`, { version: incident.version, status: "resolved" });
    expect(resolved.status).toBe(200);
    expect((await call("POST", `/api/v1/incidents/${incident.id}/runbook-steps`, { runbook: "high-latency", index: 0, checked: true })).status).toBe(409);
  });
});

describe("runbook OpenAPI", () => {
  it("describes the runbook paths in the OpenAPI document", async () => {
    const doc = (await call("GET", "/api/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/incidents/{id}/runbook-steps"]).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/api/v1/runbooks/{slug}"]).toHaveProperty("get");
  });
});
