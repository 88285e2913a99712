import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, startTestServer, TestClient, type Frame } from "./helpers";
import type { ActionItem, Incident, IncidentDetail, TimelineEntry } from "../lib/incidents/model";
import { expectRouteShape } from "./support/contract";

describe.each(BACKENDS)("incidents on $name", ({ databaseUrl }) => {
let ctx: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
beforeAll(async () => {
  ctx = await startTestServer({ databaseUrl });
  base = `http://127.0.0.1:${ctx.server.port}`;
  await ctx.tick(5);
});
afterAll(async () => {
  await ctx.dispose();
});

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: { current?: unknown } } } };

async function call(method: string, path: string, body?: unknown, user: string | null = "Ada"): Promise<Res> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (user) headers["x-war-room-user"] = user;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const res = { status: r.status, body: await r.json() };
  expectRouteShape(method, path, res.status, res.body);
  return res;
}

const declare = async (over: Record<string, unknown> = {}) => {
  const r = await call("POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"], ...over });
  expect(r.status).toBe(201);
  return r.body.incident as Incident;
};
const detail = async (id: string) => (await call("GET", `/api/v1/incidents/${id}`)).body as unknown as IncidentDetail;
const note = async (id: string, body: string) => {
  const r = await call("POST", `/api/v1/incidents/${id}/timeline`, { kind: "note", body });
  expect(r.status).toBe(201);
  return r.body.entry as TimelineEntry;
};

