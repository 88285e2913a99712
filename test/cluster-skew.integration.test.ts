import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { call, LEASE, until, type Server } from "./support/instances";
import { startTestServer, TestClient, type Frame } from "./helpers";
import type { Incident, TimelineEntry } from "../lib/incidents/model";
import type { IncidentLive } from "../lib/incidents/live";
import { applyIncidentEvent, detailFromSnapshot } from "../components/incidents/model";

/**
 * Clock skew between instances (issue #13, "Bad input and faults"): two instances on one
 * PostgreSQL schema and one Redis prefix whose clocks are 4 s apart (A +2 s, B −2 s). Entries
 * written one after the other, alternately through A and B, are listed in the order they were
 * written — by the API, by a fresh `incident:<id>` snapshot on either instance, and by a live
 * viewer merging events as the browser does (components/incidents/model.ts) — while an entry the
 * user back-dated stays at its time (docs/incidents-contract.md, "Order").
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const REAL = Date.UTC(2026, 10, 23, 12, 0, 0);
const SKEW_MS = 2_000;
const STEP_MS = 100;




/** Every client opened, closed in afterAll even when a test fails half-way. */
const clients: TestClient[] = [];

async function subscribed(s: Server, channel: string) {
  const c = new TestClient(s.wsUrl);
  clients.push(c);
  await c.opened;
  c.send({ type: "subscribe", channel });
  await c.next((f) => f.type === "snapshot" && f.channel === channel);
  return c;
}

const snapshotOf = (c: TestClient) => c.frames.find((f) => f.type === "snapshot")!.data as { timeline: TimelineEntry[] };

/** What a browser viewing the incident shows: its snapshot with every later event merged in. */
function merged(c: TestClient, channel: string) {
  let d = detailFromSnapshot(snapshotOf(c));
  for (const f of c.frames) if (f.type === "event" && f.channel === channel) d = applyIncidentEvent(d!, f.event as string, f.data);
  return d!.timeline;
}

