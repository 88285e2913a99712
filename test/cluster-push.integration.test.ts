import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { call, LEASE, subscribed, until, type Server } from "./support/instances";
import { pushFed, startTestServer, TestClient, type Frame } from "./helpers";
import type { Alert } from "../lib/alerts/model";
import { listSignalMinutes } from "../lib/signals/repo";
import { sumSliCounts } from "../lib/slo/repo";

/**
 * Push ingest with several instances (lib/ingest/relay.ts): the instance that receives a batch
 * stores it and sends it on the bus; every instance applies it in bus order, the leader recording
 * it fully. Two servers on one PostgreSQL schema and one Redis prefix, as in
 * test/cluster.integration.test.ts; `a` leads, pushes go to the follower `b` unless said.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const SECOND = 1_000;
const MINUTE = 60_000;





const boardTick = (t: number) => (f: Frame) => f.type === "event" && f.channel === "board" && f.event === "tick" && (f.data as { t: number }).t === t;

describe.skipIf(!DATABASE_URL || !REDIS_URL)("push ingest on several instances (PostgreSQL + Redis)", () => {
  const prefix = `wr-push-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const START = Date.UTC(2026, 10, 23, 11, 59, 50);
  // Pushed checkout samples every 10 s; counts are over the interval ENDING at t, so samples 1–6 count in the 12:00 minute.
  const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
  const sample = (i: number, over: Record<string, unknown> = {}) => ({
    service: "checkout",
    t: T0 + i * 10 * SECOND,
    intervalSeconds: 10,
    requests: 1000 + i,
    errors: 200,
    errors5xx: 100,
    latency: { buckets: [{ leMs: 50, count: 500 }, { leMs: 100, count: 900 }, { leMs: 500, count: 990 }, { leMs: 1000, count: 1000 + i }, { leMs: "+Inf", count: 1000 + i }] },
    saturation: { cpuPct: 41, memPct: 52, poolPct: 12 },
    ...over,
  });
  let a: Server;
  let b: Server;
  let redis: Redis;
  let onA: TestClient;
  let onB: TestClient;
  const bLog: string[] = [];
  const env = (id: string) => ({ REDIS_URL: REDIS_URL!, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: id });
  const setClocks = (t: number) => {
    a.clock.set(t);
    b.clock.set(t);
  };
  /** The leader ticks at `t` (both clocks there); resolves once the follower applied the tick too. */
  const leaderTick = async (t: number) => {
    setClocks(t);
    await a.server.warRoom.jobs.tick.run(t);
    await until("the follower to apply the tick", () => b.server.warRoom.jobs.tick.last === t);
  };
  const push = (s: Server, samples: unknown[]) => call(s, "POST", "/api/v1/ingest", { samples });
  const alerts = async (s: Server) => (await call(s, "GET", "/api/v1/alerts")).body as { firing: Alert[]; pending: Alert[] };
  const highErrorRate = (list: Alert[]) => list.find((x) => x.name === "HighErrorRate" && x.service === "checkout" && x.tier === 1);
  /** Rows written to sli_counts / signal_minutes (insert or update), counted by a trigger. */
  const writes = async (key: string) => {
    const r = await sql<{ n: string }>`select count(*) as n from test_writes where k = ${key}`.execute(a.server.warRoom.store.db);
    return Number(r.rows[0].n);
  };
  const sameHistory = async (service: string, since: number) => {
    await until(`the leader to record ${service} as the follower did`, () => a.server.warRoom.history.latest(service)?.t === b.server.warRoom.history.latest(service)?.t);
    expect(a.server.warRoom.history.recent(service, since)).toEqual(b.server.warRoom.history.recent(service, since));
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: env("a"), lease: LEASE, startAt: START, configure: pushFed(["checkout", "search", "payments", "notifications"]) });
    b = await startTestServer({ databaseUrl: DATABASE_URL, pgSchema: a.pgSchema, env: env("b"), lease: LEASE, startAt: START, logLines: bLog, configure: pushFed(["checkout", "search", "payments", "notifications"]) });
    await until("a to lead and b to follow", async () => a.server.warRoom.cluster.isLeader() && !b.server.warRoom.cluster.isLeader());
    // Every write of a row of sli_counts or signal_minutes, by either instance, leaves a line here.
    const db = a.server.warRoom.store.db;
    await sql`create table test_writes (k text not null)`.execute(db);
    await sql`create function test_count_write() returns trigger language plpgsql as $$
      begin
        insert into test_writes (k) values (coalesce(to_jsonb(NEW)->>'slo_id', to_jsonb(NEW)->>'service') || '@' || (to_jsonb(NEW)->>'start'));
        return NEW;
      end $$`.execute(db);
    await sql`create trigger test_sli_writes after insert or update on sli_counts for each row execute function test_count_write()`.execute(db);
    await sql`create trigger test_minute_writes after insert or update on signal_minutes for each row execute function test_count_write()`.execute(db);
    for (let i = 1; i <= 3; i++) await leaderTick(START + i * SECOND);
    onA = await subscribed(a, "board");
    onB = await subscribed(b, "board");
  }, 30_000);

  afterAll(async () => {
    await Promise.all([onA?.close(), onB?.close()]);
    await b?.dispose();
    await a?.dispose();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("a batch pushed to the follower reaches board viewers on both instances, and the leader's history matches the follower's", async () => {
    setClocks(T0 + 50 * SECOND);
    const from = { a: onA.frames.length, b: onB.frames.length };
    const r = await push(b, [1, 2, 3, 4, 5].map((i) => sample(i)));
    expect(r).toEqual({ status: 200, body: { accepted: 5, duplicates: 0, late: 0 } });
    const [ea, eb] = await Promise.all([onA.next(boardTick(T0 + 50 * SECOND), from.a), onB.next(boardTick(T0 + 50 * SECOND), from.b)]);
    // One frame from the broker: the same epoch and seq on both.
    expect(eb).toEqual(ea);
    const point = (ea.data as { points: Record<string, { rps: number; errorPct: number }> }).points.checkout;
    expect(point.rps).toBeCloseTo(100.5, 1);
    expect(point.errorPct).toBeCloseTo((200 / 1005) * 100, 1);
    // One board tick for the request, not one per sample.
    expect(onA.frames.slice(from.a).filter((f) => f.type === "event" && f.event === "tick" && (f.data as { points: object }).points && "checkout" in (f.data as { points: object }).points)).toHaveLength(1);
    expect(b.server.warRoom.history.latest("checkout")?.t).toBe(T0 + 50 * SECOND);
    await sameHistory("checkout", START);
    expect(a.server.warRoom.history.latest("checkout")?.errorPct).toBeCloseTo((200 / 1005) * 100, 6);
  });

  it("the leader's alert evaluation sees the pushed error rate: pending, then firing, on both instances", async () => {
    await leaderTick(T0 + 51 * SECOND);
    for (const s of [a, b]) await until(`HighErrorRate pending on ${s === a ? "the leader" : "the follower"}`, async () => highErrorRate((await alerts(s)).pending));
    // The leader's tick did not overwrite the pushed service with simulated values, on either instance.
    expect(a.server.warRoom.history.latest("checkout")?.t).toBe(T0 + 50 * SECOND);
    expect(b.server.warRoom.history.latest("checkout")?.t).toBe(T0 + 50 * SECOND);

    setClocks(T0 + 110 * SECOND);
    expect((await push(b, [6, 7, 8, 9, 10, 11].map((i) => sample(i)))).body).toEqual({ accepted: 6, duplicates: 0, late: 0 });
    await sameHistory("checkout", START);
    await leaderTick(T0 + 111 * SECOND);
    for (const s of [a, b]) await until(`HighErrorRate firing on ${s === a ? "the leader" : "the follower"}`, async () => highErrorRate((await alerts(s)).firing));
  });

  it("the pushed minute's rollup and SLO counts (the latency SLO from the histogram) are written once, with the pushed counts", async () => {
    // Samples 1–6 count in 12:00; sample 7 (12:01:10) closed it on the leader. Checkout is push-fed,
    // so nothing else wrote that minute.
    const store = a.server.warRoom.store;
    const pushed = [1, 2, 3, 4, 5, 6].map((i) => 1000 + i);
    const total = pushed.reduce((x, y) => x + y, 0);
    const availability = await until("the 12:00 SLO counts", async () => {
      const c = await sumSliCounts(store, "checkout-availability", T0, T0 + MINUTE);
      return c.total > 0 && c;
    });
    expect(availability.total).toBeCloseTo(total, 6);
    expect(availability.total - availability.good).toBeCloseTo(100 * pushed.length, 6);
    const latency = await sumSliCounts(store, "checkout-latency", T0, T0 + MINUTE);
    expect(latency.total).toBeCloseTo(total, 6);
    // 990 requests at or below the 500 ms threshold in each sample's buckets.
    expect(latency.good).toBeCloseTo(990 * pushed.length, 6);
    const [minute] = await listSignalMinutes(store, ["checkout"], T0, T0 + MINUTE);
    expect(minute.requests).toBeCloseTo(total, 6);
    expect(minute.errors5xx).toBeCloseTo(100 * pushed.length, 6);
    expect(await writes(`checkout-availability@${T0}`)).toBe(1);
    expect(await writes(`checkout-latency@${T0}`)).toBe(1);
    expect(await writes(`checkout@${T0}`)).toBe(1);
  });

  it("answers exactly what was accepted, duplicated or late, on the follower and on the leader", async () => {
    setClocks(T0 + 120 * SECOND);
    const r = await push(b, [sample(11), sample(0, { t: T0 + 105 * SECOND }), sample(12)]);
    expect(r.body).toEqual({ accepted: 1, duplicates: 1, late: 1 });
    const onLeader = await push(a, [sample(12), sample(13, { t: T0 + 125 * SECOND })]);
    expect(onLeader.body).toEqual({ accepted: 1, duplicates: 1, late: 0 });
    await sameHistory("checkout", START);
    expect(b.server.warRoom.history.latest("checkout")?.t).toBe(T0 + 125 * SECOND);
  });

  it("a request bigger than one bus message is applied whole on both instances, with one board tick", async () => {
    // 1,500 one-second samples for search (more than MAX_SAMPLES_PER_MESSAGE), after its last tick.
    const first = T0 + 112 * SECOND;
    const n = 1_500;
    const last = first + (n - 1) * SECOND;
    setClocks(last + 5 * SECOND);
    const from = { a: onA.frames.length, b: onB.frames.length };
    const samples = Array.from({ length: n }, (_, i) => ({ service: "search", t: first + i * SECOND, intervalSeconds: 1, requests: 600 + (i % 7), errors: i % 3, errors5xx: 0 }));
    expect((await push(b, samples)).body).toEqual({ accepted: n, duplicates: 0, late: 0 });
    const [ea, eb] = await Promise.all([onA.next(boardTick(last), from.a), onB.next(boardTick(last), from.b)]);
    expect(eb).toEqual(ea);
    const searchTicks = (c: TestClient, i: number) => c.frames.slice(i).filter((f) => f.type === "event" && f.event === "tick" && "search" in ((f.data as { points?: object }).points ?? {}));
    expect(searchTicks(onA, from.a)).toHaveLength(1);
    expect(searchTicks(onB, from.b)).toHaveLength(1);
    await sameHistory("search", first - MINUTE);
    expect(b.server.warRoom.history.recent("search", first - 1).t.length).toBe(n);
  });

  it("ignores (and logs) ingest bus messages that do not parse; a good one from any instance is applied on all", async () => {
    const now = b.clock.now();
    const good = { service: "payments", t: now, intervalSeconds: 1, requests: 50, errors: 0, errors5xx: 0 };
    const later = { ...good, t: now + 60 * SECOND };
    const msg = (over: Record<string, unknown>, s: Record<string, unknown> = later) => ({ id: "z1", part: 0, parts: 1, receivedAt: now, samples: [{ service: s.service, t: s.t, intervalMs: 1000, raw: s }], ...over });
    const bad: string[] = [
      "{not json",
      JSON.stringify({ id: "z0" }),
      JSON.stringify(msg({ part: 1 })),
      JSON.stringify(msg({}, { ...later, service: "ghost" })),
      JSON.stringify(msg({}, { ...later, errors: 80 })),
      JSON.stringify({ ...msg({}), samples: [{ service: "payments", t: now + 1, intervalMs: 1000, raw: later }] }),
      JSON.stringify({ ...msg({}), samples: [{ service: "payments", t: later.t, intervalMs: 5000, raw: later }] }),
    ];
    const from = { a: onA.frames.length, b: onB.frames.length };
    for (const m of bad) await redis.publish(`${prefix}:bus`, `M\nzombie\ningest\n${m}`);
    await redis.publish(`${prefix}:bus`, `M\nzombie\ningest\n${JSON.stringify(msg({ id: "z2" }, good))}`);
    // The good one came after every bad one: none of those (all for later t) was applied.
    await Promise.all([onA.next(boardTick(now), from.a), onB.next(boardTick(now), from.b)]);
    await sameHistory("payments", now - MINUTE);
    expect(a.server.warRoom.history.latest("payments")?.t).toBe(now);
    expect(bLog.filter((l) => l.includes("ignored pushed samples from the bus that do not parse")).length).toBeGreaterThanOrEqual(bad.length - 1);
    for (const s of [a, b]) expect((await fetch(`http://127.0.0.1:${s.server.port}/health/live`)).status).toBe(200);
  });

  it("with its broker down, the receiving instance applies a batch itself, as a single instance does (last: b's broker stays closed)", async () => {
    await b.server.warRoom.cluster.broker!.close();
    await until("b to see its broker down", () => !b.server.warRoom.cluster.brokerUp());
    const onB2 = await subscribed(b, "board");
    const t = b.clock.now();
    const r = await push(b, [{ service: "notifications", t, intervalSeconds: 1, requests: 60, errors: 1, errors5xx: 0 }]);
    expect(r.body).toEqual({ accepted: 1, duplicates: 0, late: 0 });
    // Its own viewers get the board tick (sequenced on this instance); the leader never hears of it.
    await onB2.next(boardTick(t));
    expect(b.server.warRoom.history.latest("notifications")?.t).toBe(t);
    // Push-fed and never pushed to the leader: it has no point at all.
    expect(a.server.warRoom.history.latest("notifications")).toBeNull();
    await onB2.close();
  });
});
