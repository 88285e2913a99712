import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { LEASE, until, type Server } from "./support/instances";
import { startTestServer, TestClient, type Frame } from "./helpers";
import { expectShape } from "./support/contract";
import { IncidentChannelSnapshotSchema, ViewersEventSchema, type Viewer } from "../lib/incidents/contract";
import type { Incident } from "../lib/incidents/model";

/**
 * Presence across instances (lib/incidents/presence.ts): three servers on one PostgreSQL schema
 * and one Redis prefix. Every viewer of an incident sees who views it on every instance, and the
 * viewers of an instance that vanished without a goodbye go away when its beats stop.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
/** Beats every 200 ms: an instance that stopped beating is dropped after 600 ms. */
const BEAT_MS = 200;



/** A browser tab on `s` that identified as `name` and opened the incident. */
async function viewer(s: Server, name: string, channel: string) {
  const c = new TestClient(s.wsUrl);
  await c.opened;
  await c.next((f) => f.type === "hello");
  c.send({ type: "identify", name });
  c.send({ type: "subscribe", channel });
  await c.next((f) => f.type === "snapshot" && f.channel === channel);
  return c;
}

/** The viewers list this tab shows now: its snapshot, then every `viewers` event after it. */
function shown(c: TestClient, channel: string): Viewer[] {
  let list: Viewer[] = [];
  for (const f of c.frames) {
    if (f.channel !== channel) continue;
    if (f.type === "snapshot") list = (f.data as { viewers: Viewer[] }).viewers;
    if (f.type === "event" && f.event === "viewers") list = (f.data as { viewers: Viewer[] }).viewers;
  }
  return list;
}

const names = (list: Viewer[]) => list.map((v) => v.name).sort();
const showsOnly = (c: TestClient, channel: string, expected: string[]) => JSON.stringify(names(shown(c, channel))) === JSON.stringify([...expected].sort());

describe.skipIf(!DATABASE_URL || !REDIS_URL)("presence across instances (PostgreSQL + Redis)", () => {
  const prefix = `wr-presence-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let a: Server;
  let b: Server;
  let c: Server;
  let redis: Redis;
  const env = (id: string) => ({ REDIS_URL: REDIS_URL!, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: id });
  const open: TestClient[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: env("a"), lease: LEASE, presenceBeatMs: BEAT_MS });
    const shared = { databaseUrl: DATABASE_URL, pgSchema: a.pgSchema, lease: LEASE, presenceBeatMs: BEAT_MS, startAt: a.clock.now() };
    b = await startTestServer({ ...shared, env: env("b") });
    c = await startTestServer({ ...shared, env: env("c") });
  }, 30_000);

  afterAll(async () => {
    try {
      await Promise.all(open.map((x) => x.close()));
      await c?.dispose();
      await b?.dispose();
      await a?.dispose();
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it("viewers on every instance see each other; a leaver is gone for all; an instance that vanished loses its viewers within the expiry", async () => {
    const declared = await fetch(`http://127.0.0.1:${a.server.port}/api/v1/incidents`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-war-room-user": "Ada" },
      body: JSON.stringify({ title: "Checkout errors", severity: "SEV2", services: ["checkout"] }),
    });
    expect(declared.status).toBe(201);
    const channel = `incident:${((await declared.json()) as { incident: Incident }).incident.id}`;

    const ada = await viewer(a, "Ada", channel);
    const grace = await viewer(b, "Grace", channel);
    open.push(ada, grace);
    await until("Ada and Grace to see both", () => showsOnly(ada, channel, ["Ada", "Grace"]) && showsOnly(grace, channel, ["Ada", "Grace"]));

    const linus = await viewer(c, "Linus", channel);
    open.push(linus);
    const all = ["Ada", "Grace", "Linus"];
    await until("all three to see all three", () => [ada, grace, linus].every((x) => showsOnly(x, channel, all)));
    // One entry per connection, in the shape the browser reads, naming where each one is.
    const last = ada.frames.filter((f: Frame) => f.type === "event" && f.event === "viewers").at(-1)!;
    expect(expectShape(ViewersEventSchema, last.data).viewers.map((v) => `${v.name}@${v.instance}`).sort()).toEqual(["Ada@a", "Grace@b", "Linus@c"]);

    // Someone opening the incident now gets everyone in the snapshot, whichever instance serves it.
    const late = await viewer(b, "Margaret", channel);
    const snap = late.frames.find((f) => f.type === "snapshot")!;
    expect(names(expectShape(IncidentChannelSnapshotSchema, snap.data).viewers)).toEqual(["Ada", "Grace", "Linus", "Margaret"]);
    await late.close();
    await until("Margaret to be gone", () => showsOnly(ada, channel, all));

    // Grace closes her tab: gone for the viewers on the other instances too.
    await grace.close();
    await until("Grace to be gone for Ada and Linus", () => showsOnly(ada, channel, ["Ada", "Linus"]) && showsOnly(linus, channel, ["Ada", "Linus"]));

    // c vanishes from the cluster without a goodbye (as after kill -9): nothing more reaches the
    // bus from it; Linus's tab on it stays open. Only the end of c's beats can tell the others.
    const vanished = Date.now();
    await c.server.warRoom.cluster.broker!.close();
    await until("Linus to be dropped for Ada", () => showsOnly(ada, channel, ["Ada"]), 5_000);
    expect(Date.now() - vanished).toBeLessThan(3 * BEAT_MS + 2_000);
    const fresh = await viewer(a, "Grace", channel);
    open.push(fresh);
    expect(names(shown(fresh, channel))).toEqual(["Ada", "Grace"]);
  });
});
