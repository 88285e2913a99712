import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { call, clusterEnv, health, LEASE, subscribed, until, type Server } from "./support/instances";
import { startTestServer, type Frame } from "./helpers";
import type { Incident, TimelineEntry } from "../lib/incidents/model";

/**
 * Several instances in one test process (lib/cluster): two servers on one PostgreSQL schema and
 * one Redis prefix. The failover test with real processes behind HAProxy is
 * test/cluster-failover.integration.test.ts.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;






describe.skipIf(!DATABASE_URL || !REDIS_URL)("several instances (PostgreSQL + Redis)", () => {
  const prefix = `wr-it-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let a: Server;
  let b: Server;
  let redis: Redis;
  let pgSchema: string;
  const env = (id: string) => clusterEnv(prefix, id);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: env("a"), lease: LEASE });
    pgSchema = a.pgSchema!;
    b = await startTestServer({ databaseUrl: DATABASE_URL, pgSchema, env: env("b"), lease: LEASE, startAt: a.clock.now() });
    await a.tick(3);
  }, 30_000);

  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("elects exactly one leader; /health on both says who", async () => {
    const [ha, hb] = await Promise.all([health(a), health(b)]);
    expect(ha.cluster).toMatchObject({ mode: "cluster", role: "leader", leader: "a" });
    expect(hb.cluster).toMatchObject({ mode: "cluster", role: "follower", leader: "a", term: ha.cluster.term });
    expect(hb.checks.broker).toMatchObject({ ok: true, kind: "redis" });
    // The same for a scraper: /metrics on each instance.
    const metric = async (s: Server, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(await (await fetch(`http://127.0.0.1:${s.server.port}/metrics`)).text())?.[1]);
    expect([await metric(a, "warroom_cluster_leader"), await metric(b, "warroom_cluster_leader")]).toEqual([1, 0]);
    expect(await metric(b, "warroom_broker_up")).toBe(1);
    expect(await metric(b, "warroom_cluster_lease_term")).toBe(ha.cluster.term);
  });

  it("a follower's viewers get the leader's board ticks with the same epoch and seq", async () => {
    const onA = await subscribed(a, "board");
    const onB = await subscribed(b, "board");
    const from = { a: onA.frames.length, b: onB.frames.length };
    await a.tick();
    const [ea, eb] = await Promise.all([
      onA.next((f) => f.type === "event" && f.event === "tick", from.a),
      onB.next((f) => f.type === "event" && f.event === "tick", from.b),
    ]);
    expect(eb).toEqual(ea);
    // The follower's own state moved too: its snapshot has the point the leader sampled.
    expect(b.server.warRoom.board.boardSnapshot().latest).toEqual(a.server.warRoom.board.boardSnapshot().latest);
    expect(b.server.warRoom.history.latest("checkout")?.t).toBe((ea.data as { t: number }).t);
    await Promise.all([onA.close(), onB.close()]);
  });

  it("a follower samples nothing itself: its tick job leaves the work to the leader", async () => {
    const before = b.server.warRoom.jobs.tick.last!;
    await b.server.warRoom.jobs.tick.run(before + 10_000);
    expect(b.server.warRoom.jobs.tick.last).toBe(before);
  });

  it("an edit through one instance reaches a viewer on the other, and resumes exactly on either", async () => {
    const declared = await call(b, "POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const incident = declared.body.incident as Incident;
    const onA = await subscribed(a, `incident:${incident.id}`);
    const onB = await subscribed(b, `incident:${incident.id}`);
    const snapA = onA.frames.find((f) => f.type === "snapshot")!;

    const n1 = await call(b, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "written on b" });
    expect(n1.status).toBe(201);
    const entry = n1.body.entry as TimelineEntry;
    const seen = await onA.next((f) => f.type === "event" && f.event === "entry");
    expect((seen.data as { entry: TimelineEntry }).entry.id).toBe(entry.id);
    expect(seen.epoch).toBe(snapA.epoch);
    // Every event since the snapshot (presence too) came in order, none skipped.
    const seqs = onA.frames.filter((f) => f.type === "event").map((f) => f.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => (snapA.seq as number) + 1 + i));

    // The viewer on a leaves; two more entries are written (one on each instance); it comes back on b.
    const cursor = { epoch: seen.epoch as string, seq: seen.seq as number };
    await onA.close();
    const n2 = await call(a, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "written on a" });
    const n3 = await call(b, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "again on b" });
    expect([n2.status, n3.status]).toEqual([201, 201]);
    await onB.next((f) => f.type === "event" && f.event === "entry" && (f.data as { entry: TimelineEntry }).entry.id === (n3.body.entry as TimelineEntry).id);
    const back = await subscribed(b, `incident:${incident.id}`, cursor);
    const resumed = back.frames.find((f) => f.type === "resumed")!;
    const replayedFrames = back.frames.filter((f) => f.type === "event");
    expect(resumed).toMatchObject({ epoch: cursor.epoch, replayed: replayedFrames.length });
    expect(replayedFrames.map((f) => f.seq)).toEqual(replayedFrames.map((_, i) => cursor.seq + 1 + i));
    const replayed = replayedFrames.filter((f) => f.event === "entry").map((f) => (f.data as { entry: TimelineEntry }).entry.id);
    expect(replayed).toEqual([(n2.body.entry as TimelineEntry).id, (n3.body.entry as TimelineEntry).id]);
    expect(back.frames.some((f) => f.type === "snapshot")).toBe(false);
    await Promise.all([back.close(), onB.close()]);
  });

  it("a cursor older than this instance saw is resumed from the broker's history", async () => {
    const declared = await call(a, "POST", "/api/v1/incidents", { title: "Search slow", severity: "SEV3", services: ["search"] });
    const incident = declared.body.incident as Incident;
    const onA = await subscribed(a, `incident:${incident.id}`);
    const snap = onA.frames.find((f) => f.type === "snapshot")!;
    const ids: string[] = [];
    for (const body of ["one", "two", "three"]) ids.push(((await call(a, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body })).body.entry as TimelineEntry).id);
    await onA.next((f) => f.type === "event" && (f.data as { entry?: TimelineEntry }).entry?.id === ids[2]);
    // b never loaded this incident before: what it replays comes from Redis.
    const onB = await subscribed(b, `incident:${incident.id}`, { epoch: snap.epoch as string, seq: snap.seq as number });
    const replayedFrames = onB.frames.filter((f) => f.type === "event");
    expect(onB.frames.find((f) => f.type === "resumed")).toMatchObject({ replayed: replayedFrames.length });
    expect(replayedFrames.filter((f) => f.event === "entry").map((f) => (f.data as { entry: TimelineEntry }).entry.id)).toEqual(ids);
    await Promise.all([onA.close(), onB.close()]);
  });

  it("the incidents list and alerts on a follower follow what the leader and other instances did", async () => {
    const list = await subscribed(a, "incidents");
    const declared = await call(b, "POST", "/api/v1/incidents", { title: "Payments down", severity: "SEV1", services: ["payments"] });
    const id = (declared.body.incident as Incident).id;
    const up = await list.next((f: Frame) => f.type === "event" && (f.data as { incident: Incident }).incident.id === id);
    expect(up.event).toBe("upsert");
    // a's own state took it in: a new viewer's snapshot lists it.
    expect(a.server.warRoom.incidents.events).toBeDefined();
    const fresh = await subscribed(a, "incidents");
    const snap = fresh.frames.find((f) => f.type === "snapshot")!;
    expect((snap.data as { incidents: Incident[] }).incidents.map((i) => i.id)).toContain(id);
    await Promise.all([list.close(), fresh.close()]);
  });

  it("ignores bus messages that do not parse or come from a replaced leader", async () => {
    await redis.publish(`${prefix}:bus`, "garbage");
    await redis.publish(`${prefix}:bus`, "F\nx\nboard\ntick\nE\nnot-a-number\n{}");
    await redis.publish(`${prefix}:bus`, `M\nzombie\ntick\n${JSON.stringify({ term: 0, leader: "zombie", t: a.clock.now() + 60_000, values: {} })}`);
    await redis.publish(`${prefix}:bus`, "M\nzombie\ntick\n{not json");
    // The current term but a time ten years ahead, and values that are not signal values.
    const term = (await health(a)).cluster.term;
    await redis.publish(`${prefix}:bus`, `M\nforger\ntick\n${JSON.stringify({ term, leader: "a", t: a.clock.now() + 10 * 365 * 86_400_000, values: {} })}`);
    await redis.publish(`${prefix}:bus`, `M\nforger\ntick\n${JSON.stringify({ term, leader: "a", t: a.clock.now() + 500, values: { checkout: 7, nowhere: {} } })}`);
    // An incidents event whose data is not an incident, and a bus frame for it.
    await redis.publish(`${prefix}:bus`, 'F\nforger\nincidents\nupsert\nE\n1\n{"type":"event","data":null}');
    await a.tick();
    const hb = await health(b);
    expect(hb.cluster).toMatchObject({ role: "follower", leader: "a" });
    // The zombie's tick (an older term) was not applied: b's newest tick is the leader's.
    expect(b.server.warRoom.jobs.tick.last).toBe(a.server.warRoom.jobs.tick.last);
  });

  it("when the leader stops, the other instance takes over within a lease renewal and ticks", async () => {
    const onB = await subscribed(b, "board");
    const term = (await health(a)).cluster.term!;
    const stopped = Date.now();
    await a.server.close(1_000);
    await until("b to lead", async () => (await health(b)).cluster.role === "leader");
    expect(Date.now() - stopped).toBeLessThan(2_000);
    expect((await health(b)).cluster.term).toBeGreaterThan(term);
    const from = onB.frames.length;
    const t = b.server.warRoom.jobs.tick.last! + 1_000;
    b.clock.set(t);
    await b.server.warRoom.jobs.tick.run(t);
    const tick = await onB.next((f) => f.type === "event" && f.event === "tick", from);
    expect((tick.data as { t: number }).t).toBe(t);
    await onB.close();
  });
});

describe.skipIf(!DATABASE_URL)("one PostgreSQL, no REDIS_URL", () => {
  it("a second instance refuses to start, naming REDIS_URL", async () => {
    const first = await startTestServer({ databaseUrl: DATABASE_URL, lease: LEASE, env: { WAR_ROOM_INSTANCE_ID: "solo" } });
    try {
      await expect(startTestServer({ databaseUrl: DATABASE_URL, pgSchema: first.pgSchema, lease: LEASE, env: { WAR_ROOM_INSTANCE_ID: "second" } })).rejects.toThrow(/another War Room instance \(solo\).*REDIS_URL/);
      expect((await health(first)).cluster).toMatchObject({ mode: "single", role: "leader" });
    } finally {
      await first.dispose();
    }
  }, 20_000);
});
