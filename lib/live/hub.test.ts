import { describe, expect, it } from "vitest";
import { Hub } from "./hub";
import type { Subscriber } from "./channel";
import { frameText, type Frame } from "./frame";

class FakeSub implements Subscriber {
  readonly id = "s";
  frames: Record<string, unknown>[] = [];
  send(f: Frame) {
    this.frames.push(JSON.parse(frameText(f)));
  }
  bufferedAmount() {
    return 0;
  }
  last() {
    return this.frames.at(-1)!;
  }
}

function hub() {
  const h = new Hub({ serverId: "srv", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15000, now: () => 1, maxSubscriptionsPerConnection: 2 });
  h.route("board", (n) => (n === "board" ? { historyLimit: 10, lossless: false, snapshot: () => ({ ok: true }) } : null));
  h.route("service:", (n) => (["service:a", "service:b", "service:c"].includes(n) ? { historyLimit: 10, lossless: false, snapshot: () => ({ id: n }) } : null));
  const sub = new FakeSub();
  h.connect(sub);
  return { h, sub };
}

describe("Hub protocol", () => {
  it("greets with hello carrying protocol, heartbeat and tick intervals", () => {
    const { sub } = hub();
    expect(sub.frames[0]).toMatchObject({ type: "hello", protocol: 1, heartbeatMs: 15000, tickMs: 1000 });
  });

  it.each([
    ["not json", "{nope", "bad_frame"],
    ["unknown type", JSON.stringify({ type: "explode" }), "bad_message"],
    ["missing channel", JSON.stringify({ type: "subscribe" }), "bad_message"],
    ["bad cursor", JSON.stringify({ type: "subscribe", channel: "board", since: { epoch: "e", seq: -1 } }), "bad_message"],
    ["oversized", JSON.stringify({ type: "ping", id: "x".repeat(20_000) }), "bad_frame"],
  ])("answers %s with an error frame and keeps the connection usable", (_n, raw, code) => {
    const { h, sub } = hub();
    h.receive(sub, raw);
    expect(sub.last()).toMatchObject({ type: "error", code });
    h.receive(sub, JSON.stringify({ type: "ping", id: 7 }));
    expect(sub.last()).toMatchObject({ type: "pong", id: 7 });
  });

  it("an unknown channel gets unknown_channel, a known one a snapshot", () => {
    const { h, sub } = hub();
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "service:zzz" }));
    expect(sub.last()).toMatchObject({ type: "error", code: "unknown_channel", channel: "service:zzz" });
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "service:a" }));
    expect(sub.last()).toMatchObject({ type: "snapshot", channel: "service:a", data: { id: "service:a" } });
  });

  it("limits subscriptions per connection", () => {
    const { h, sub } = hub();
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "service:a" }));
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "service:b" }));
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "service:c" }));
    expect(sub.last()).toMatchObject({ type: "error", code: "too_many_subscriptions" });
  });

  it("stops delivering after unsubscribe and after disconnect", () => {
    const { h, sub } = hub();
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "board" }));
    h.publish("board", "tick", { n: 1 });
    expect(sub.last()).toMatchObject({ type: "event", seq: 1 });
    h.receive(sub, JSON.stringify({ type: "unsubscribe", channel: "board" }));
    h.publish("board", "tick", { n: 2 });
    expect(sub.last()).toMatchObject({ type: "unsubscribed", channel: "board" });
    h.disconnect(sub);
    expect(h.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });

  it("tells a channel's owner who subscribes, leaves and identifies, by name", () => {
    const h = new Hub({ serverId: "srv", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15000, now: () => 5 });
    const seen: string[][] = [];
    h.route("room", () => ({
      historyLimit: 10,
      lossless: true,
      snapshot: () => ({}),
      onSubscribersChanged: (ch) => void seen.push(ch.subscribers().map((s) => h.nameOf(s.sub) ?? "anonymous")),
    }));
    const a = new FakeSub();
    const b = new FakeSub();
    h.connect(a);
    h.connect(b);
    h.receive(a, JSON.stringify({ type: "identify", name: " Ada " }));
    h.receive(a, JSON.stringify({ type: "subscribe", channel: "room" }));
    h.receive(b, JSON.stringify({ type: "subscribe", channel: "room" }));
    h.receive(b, JSON.stringify({ type: "identify", name: "Grace" }));
    h.disconnect(a);
    expect(seen).toEqual([["Ada"], ["Ada", "anonymous"], ["Ada", "Grace"], ["Grace"]]);
    h.receive(b, JSON.stringify({ type: "identify", name: "x".repeat(101) }));
    expect(b.last()).toMatchObject({ type: "error", code: "bad_message" });
    expect(h.nameOf(b)).toBe("Grace");
  });

  it("loads an async channel once, keeps a connection's messages in order meanwhile, and refuses unknown ones", async () => {
    const h = new Hub({ serverId: "srv", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15000, now: () => 5 });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.routeAsync("thing:", async (name) => {
      loads++;
      await gate;
      return name === "thing:1" ? { historyLimit: 10, lossless: true, snapshot: () => ({ id: 1 }) } : null;
    });
    const a = new FakeSub();
    const b = new FakeSub();
    h.connect(a);
    h.connect(b);
    h.receive(a, JSON.stringify({ type: "subscribe", channel: "thing:1" }));
    h.receive(a, JSON.stringify({ type: "ping", id: 9 }));
    h.receive(b, JSON.stringify({ type: "subscribe", channel: "thing:1" }));
    expect(h.publish("thing:1", "x", {})).toBeNull();
    expect(a.frames.map((f) => f.type)).toEqual(["hello"]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(loads).toBe(1);
    expect(a.frames.map((f) => f.type)).toEqual(["hello", "snapshot", "pong"]);
    expect(b.last()).toMatchObject({ type: "snapshot", channel: "thing:1", data: { id: 1 } });
    h.receive(a, JSON.stringify({ type: "subscribe", channel: "thing:2" }));
    await new Promise((r) => setTimeout(r, 0));
    expect(a.last()).toMatchObject({ type: "error", code: "unknown_channel" });
  });
});

