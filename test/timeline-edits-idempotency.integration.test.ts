import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKENDS, startTestServer, TestClient } from "./helpers";
import { runServerProcess } from "./support/server-process";
import { expectRouteShape } from "./support/contract";
import { demoConfig } from "../lib/config/demo";
import type { Incident, IncidentDetail, TimelineEntry } from "../lib/incidents/model";
import type { EntryRevision } from "../lib/incidents/contract";

type Res = { status: number; headers: Headers; body: Record<string, unknown> & { error?: { code: string; message: string; details?: { current?: TimelineEntry } } } };

const send = async (base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> => {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", "x-war-room-user": "Ada", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = { status: r.status, headers: r.headers, body: await r.json() };
  expectRouteShape(method, path, res.status, res.body);
  return res;
};

describe.each(BACKENDS)("timeline edits and Idempotency-Key on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => send(base, method, path, body, headers);
  beforeAll(async () => {
    ctx = await startTestServer({ databaseUrl });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(3);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  const declare = async () => {
    const r = await call("POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] });
    expect(r.status).toBe(201);
    return r.body.incident as Incident;
  };
  const timeline = async (id: string) => ((await call("GET", `/api/v1/incidents/${id}`)).body as unknown as IncidentDetail).timeline;
  const key = () => `"${crypto.randomUUID()}"`;

  it("the same Idempotency-Key twice writes one entry, and the second answer is the first", async () => {
    const i = await declare();
    const k = key();
    const note = { kind: "note", body: "Rolled back to 4.2.1", occurredAt: ctx.clock.now() };
    const first = await call("POST", `/api/v1/incidents/${i.id}/timeline`, note, { "idempotency-key": k });
    expect(first.status).toBe(201);
    ctx.clock.advance(5_000);
    // Same body with its keys in another order: the same request.
    const second = await call("POST", `/api/v1/incidents/${i.id}/timeline`, { occurredAt: note.occurredAt, body: note.body, kind: "note" }, { "idempotency-key": k });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const notes = (await timeline(i.id)).filter((e) => e.body === "Rolled back to 4.2.1");
    expect(notes).toHaveLength(1);
    expect(notes[0].id).toBe((first.body.entry as TimelineEntry).id);
  });

  it("the same key with another body is 422 and writes nothing; another user's same key is theirs", async () => {
    const i = await declare();
    const k = key();
    expect((await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "first" }, { "idempotency-key": k })).status).toBe(201);
    const reused = await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "second" }, { "idempotency-key": k });
    expect(reused.status).toBe(422);
    expect(reused.body.error?.code).toBe("unprocessable");
    const grace = await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "second" }, { "idempotency-key": k, "x-war-room-user": "Grace" });
    expect(grace.status).toBe(201);
    expect((await timeline(i.id)).filter((e) => e.kind === "note").map((e) => `${e.author}: ${e.body}`)).toEqual(["Ada: first", "Grace: second"]);
  });

  it("a bad key is 400; without a key every POST writes; a failed write leaves the key free", async () => {
    const i = await declare();
    expect((await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "x" }, { "idempotency-key": '"unterminated' })).status).toBe(400);
    expect((await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "x" }, { "idempotency-key": '""' })).status).toBe(400);
    const k = key();
    const early = await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "too early", occurredAt: i.startedAt - 60_000 }, { "idempotency-key": k });
    expect(early.status).toBe(400);
    // The refused request claimed nothing: the key is still usable for a (corrected) first request.
    expect((await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "on time" }, { "idempotency-key": k })).status).toBe(201);
    await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "twice" });
    await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "twice" });
    const bodies = (await timeline(i.id)).filter((e) => e.kind === "note").map((e) => e.body);
    expect(bodies).toEqual(["on time", "twice", "twice"]);
  });

  it("concurrent retries with one key write one entry", async () => {
    const i = await declare();
    const k = key();
    const rs = await Promise.all([1, 2, 3, 4].map(() => call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "racing" }, { "idempotency-key": k })));
    expect(rs.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(rs.map((r) => (r.body.entry as TimelineEntry).id)).size).toBe(1);
    expect((await timeline(i.id)).filter((e) => e.body === "racing")).toHaveLength(1);
  });

  it("an action item POSTed twice with one key is one item; the replay is the first answer", async () => {
    const i = await declare();
    const k = key();
    const item = { title: "Add a canary for checkout", type: "prevent" };
    const first = await call("POST", `/api/v1/incidents/${i.id}/action-items`, item, { "idempotency-key": k });
    expect(first.status).toBe(201);
    const again = await call("POST", `/api/v1/incidents/${i.id}/action-items`, item, { "idempotency-key": k });
    expect(again.body).toEqual(first.body);
    expect((await call("POST", `/api/v1/incidents/${i.id}/action-items`, { ...item, title: "other" }, { "idempotency-key": k })).status).toBe(422);
    const items = ((await call("GET", `/api/v1/incidents/${i.id}`)).body as unknown as IncidentDetail).actionItems;
    expect(items.map((a) => a.title)).toEqual(["Add a canary for checkout"]);
  });

  it("editing the body keeps a revision, marks the entry edited, and reaches a viewer live", async () => {
    const i = await declare();
    const created = (await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "DB failver started" })).body.entry as TimelineEntry;
    expect(created.edited).toBeUndefined();
    const viewer = new TestClient(ctx.wsUrl);
    await viewer.opened;
    await viewer.next((f) => f.type === "hello");
    viewer.send({ type: "subscribe", channel: `incident:${i.id}` });
    await viewer.next((f) => f.type === "snapshot");

    ctx.clock.advance(2_000);
    const edit = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${created.id}`, { version: created.version, body: "DB failover started" }, { "x-war-room-user": "Grace" });
    expect(edit.status).toBe(200);
    const edited = edit.body.entry as TimelineEntry;
    expect(edited).toMatchObject({ body: "DB failover started", author: "Ada", version: created.version + 1, edited: { by: "Grace", at: ctx.clock.now(), revisions: 1 } });

    const frame = await viewer.next((f) => f.type === "event" && f.event === "entry" && (f.data as { entry: TimelineEntry }).entry.id === created.id);
    expect((frame.data as { entry: TimelineEntry }).entry).toEqual(edited);
    await viewer.close();

    // A pin is not an edit of what the entry says: no revision.
    const pinned = (await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${created.id}`, { version: edited.version, pinned: true })).body.entry as TimelineEntry;
    ctx.clock.advance(1_000);
    const retimed = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${created.id}`, { version: pinned.version, occurredAt: created.occurredAt + 500 });
    expect(retimed.status).toBe(200);
    expect((retimed.body.entry as TimelineEntry).edited).toMatchObject({ by: "Ada", revisions: 2 });

    const history = await call("GET", `/api/v1/incidents/${i.id}/timeline/${created.id}/revisions`);
    expect(history.status).toBe(200);
    expect(history.body.entry).toEqual(retimed.body.entry);
    expect(history.body.revisions as EntryRevision[]).toEqual([
      { version: 1, body: "DB failver started", occurredAt: created.occurredAt, editedBy: "Grace", editedAt: edited.edited!.at },
      { version: 3, body: "DB failover started", occurredAt: created.occurredAt, editedBy: "Ada", editedAt: ctx.clock.now() },
    ]);
    // The detail read carries the same mark.
    expect((await timeline(i.id)).find((e) => e.id === created.id)?.edited).toEqual({ by: "Ada", at: ctx.clock.now(), revisions: 2 });
  });

  it("an edit of a stale version is 409 with the current entry, and changes nothing", async () => {
    const i = await declare();
    const created = (await call("POST", `/api/v1/incidents/${i.id}/timeline`, { kind: "note", body: "v1" })).body.entry as TimelineEntry;
    const mine = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${created.id}`, { version: created.version, body: "Ada's words" });
    expect(mine.status).toBe(200);
    const theirs = await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${created.id}`, { version: created.version, body: "Grace's words" }, { "x-war-room-user": "Grace" });
    expect(theirs.status).toBe(409);
    expect(theirs.body.error?.details?.current).toEqual(mine.body.entry);
    const history = await call("GET", `/api/v1/incidents/${i.id}/timeline/${created.id}/revisions`);
    expect((history.body.revisions as EntryRevision[]).map((r) => r.body)).toEqual(["v1"]);
    expect((await timeline(i.id)).find((e) => e.id === created.id)?.body).toBe("Ada's words");
  });

  it("system entries keep no body edit; an unknown entry's history is 404", async () => {
    const i = await declare();
    const system = (await timeline(i.id))[0];
    expect((await call("PATCH", `/api/v1/incidents/${i.id}/timeline/${system.id}`, { version: system.version, body: "rewritten" })).status).toBe(400);
    expect((await call("GET", `/api/v1/incidents/${i.id}/timeline/${system.id}/revisions`)).body.revisions).toEqual([]);
    expect((await call("GET", `/api/v1/incidents/${i.id}/timeline/nope/revisions`)).status).toBe(404);
  });
});

describe("Idempotency-Key durability", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "war-room-idem-durable-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const configFile = join(dataDir, "config.yaml");
  writeFileSync(configFile, JSON.stringify(demoConfig));

  it("a key acknowledged with 201 survives kill -9: the retry after the restart replays, nothing is written twice", { timeout: 60_000 }, async () => {
    const first = runServerProcess(dataDir, configFile);
    const base = await first.live;
    const incident = (await send(base, "POST", "/api/v1/incidents", { title: "Checkout down", severity: "SEV1", services: ["checkout"] })).body.incident as Incident;
    const k = `"${crypto.randomUUID()}"`;
    const note = { kind: "note", body: "Written during the outage" };
    const answered = await send(base, "POST", `/api/v1/incidents/${incident.id}/timeline`, note, { "idempotency-key": k });
    expect(answered.status).toBe(201);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServerProcess(dataDir, configFile);
    try {
      const again = await second.live;
      const retry = await send(again, "POST", `/api/v1/incidents/${incident.id}/timeline`, note, { "idempotency-key": k });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(answered.body);
      expect((await send(again, "POST", `/api/v1/incidents/${incident.id}/timeline`, { ...note, body: "other" }, { "idempotency-key": k })).status).toBe(422);
      const detail = (await send(again, "GET", `/api/v1/incidents/${incident.id}`, undefined)).body as unknown as IncidentDetail;
      expect(detail.timeline.filter((e) => e.body === note.body)).toHaveLength(1);
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