describe.skipIf(!DATABASE_URL || !REDIS_URL)("clock skew of ±2 s between instances (PostgreSQL + Redis)", () => {
  const prefix = `wr-it-skew-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let a: Server;
  let b: Server;
  let redis: Redis;
  const env = (id: string) => ({ REDIS_URL: REDIS_URL!, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: id });
  /** Real time passes for both instances alike; each reads it through its own skewed clock. */
  const elapse = (ms: number) => {
    a.clock.advance(ms);
    b.clock.advance(ms);
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: env("a"), lease: LEASE, startAt: REAL + SKEW_MS });
    b = await startTestServer({ databaseUrl: DATABASE_URL, pgSchema: a.pgSchema, env: env("b"), lease: LEASE, startAt: REAL - SKEW_MS });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await b?.dispose();
    await a?.dispose();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("lists entries written alternately through the fast and the slow instance in the order they were written", async () => {
    const declared = await call(b, "POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const incident = declared.body.incident as Incident;
    const channel = `incident:${incident.id}`;
    const viewers = [await subscribed(a, channel), await subscribed(b, channel)];
    elapse(STEP_MS);

    // Written one after the other, STEP_MS apart in real time: notes alternately through A and B,
    // a status change through B, and one note through A back-dated by the user to 1 s before REAL.
    const order: string[] = [];
    let version = incident.version;
    let backdated = "";
    for (let k = 0; k < 6; k++) {
      const via = k % 2 === 0 ? a : b;
      const r = await call(via, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: `note ${k + 1} via ${via === a ? "a" : "b"}` });
      expect(r.status).toBe(201);
      order.push((r.body.entry as TimelineEntry).id);
      elapse(STEP_MS);
      if (k === 2) {
        const current = (await call(b, "GET", `/api/v1/incidents/${incident.id}`)).body.incident as Incident;
        version = current.version;
        const p = await call(b, "PATCH", `/api/v1/incidents/${incident.id}`, { version, status: "identified" });
        expect(p.status).toBe(200);
        elapse(STEP_MS);
        const bd = await call(a, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "decision", body: "rolled back (back-dated)", occurredAt: REAL - 1_000 });
        expect(bd.status).toBe(201);
        backdated = (bd.body.entry as TimelineEntry).id;
        elapse(STEP_MS);
      }
    }

    const detail = (await call(b, "GET", `/api/v1/incidents/${incident.id}`)).body as { timeline: TimelineEntry[] };
    const statusChange = detail.timeline.find((e) => e.kind === "status-change" && e.body.includes("identified"))!;
    const declaredEntry = detail.timeline.find((e) => e.kind === "status-change" && e.body.startsWith("Declared"))!;
    // Declared (REAL − 2 s on B), the back-dated decision at REAL − 1 s, then everything in write order.
    const expected = [declaredEntry.id, backdated, ...order.slice(0, 3), statusChange.id, ...order.slice(3)];
    expect(detail.timeline.map((e) => e.id)).toEqual(expected);
    expect((await call(a, "GET", `/api/v1/incidents/${incident.id}`)).body.timeline).toEqual(detail.timeline);
    // The store numbered them in write order, and times never run backwards along the timeline.
    const written = detail.timeline.filter((e) => e.id !== backdated);
    expect(written.map((e) => e.seq)).toEqual([...written.map((e) => e.seq)].sort((x, y) => x - y));
    expect(written.map((e) => e.occurredAt)).toEqual([...written.map((e) => e.occurredAt)].sort((x, y) => x - y));
    expect(detail.timeline.find((e) => e.id === backdated)!.occurredAt).toBe(REAL - 1_000);

    // Live viewers on both instances merge the events into the same order.
    const last = order[order.length - 1];
    for (const v of viewers) {
      await v.next((f: Frame) => f.type === "event" && (f.data as { entry?: TimelineEntry }).entry?.id === last);
      expect(merged(v, channel).map((e) => e.id)).toEqual(expected);
    }
    // A fresh snapshot on A, from the state A kept live; then on B, read again from the store
    // once B has forgotten the channel (as it does for incidents nobody watches, lib/server/root.ts).
    const freshA = await subscribed(a, channel);
    expect(snapshotOf(freshA).timeline.map((e) => e.id)).toEqual(expected);
    await Promise.all([...viewers, freshA].map((v) => v.close()));
    const liveB = b.server.warRoom.incidents.events as IncidentLive;
    await until("b to forget the channel", () => liveB.evictIdle(0) === 1);
    const freshB = await subscribed(b, channel);
    expect(snapshotOf(freshB).timeline.map((e) => e.id)).toEqual(expected);
    await freshB.close();
  });

  it("an incident declared through the fast instance takes a note and an untick through the slow one right after", async () => {
    const declared = await call(a, "POST", "/api/v1/incidents", { title: "Latency up", severity: "SEV3", services: ["checkout"] });
    const incident = declared.body.incident as Incident;
    elapse(STEP_MS);
    // On B's clock the incident starts 3.9 s from now; a note written now is still not "before it started".
    const note = await call(b, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "on it" });
    expect(note.status).toBe(201);
    elapse(STEP_MS);
    const path = `/api/v1/incidents/${incident.id}/runbook-steps`;
    expect((await call(a, "POST", path, { runbook: "high-latency", index: 1, checked: true })).status).toBe(201);
    elapse(STEP_MS);
    expect((await call(b, "POST", path, { runbook: "high-latency", index: 1, checked: false })).status).toBe(201);
    // The untick came last, so the step is unticked, whichever instance is asked.
    for (const s of [a, b]) {
      const checks = (await call(s, "GET", `${path}?runbook=high-latency`)).body.checks as { index: number; checked: boolean }[];
      expect(checks[1].checked).toBe(false);
    }
    const timeline = (await call(b, "GET", `/api/v1/incidents/${incident.id}`)).body.timeline as TimelineEntry[];
    expect(timeline.map((e) => e.kind)).toEqual(["status-change", "note", "runbook-step", "runbook-step"]);
    expect(timeline[3].body).toMatch(/^☐ Unticked/);
  });
});