describe("incidents over HTTP", () => {
  it("declares an incident durably, numbered, with a system entry carrying the board's signals", async () => {
    const started = ctx.clock.now() - 120_000;
    const a = await declare({ startedAt: started, drill: true, summary: "5xx on **pay**" });
    const b = await declare({ severity: "SEV1", services: ["auth", "checkout"] });
    expect(b.number).toBe(a.number + 1);
    expect(a).toMatchObject({ status: "investigating", version: 1, createdBy: "Ada", startedAt: started, detectedAt: ctx.clock.now(), drill: true, roles: [] });
    const d = await detail(a.id);
    expect(d.incident).toEqual(a);
    expect(d.metrics).toEqual({ mttdMs: 120_000, mttaMs: null, mttrMs: null });
    expect(d.timeline).toHaveLength(1);
    expect(d.timeline[0]).toMatchObject({ kind: "status-change", source: "system", author: "Ada" });
    const latest = ctx.server.warRoom.history.latest("checkout")!;
    expect(d.timeline[0].snapshot).toEqual({ t: latest.t, services: { checkout: expect.objectContaining({ p99: expect.any(Number), saturationPct: expect.any(Number) }) } });
  });

  it("describes every incident path in the OpenAPI document", async () => {
    const doc = (await call("GET", "/api/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/incidents/{id}"]).sort()).toEqual(["get", "patch"]);
    expect(doc.paths["/api/v1/incidents/{id}/action-items/{aid}"]).toHaveProperty("patch");
  });

  it("lists newest first with filters", async () => {
    const sev4 = await declare({ severity: "SEV4", services: ["search"] });
    const list = async (q: string) => ((await call("GET", `/api/v1/incidents${q}`)).body.incidents as Incident[]).map((i) => i.id);
    expect((await list(""))[0]).toBe(sev4.id);
    expect(await list("?severity=SEV4&service=search")).toEqual([sev4.id]);
    expect(await list("?status=resolved&service=search")).toEqual([]);
    expect((await call("GET", "/api/v1/incidents?service=nope")).status).toBe(400);
    expect((await call("GET", "/api/v1/incidents?status=open")).status).toBe(400);
  });

  it("changes status, severity and roles in one write, each recorded on the timeline; MTTx follow", async () => {
    const i = await declare();
    await ctx.tick();
    const r = await call("PATCH", `/api/v1/incidents/${i.id}`, { version: 1, status: "identified", severity: "SEV1", roles: [{ role: "incident-commander", name: "Grace" }] }, "Grace");
    expect(r.status).toBe(200);
    const patched = r.body.incident as Incident;
    expect(patched).toMatchObject({ version: 2, status: "identified", severity: "SEV1", identifiedAt: ctx.clock.now(), acknowledgedAt: ctx.clock.now() });
    const resolved = (await call("PATCH", `/api/v1/incidents/${i.id}`, { version: 2, status: "resolved" })).body.incident as Incident;
    const d = await detail(i.id);
    expect(d.timeline.map((e) => [e.kind, e.body])).toEqual([
      ["status-change", "Declared SEV2: investigating"],
      ["status-change", "Status changed: investigating → identified"],
      ["severity-change", "Severity changed: SEV2 → SEV1"],
      ["role-change", "Incident commander: Grace"],
      ["status-change", "Status changed: identified → resolved"],
    ]);
    expect(d.timeline[1]).toMatchObject({ author: "Grace", source: "system" });
    expect(d.metrics).toEqual({ mttdMs: 0, mttaMs: ctx.server.warRoom.tickMs, mttrMs: resolved.resolvedAt! - i.startedAt });
    const reopened = await call("PATCH", `/api/v1/incidents/${i.id}`, { version: 3, status: "investigating" });
    expect(reopened.body.incident).toMatchObject({ status: "investigating", resolvedAt: null, version: 4 });
  });

  it("a stale version gets 409 with the current incident, and changes nothing", async () => {
    const i = await declare();
    expect((await call("PATCH", `/api/v1/incidents/${i.id}`, { version: 1, title: "Checkout down" })).status).toBe(200);
    const before = await detail(i.id);
    const r = await call("PATCH", `/api/v1/incidents/${i.id}`, { version: 1, status: "resolved", severity: "SEV4" });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "conflict", details: { current: before.incident } });
    expect(await detail(i.id)).toEqual(before);
  });

  it("two concurrent PATCHes of the same version: one 200, one 409, and the winner's change stands", async () => {
    const i = await declare();
    const [a, b] = await Promise.all([
      call("PATCH", `/api/v1/incidents/${i.id}`, { version: 1, severity: "SEV1" }),
      call("PATCH", `/api/v1/incidents/${i.id}`, { version: 1, severity: "SEV3" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = (a.status === 200 ? a : b).body.incident as Incident;
    expect((await detail(i.id)).incident).toEqual(winner);
  });

  it.each([
    ["unknown incident", 404, "PATCH", "/api/v1/incidents/00000000-0000-7000-8000-000000000000", { version: 1, title: "x" }],
    ["bad severity", 400, "PATCH", "/api/v1/incidents/:id", { version: 1, severity: "SEV0" }],
    ["backwards status", 400, "PATCH", "/api/v1/incidents/:id", { version: 1, status: "closed" }],
    ["empty title", 400, "PATCH", "/api/v1/incidents/:id", { version: 1, title: "  " }],
    ["body over 10 000 chars", 400, "POST", "/api/v1/incidents/:id/timeline", { kind: "note", body: "x".repeat(10_001) }],
    ["occurredAt before start", 400, "POST", "/api/v1/incidents/:id/timeline", { kind: "note", body: "x", occurredAt: 1 }],
    ["occurredAt far ahead", 400, "POST", "/api/v1/incidents/:id/timeline", { kind: "note", body: "x", occurredAt: 9e12 }],
    ["unknown entry kind", 400, "POST", "/api/v1/incidents/:id/timeline", { kind: "gossip", body: "x" }],
    ["system entry kind", 400, "POST", "/api/v1/incidents/:id/timeline", { kind: "status-change", body: "x" }],
    ["entry on unknown incident", 404, "POST", "/api/v1/incidents/nope/timeline", { kind: "note", body: "x" }],
    ["unknown entry", 404, "PATCH", "/api/v1/incidents/:id/timeline/nope", { version: 1, pinned: true }],
    ["bad ticket URL", 400, "POST", "/api/v1/incidents/:id/action-items", { title: "x", type: "detect", ticketUrl: "ftp://x" }],
    ["unknown item", 404, "PATCH", "/api/v1/incidents/:id/action-items/nope", { version: 1, status: "done" }],
    ["not JSON", 400, "POST", "/api/v1/incidents/:id/timeline", "{nope"],
  ])("%s → %i and nothing written", async (_name, status, method, path, body) => {
    const i = await declare();
    const before = await detail(i.id);
    const r = await call(method, path.replace(":id", i.id), body);
    expect(r.status).toBe(status);
    expect(r.body.error?.message).toEqual(expect.any(String));
    expect(await detail(i.id)).toEqual(before);
  });

  it.each([
    ["bad severity", { title: "x", severity: "SEV9", services: ["checkout"] }, /severity must be one of/],
    ["unknown service", { title: "x", severity: "SEV2", services: ["checkout", "nope"] }, /unknown service "nope"/],
    ["empty title", { title: "", severity: "SEV2", services: ["checkout"] }, /title must not be empty/],
    ["no services", { title: "x", severity: "SEV2", services: [] }, /at least one affected service/],
  ])("declaring with %s → 400 and no incident", async (_name, body, message) => {
    const count = async () => ((await call("GET", "/api/v1/incidents?limit=500")).body.incidents as Incident[]).length;
    const before = await count();
    const r = await call("POST", "/api/v1/incidents", body);
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it("adds, edits and pins entries with version checks; the first human entry acknowledges", async () => {
    const i = await declare();
    await ctx.tick();
    const e = await note(i.id, "Rolled back v42");
    expect(e).toMatchObject({ kind: "note", author: "Ada", source: "user", version: 1, recordedAt: ctx.clock.now() });
    expect((await detail(i.id)).incident).toMatchObject({ acknowledgedAt: ctx.clock.now(), version: 2 });
    const edited = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${e.id}`, { version: 1, body: "Rolled back v42 (all regions)", pinned: true, occurredAt: i.startedAt });
    expect(edited.body.entry).toMatchObject({ version: 2, pinned: true, occurredAt: i.startedAt });
    const stale = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${e.id}`, { version: 1, body: "mine" });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.details?.current).toEqual(edited.body.entry);
    const system = (await detail(i.id)).timeline.find((x) => x.source === "system")!;
    expect((await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${system.id}`, { version: 1, body: "rewritten history" })).status).toBe(400);
    expect((await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${system.id}`, { version: 1, pinned: true })).status).toBe(200);
    const scripted = await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "action", body: "scaled up" }, null);
    expect(scripted.body.entry).toMatchObject({ author: "anonymous", source: "api" });
  });

  it("creates and updates action items with version checks", async () => {
    const i = await declare();
    const r = await call("POST", `/api/v1/incidents/${i.id}/action-items`, { title: "Alert on pool saturation", type: "detect", dueAt: ctx.clock.now() + 86_400_000, ticketUrl: "https://tickets.example/WR-1" });
    expect(r.status).toBe(201);
    const item = r.body.item as ActionItem;
    expect(item).toMatchObject({ status: "open", priority: "P3", owner: "", createdBy: "Ada", version: 1 });
    const done = await call("PATCH", `/api/v1/incidents/${i.id}/action-items/${item.id}`, { version: 1, status: "done", owner: "Grace" });
    expect(done.body.item).toMatchObject({ status: "done", owner: "Grace", version: 2 });
    const stale = await call("PATCH", `/api/v1/incidents/${i.id}/action-items/${item.id}`, { version: 1, status: "wont-do" });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.details?.current).toEqual(done.body.item);
    expect((await detail(i.id)).actionItems).toEqual([done.body.item]);
  });
});

