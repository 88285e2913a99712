import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, TestClient, type Frame } from "./helpers";
import { until } from "./support/instances";
import { sendStats } from "../lib/server/ws-send";

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  ctx = await startTestServer();
});
afterEach(async () => {
  await ctx.dispose();
});

async function subscribedClient(channel: string, since?: { epoch: string; seq: number }) {
  const c = new TestClient(ctx.wsUrl);
  await c.opened;
  await c.next((f) => f.type === "hello");
  c.send({ type: "subscribe", channel, ...(since ? { since } : {}) });
  return c;
}

describe("WebSocket resume", () => {
  it("a client that misses N ticks and reconnects with its cursor receives exactly those N, in order", async () => {
    const a = await subscribedClient("board");
    const snap = await a.next((f) => f.type === "snapshot");
    await ctx.tick(3);
    const last = await a.next((f) => f.type === "event" && f.seq === (snap.seq as number) + 3);
    await a.close();

    const N = 7;
    await ctx.tick(N); // published while the client is away

    const b = await subscribedClient("board", { epoch: last.epoch as string, seq: last.seq as number });
    const resumed = await b.next((f) => f.type === "resumed");
    const replayed = b.events("board");
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: N }, (_, i) => (last.seq as number) + 1 + i));
    expect(resumed).toMatchObject({ replayed: N, seq: (last.seq as number) + N });
    expect(b.frames.some((f) => f.type === "snapshot")).toBe(false);
    // The replayed ticks carry the tick times the client missed, one tick apart.
    const times = replayed.map((f) => (f.data as { t: number }).t);
    expect(times.every((t, i) => i === 0 || t - times[i - 1] === ctx.server.warRoom.tickMs)).toBe(true);

    await ctx.tick();
    const live = await b.next((f) => f.type === "event" && f.seq === (last.seq as number) + N + 1);
    expect(live.event).toBe("tick");
    await b.close();
  });

  it("a cursor from another epoch (a restarted server) gets a fresh snapshot", async () => {
    await ctx.tick(2);
    const c = await subscribedClient("board", { epoch: "some-old-epoch", seq: 1 });
    const snap = await c.next((f) => f.type === "snapshot");
    expect(snap.seq).toBe(2);
    expect(snap.epoch).not.toBe("some-old-epoch");
    await c.close();
  });

  it("a service channel streams that service's points; an unknown service is an error frame", async () => {
    const c = await subscribedClient("service:checkout");
    const snap = await c.next((f) => f.type === "snapshot");
    expect((snap.data as { service: { id: string } }).service.id).toBe("checkout");
    await ctx.tick();
    const ev = await c.next((f) => f.type === "event");
    expect((ev.data as { point: { p99: number } }).point.p99).toBeGreaterThan(0);
    c.send({ type: "subscribe", channel: "service:nope" });
    expect(await c.next((f) => f.type === "error")).toMatchObject({ code: "unknown_channel" });
    await c.close();
  });
});

describe("WebSocket bad input", () => {
  it("garbage, unknown types and binary frames get error frames; the connection and other clients carry on", async () => {
    const bystander = await subscribedClient("board");
    await bystander.next((f) => f.type === "snapshot");
    const c = await subscribedClient("board");
    await c.next((f) => f.type === "snapshot");

    c.send("this is not json");
    expect(await c.next((f) => f.type === "error")).toMatchObject({ code: "bad_frame" });
    const n = c.frames.length;
    c.send({ type: "drop_tables" });
    expect(await c.next((f) => f.type === "error", n)).toMatchObject({ code: "bad_message" });
    const m = c.frames.length;
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.next((f) => f.type === "error", m)).toMatchObject({ code: "bad_frame" });

    await ctx.tick();
    const seq = ctx.server.warRoom.hub.channel("board")!.seq;
    await c.next((f) => f.type === "event" && f.seq === seq);
    await bystander.next((f) => f.type === "event" && f.seq === seq);
    await Promise.all([c.close(), bystander.close()]);
  });

  it("an oversized frame closes that socket with 1009 and nobody else notices", async () => {
    const bystander = await subscribedClient("board");
    await bystander.next((f) => f.type === "snapshot");
    const c = await subscribedClient("board");
    c.send(JSON.stringify({ type: "ping", id: "x".repeat(100_000) }));
    expect((await c.closed).code).toBe(1009);
    await ctx.tick();
    await bystander.next((f) => f.type === "event");
    const health = await (await fetch(`http://127.0.0.1:${ctx.server.port}/health/live`)).json();
    expect(health).toEqual({ status: "ok" });
    await bystander.close();
  });

  it("an upgrade from a foreign origin is refused", async () => {
    const c = new TestClient(ctx.wsUrl, { origin: "https://evil.example" });
    await expect(c.opened).rejects.toThrow(/403/);
  });
});

describe("graceful shutdown", () => {
  it("tells connected clients to reconnect with close code 1012", async () => {
    const c = await subscribedClient("board");
    await c.next((f: Frame) => f.type === "snapshot");
    const closing = ctx.server.close(1000);
    expect(await c.closed).toEqual({ code: 1012, reason: "server restarting: reconnect now" });
    await closing;
  });

  it("every viewer gets 1012, and by then the stopping server refuses new sockets, so a quick reconnect goes elsewhere", async () => {
    const viewers = await Promise.all(Array.from({ length: 40 }, () => subscribedClient("board")));
    await Promise.all(viewers.map((v) => v.next((f) => f.type === "snapshot")));
    await ctx.tick();
    const refusedAtFirstClose = viewers[0].closed.then(() => new TestClient(ctx.wsUrl).opened.then(() => "accepted", (e: Error) => e.message));
    const closing = ctx.server.close(1000);
    const closes = await Promise.all(viewers.map((v) => v.closed));
    expect(closes.filter((c) => c.code !== 1012)).toEqual([]);
    expect(closes.every((c) => /reconnect/.test(c.reason))).toBe(true);
    expect(await refusedAtFirstClose).toMatch(/ECONNREFUSED/);
    await closing;
  });
});

