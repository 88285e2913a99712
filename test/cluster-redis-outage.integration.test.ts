import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { call, health, LEASE, subscribed, until, type Server } from "./support/instances";
import { startTestServer, type Frame } from "./helpers";
import { TcpProxy } from "./support/tcp-proxy";
import type { Incident, TimelineEntry } from "../lib/incidents/model";

/**
 * Redis goes away under two instances (issue #13 "Degradation"): each keeps serving its own
 * viewers with its own ticks, says `broker: down` in /health, stays ready, and recovers by itself.
 * Redis is reached through a TCP proxy the test cuts and restores (test/support/tcp-proxy.ts).
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;





/** Runs one tick on `s` at a time after every tick either instance has seen. */
async function tickOn(s: Server, others: Server[]) {
  const last = Math.max(...[s, ...others].map((x) => x.server.warRoom.jobs.tick.last ?? x.clock.now()));
  const t = last + s.server.warRoom.tickMs;
  s.clock.set(t);
  await s.server.warRoom.jobs.tick.run(t);
  return t;
}

const isTick = (t: number) => (f: Frame) => f.type === "event" && f.event === "tick" && (f.data as { t: number }).t === t;

describe.skipIf(!DATABASE_URL || !REDIS_URL)("Redis goes away under two instances", () => {
  const prefix = `wr-out-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const target = new URL(REDIS_URL ?? "redis://127.0.0.1:6379");
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  let a: Server;
  let b: Server;

  beforeAll(async () => {
    await proxy.start();
    const env = (id: string) => ({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: id });
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: env("a"), lease: LEASE });
    b = await startTestServer({ databaseUrl: DATABASE_URL, pgSchema: a.pgSchema, env: env("b"), lease: LEASE, startAt: a.clock.now() });
    await tickOn(a, [b]);
  }, 30_000);

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await b?.dispose();
    await a?.dispose();
    await proxy.cut();
    const redis = new Redis(REDIS_URL!, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("each instance keeps its own viewers live, says broker down, stays ready, and comes back by itself", async () => {
    expect((await health(b)).cluster.role).toBe("follower");
    const onA = await subscribed(a, "board");
    const onB = await subscribed(b, "board");
    const declared = await call(a, "POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] });
    const incident = declared.body.incident as Incident;
    const timelineOnB = await subscribed(b, `incident:${incident.id}`);

    await proxy.cut();
    await until("both instances to see the broker down", async () => {
      const hs = await Promise.all([a, b].map(async (s) => (await health(s)).checks.broker));
      return hs.every((h) => !h.ok && h.state === "down");
    });
    for (const s of [a, b]) {
      const ready = await call(s, "GET", "/health/ready");
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: "ready (degraded)", degraded: ["broker"] });
    }

    // The leader ticks for its viewers; the follower, cut off from the leader's ticks, samples for its own.
    const ta = await tickOn(a, [b]);
    await onA.next(isTick(ta));
    const tb = await tickOn(b, [a]);
    await onB.next(isTick(tb));
    expect(b.server.warRoom.history.latest("checkout")?.t).toBe(tb);

    // Writes still go to PostgreSQL; the instance's own viewers see them live.
    const note = await call(b, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "while Redis is away" });
    expect(note.status).toBe(201);
    const id = (note.body.entry as TimelineEntry).id;
    await until("b's own edit at b's viewer", () => timelineOnB.frames.find((f) => f.type === "event" && (f.data as { entry?: TimelineEntry }).entry?.id === id));

    await proxy.restore();
    await until("both instances to see the broker up", async () => {
      const hs = await Promise.all([a, b].map(async (s) => (await health(s)).checks.broker));
      return hs.every((h) => h.ok && h.state === "up");
    });
    // Live between instances again. b's viewer first gets a snapshot under the shared epoch (its
    // local one ended), then the leader's ticks as events; an edit on a reaches b's viewer.
    const from = onB.frames.length;
    await tickOn(a, [b]);
    const snap = await until("a snapshot under the shared epoch at b's viewer", () => onB.frames.slice(from).find((f) => f.type === "snapshot" && f.channel === "board"));
    const t = await tickOn(a, [b]);
    const ev = await until("the leader's next tick at b's viewer", () => onB.frames.slice(from).find(isTick(t)));
    expect(ev.epoch).toBe(snap.epoch);
    expect(ev.seq).toBe((snap.seq as number) + 1);
    const again = await call(a, "POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "Redis is back" });
    const againId = (again.body.entry as TimelineEntry).id;
    // The first shared frame on b's incident channel restarts it under the shared epoch: the
    // viewer gets it as a snapshot that holds the entry (a later one would be an event).
    const shows = (f: Frame) =>
      (f.type === "event" && (f.data as { entry?: TimelineEntry }).entry?.id === againId) ||
      (f.type === "snapshot" && (f.data as { timeline: TimelineEntry[] }).timeline.some((e) => e.id === againId));
    await until("the edit made on a at b's viewer", () => timelineOnB.frames.find(shows));
    expect((await health(b)).cluster.role).toBe("follower");
    await Promise.all([onA.close(), onB.close(), timelineOnB.close()]);
  }, 40_000);

  it("an instance that starts while Redis is unreachable serves on its own, then joins when Redis answers", async () => {
    const late = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await late.start();
    const port = late.port;
    await late.cut();
    const c = await startTestServer({
      databaseUrl: DATABASE_URL,
      pgSchema: a.pgSchema,
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: "c" },
      lease: LEASE,
      startAt: a.clock.now(),
    });
    try {
      expect((await health(c)).checks.broker).toMatchObject({ ok: false, state: "down" });
      const onC = await subscribed(c, "board");
      const tc = await tickOn(c, [a, b]);
      await onC.next(isTick(tc));
      late.port = port;
      await late.restore();
      await until("c to reach Redis", async () => (await health(c)).checks.broker.ok);
      const from = onC.frames.length;
      await tickOn(a, [b, c]);
      await until("a snapshot under the shared epoch at c's viewer", () => onC.frames.slice(from).some((f) => f.type === "snapshot"));
      const t = await tickOn(a, [b, c]);
      await until("the leader's tick at c's viewer", () => onC.frames.slice(from).some(isTick(t)));
      await onC.close();
    } finally {
      await c.dispose(true);
      await late.cut();
    }
  }, 40_000);
});