async function client(name?: string) {
  const c = new TestClient(ctx.wsUrl);
  await c.opened;
  await c.next((f) => f.type === "hello");
  if (name) c.send({ type: "identify", name });
  return c;
}
const entryEvents = (c: TestClient, channel: string) => c.events(channel).filter((f) => f.event === "entry").map((f) => (f.data as { entry: TimelineEntry }).entry);

describe("incidents live", () => {
  it("streams entries in order; a client that reconnects with its cursor gets exactly the ones it missed", async () => {
    const i = await declare();
    const channel = `incident:${i.id}`;
    const a = await client();
    a.send({ type: "subscribe", channel });
    const snap = await a.next((f) => f.type === "snapshot");
    expect((snap.data as IncidentDetail).timeline).toHaveLength(1);
    const first = [await note(i.id, "one"), await note(i.id, "two")];
    await a.next((f) => f.type === "event" && f.event === "entry" && (f.data as { entry: TimelineEntry }).entry.id === first[1].id);
    expect(entryEvents(a, channel).map((e) => e.body)).toEqual(["one", "two"]);
    const last = a.frames.filter((f) => f.channel === channel && f.type === "event").at(-1)!;
    await a.close();

    const missed = [await note(i.id, "three"), await note(i.id, "four"), await note(i.id, "five")];
    const b = await client();
    b.send({ type: "subscribe", channel, since: { epoch: last.epoch, seq: last.seq } });
    const resumed = await b.next((f) => f.type === "resumed");
    // Its own return is announced (viewers) after `resumed`; the replay is everything before.
    const replayed = b.frames.slice(0, b.frames.indexOf(resumed)).filter((f) => f.type === "event" && f.channel === channel);
    expect(b.frames.some((f) => f.type === "snapshot")).toBe(false);
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: resumed.replayed as number }, (_, k) => (last.seq as number) + 1 + k));
    expect(replayed.filter((f) => f.event === "entry").map((f) => (f.data as { entry: TimelineEntry }).entry.id)).toEqual(missed.map((e) => e.id));
    expect(entryEvents(b, channel)).toHaveLength(3);
    await b.close();
  });

  it("lists the viewers of an incident by the names they identified with", async () => {
    const i = await declare();
    const channel = `incident:${i.id}`;
    const ada = await client("Ada");
    const grace = await client("Grace Hopper");
    ada.send({ type: "subscribe", channel });
    await ada.next((f) => f.type === "snapshot");
    grace.send({ type: "subscribe", channel });
    const names = (f: Frame) => ((f.data as { viewers: { name: string }[] }).viewers ?? []).map((v) => v.name).sort();
    const both = await ada.next((f) => f.type === "event" && f.event === "viewers" && names(f).length === 2);
    expect(names(both)).toEqual(["Ada", "Grace Hopper"]);
    await grace.close();
    const alone = await ada.next((f) => f.type === "event" && f.event === "viewers" && names(f).length === 1);
    expect(names(alone)).toEqual(["Ada"]);
    ada.send({ type: "identify", name: "x".repeat(101) });
    expect(await ada.next((f) => f.type === "error")).toMatchObject({ code: "bad_message" });
    await ada.close();
  });

  it("the incidents channel lists open incidents and upserts every change", async () => {
    const c = await client();
    c.send({ type: "subscribe", channel: "incidents" });
    const snap = await c.next((f) => f.type === "snapshot");
    const data = snap.data as { incidents: Incident[]; active: number; lastStartedAt: number | null };
    expect(data.active).toBe(data.incidents.filter((x) => x.status !== "resolved" && x.status !== "closed").length);
    const i = await declare({ title: "Search slow", services: ["search"] });
    const up = await c.next((f) => f.type === "event" && f.event === "upsert" && (f.data as { incident: Incident }).incident.id === i.id);
    expect(up.seq).toBe((snap.seq as number) + 1);
    await c.close();
    const unknown = await client();
    unknown.send({ type: "subscribe", channel: "incident:nope" });
    expect(await unknown.next((f) => f.type === "error")).toMatchObject({ code: "unknown_channel" });
    await unknown.close();
  });

  it("records alerts firing on a service an open incident lists", async () => {
    const i = await declare({ services: ["payments"] });
    const drill = await call("POST", "/api/v1/drills", { kind: "errors", target: "payments", durationSeconds: 600, magnitude: 40 });
    expect(drill.status).toBe(201);
    let fired: TimelineEntry | undefined;
    for (let n = 0; n < 300 && !fired; n++) {
      await ctx.tick();
      if (ctx.server.warRoom.alertChannel.snapshot().alerts.some((a) => a.service === "payments" && a.state === "firing")) {
        fired = (await detail(i.id)).timeline.find((e) => e.kind === "alert-fired");
      }
    }
    expect(fired).toMatchObject({ source: "alert", body: expect.stringContaining("payments") });
  });
});
});