describe("Hub heartbeats", () => {
  it("go only to connections that were sent nothing for half an interval", () => {
    let now = 100_000;
    const h = new Hub({ serverId: "s", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15_000, now: () => now });
    const busy = Object.assign(new FakeSub(), { lastSentAt: () => now - 1_000 });
    const quiet = Object.assign(new FakeSub(), { lastSentAt: () => now - 9_000 });
    const plain = new FakeSub();
    for (const s of [busy, quiet, plain]) h.connect(s);
    now += 1;
    h.heartbeat();
    expect(busy.frames.filter((f) => f.type === "heartbeat")).toHaveLength(0);
    expect(quiet.frames.filter((f) => f.type === "heartbeat")).toHaveLength(1);
    expect(plain.frames.filter((f) => f.type === "heartbeat")).toHaveLength(1);
  });
});

describe("Hub eviction of idle channels", () => {
  it("drops an unwatched, quiet channel; its next subscriber gets a fresh snapshot under a new epoch, never a replay", async () => {
    let now = 1_000;
    let state = 1;
    const h = new Hub({ serverId: "srv", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15000, now: () => now });
    h.routeAsync("thing:", async () => ({ historyLimit: 10, lossless: true, snapshot: () => ({ state }) }));
    const a = new FakeSub();
    h.connect(a);
    h.receive(a, JSON.stringify({ type: "subscribe", channel: "thing:1" }));
    await new Promise((r) => setTimeout(r, 0));
    h.publish("thing:1", "x", { n: 1 });
    const cursor = { epoch: a.last().epoch as string, seq: a.last().seq as number };
    expect(cursor).toEqual({ epoch: "e", seq: 1 });

    // Watched channels and recently active ones stay.
    now += 20 * 60_000;
    expect(h.evictIdle("thing:", 10 * 60_000)).toEqual([]);
    h.receive(a, JSON.stringify({ type: "unsubscribe", channel: "thing:1" }));
    now += 60_000;
    expect(h.evictIdle("thing:", 10 * 60_000)).toEqual([]);
    now += 10 * 60_000;
    expect(h.evictIdle("thing:", 10 * 60_000)).toEqual(["thing:1"]);
    expect(h.publish("thing:1", "y", {})).toBeNull();

    // Meanwhile the state moved on; an old cursor must not be "resumed" against the new channel.
    state = 2;
    h.receive(a, JSON.stringify({ type: "subscribe", channel: "thing:1", since: cursor }));
    await new Promise((r) => setTimeout(r, 0));
    expect(a.last()).toMatchObject({ type: "snapshot", channel: "thing:1", epoch: "e.1", data: { state: 2 } });
  });
});
