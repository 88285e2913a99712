import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, TestClient } from "./helpers";
import { until } from "./support/instances";

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  ctx = await startTestServer();
});
afterEach(async () => {
  await ctx.dispose();
});

async function subscribed(channel: string, since?: { epoch: string; seq: number }) {
  const c = new TestClient(ctx.wsUrl);
  await c.opened;
  await c.next((f) => f.type === "hello");
  c.send({ type: "subscribe", channel, ...(since ? { since } : {}) });
  return c;
}

const channels = () => ctx.server.warRoom.hub.stats().channels;

describe("service channels on one instance (a large estate must not keep every service's frames)", () => {
  it("ticks do not create a service channel nobody watched; a watched one streams and resumes; ten idle minutes drop it", async () => {
    await ctx.tick(3);
    const before = channels();
    const a = await subscribed("service:checkout");
    const snap = await a.next((f) => f.type === "snapshot");
    // Created by this subscriber, not by the three ticks before it.
    expect(channels()).toBe(before + 1);
    await ctx.tick();
    const ev = await a.next((f) => f.type === "event" && f.seq === (snap.seq as number) + 1);
    await a.close();

    // Away for five ticks: they were still published, and replay exactly.
    await ctx.tick(5);
    const b = await subscribed("service:checkout", { epoch: ev.epoch as string, seq: ev.seq as number });
    expect(await b.next((f) => f.type === "resumed")).toMatchObject({ replayed: 5 });
    await b.close();
    await until("the server saw the viewer leave", () => ctx.server.warRoom.hub.stats().subscriptions === 0);

    // Nobody watching for ten minutes (the heartbeat notices): dropped, and a later cursor gets a fresh snapshot.
    const heartbeat = ctx.server.warRoom.jobs.heartbeat;
    const watched = channels();
    await heartbeat.run();
    ctx.clock.advance(10 * 60_000);
    await heartbeat.run();
    expect(channels()).toBe(watched - 1);
    await ctx.tick(2);
    expect(channels()).toBe(watched - 1);
    const c = await subscribed("service:checkout", { epoch: ev.epoch as string, seq: ev.seq as number });
    const fresh = await c.next((f) => f.type === "snapshot");
    expect(fresh.epoch).not.toBe(ev.epoch);
    await c.close();
  });
});