/** A board viewer that stopped reading: what the server sends it piles up in the server's socket buffer. */
async function stalledViewer() {
  const c = await subscribedClient("board");
  await c.next((f) => f.type === "snapshot");
  const socket = (c.ws as unknown as { _socket: import("node:net").Socket })._socket;
  socket.pause();
  return { c, socket };
}

/** Publishes big board events until `n` viewers lag (the server holds more than 1 MiB unsent for each). */
async function fillUntilLagging(n: number) {
  const hub = ctx.server.warRoom.hub;
  const payload = { filler: "x".repeat(512 * 1024) };
  const deadline = Date.now() + 10_000;
  while (hub.stats().laggingSubscriptions < n) {
    if (Date.now() > deadline) throw new Error(`only ${hub.stats().laggingSubscriptions} of ${n} viewers lag`);
    hub.publish("board", "filler", payload);
    await new Promise((r) => setImmediate(r)); // let the sockets write what the kernel takes
  }
}

describe("graceful shutdown with slow viewers", () => {
  it("a viewer still reading its backlog gets its 1012 (not a 1006 from terminating it), and one that never reads holds the shutdown up at most 2 s", async () => {
    const slow = await stalledViewer();
    const stuck = await stalledViewer();
    await fillUntilLagging(2);
    const began = Date.now();
    const closing = ctx.server.close(8_000);
    slow.socket.resume();
    expect(await slow.c.closed).toEqual({ code: 1012, reason: "server restarting: reconnect now" });
    await closing;
    expect(Date.now() - began).toBeLessThan(4_000); // the socket grace, not the 8 s request grace
    stuck.socket.resume();
    await stuck.c.closed;
  });
});

describe("slow viewers and the pre-framed send path", () => {
  it("a viewer that re-subscribes in a loop while not reading queues no snapshot past the high-water mark, and gets one when it reads again", async () => {
    const loop = await stalledViewer();
    await fillUntilLagging(1);
    const hub = ctx.server.warRoom.hub;
    const before = hub.stats();
    // 45 subscribes (under the 50 per second limit): without the bound each queued a ≈ 36 KB snapshot.
    for (let i = 0; i < 45; i++) loop.c.send({ type: "subscribe", channel: "board" });
    await until("the server handled the 45 subscribes", () => hub.stats().coalescedFrames >= before.coalescedFrames + 45);
    const after = hub.stats();
    expect(after.maxQueuedBytes).toBeLessThanOrEqual(before.maxQueuedBytes + 1024);
    expect(after.maxQueuedBytes).toBeLessThan((1 << 20) + 512 * 1024 + 64 * 1024); // the mark plus the frame that crossed it
    const seen = loop.c.frames.length;
    loop.socket.resume();
    // Once the backlog is read the socket drains and the deferred subscribe is answered: one snapshot, not 45.
    const snap = await loop.c.next((f) => f.type === "snapshot", seen);
    await ctx.tick();
    await loop.c.next((f) => f.type === "event" && f.event === "tick" && f.seq === (snap.seq as number) + 1, seen);
    expect(loop.c.frames.slice(seen).filter((f) => f.type === "snapshot")).toHaveLength(1);
    await loop.c.close();
  });

  it("a slow viewer still gets coalesced frames with pre-framed sends: the fast one gets every event, the slow one one snapshot of the latest state", async () => {
    const fast = await subscribedClient("board");
    await fast.next((f) => f.type === "snapshot");
    const slow = await stalledViewer();
    const pre = sendStats.preframed;
    await fillUntilLagging(1);
    const hub = ctx.server.warRoom.hub;
    const seq = hub.channel("board")!.seq;
    await fast.next((f) => f.type === "event" && f.seq === seq);
    const fastEvents = fast.events("board").map((f) => f.seq as number);
    expect(fastEvents).toEqual(Array.from({ length: fastEvents.length }, (_, i) => fastEvents[0] + i));
    expect(sendStats.preframed - pre).toBeGreaterThanOrEqual(fastEvents.length);
    const seen = slow.c.frames.length;
    slow.socket.resume();
    await ctx.tick(); // the next publish brings the drained viewer up to date
    const snap = await slow.c.next((f) => f.type === "snapshot", seen);
    expect(snap.seq).toBeGreaterThanOrEqual(seq);
    const slowEvents = slow.c.frames.slice(seen).filter((f) => f.type === "event" && (f.seq as number) <= seq);
    expect(slowEvents.length).toBeLessThan(fastEvents.length); // coalesced: it never got all of them
    await fast.close();
    await slow.c.close();
  });

  it("board events go out as pre-built frame bytes that every viewer decodes to the same message", async () => {
    const a = await subscribedClient("board");
    const b = await subscribedClient("board");
    await a.next((f) => f.type === "snapshot");
    await b.next((f) => f.type === "snapshot");
    const pre = sendStats.preframed;
    await ctx.tick();
    const ea = await a.next((f) => f.type === "event" && f.event === "tick");
    const eb = await b.next((f) => f.type === "event" && f.event === "tick");
    expect(ea).toEqual(eb);
    expect(sendStats.preframed - pre).toBeGreaterThanOrEqual(2);
    await a.close();
    await b.close();
  });
});
