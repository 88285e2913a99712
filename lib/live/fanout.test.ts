import { describe, expect, it } from "vitest";
import { Channel, type Subscriber } from "./channel";
import { Dispatcher } from "./dispatch";
import { OutFrame, frameText, type Frame } from "./frame";
import { Hub } from "./hub";

/** A connection that never reads unless told: every byte sent stays queued until `drain()`. */
class Sock implements Subscriber {
  frames: Record<string, unknown>[] = [];
  shared: OutFrame[] = [];
  queued = 0;
  reads = true;
  constructor(readonly id: string) {}
  send(f: Frame) {
    if (f instanceof OutFrame) this.shared.push(f);
    const text = frameText(f);
    if (!this.reads) this.queued += Buffer.byteLength(text);
    this.frames.push(JSON.parse(text));
  }
  bufferedAmount() {
    return this.queued;
  }
  seqs(type = "event") {
    return this.frames.filter((f) => f.type === type).map((f) => f.seq);
  }
}

/** A dispatcher whose next slice runs when the test says so. */
function steppedDispatcher(sliceSize: number) {
  const later: (() => void)[] = [];
  const dispatcher = new Dispatcher({ sliceSize, defer: (fn) => void later.push(fn) });
  const step = () => later.shift()?.();
  const drain = () => {
    while (later.length) step();
  };
  return { dispatcher, step, drain };
}

function channel(opts: { dispatcher?: Dispatcher; lossless?: boolean; snapshotBytes?: number; highWaterBytes?: number } = {}) {
  let state = 0;
  const pad = "x".repeat(opts.snapshotBytes ?? 10);
  const ch = new Channel({
    name: "board",
    epoch: "e1",
    historyLimit: 50,
    lossless: opts.lossless ?? false,
    snapshot: () => ({ state, pad }),
    backpressure: { highWaterBytes: opts.highWaterBytes ?? 1000, lowWaterBytes: 100 },
    now: () => 42,
    dispatcher: opts.dispatcher,
  });
  return { ch, publish: () => ch.publish("tick", { state: ++state }) };
}

function subscribers(ch: Channel, n: number) {
  const subs = Array.from({ length: n }, (_, i) => new Sock(`s${i}`));
  for (const s of subs) ch.subscribe(s);
  return subs;
}

describe("Fan-out in slices", () => {
  it("sends at most one slice per event-loop turn, the same pre-framed object to everyone, until all have it", () => {
    const d = steppedDispatcher(100);
    const { ch, publish } = channel({ dispatcher: d.dispatcher });
    const subs = subscribers(ch, 1000);
    publish();
    expect(subs.filter((s) => s.seqs().length === 1)).toHaveLength(100);
    d.step();
    expect(subs.filter((s) => s.seqs().length === 1)).toHaveLength(200);
    d.drain();
    expect(subs.every((s) => s.seqs().join() === "1")).toBe(true);
    const first = subs[0].shared[0];
    expect(subs.every((s) => s.shared.length === 1 && s.shared[0] === first)).toBe(true);
    expect(d.dispatcher.pending).toBe(0);
  });

  it("two events published during one fan-out reach every subscriber in order", () => {
    const d = steppedDispatcher(64);
    const { ch, publish } = channel({ dispatcher: d.dispatcher });
    const subs = subscribers(ch, 300);
    publish();
    publish();
    d.step();
    publish();
    d.drain();
    for (const s of subs) expect(s.seqs()).toEqual([1, 2, 3]);
  });

  it("whoever resubscribes mid fan-out gets the snapshot and no duplicate; whoever left gets nothing", () => {
    const d = steppedDispatcher(10);
    const { ch, publish } = channel({ dispatcher: d.dispatcher });
    const subs = subscribers(ch, 50);
    publish();
    const again = subs[40];
    const gone = subs[45];
    ch.subscribe(again);
    ch.unsubscribe(gone);
    d.drain();
    publish();
    d.drain();
    expect(again.frames.filter((f) => f.type === "snapshot").map((f) => f.seq)).toEqual([0, 1]);
    expect(again.seqs()).toEqual([2]);
    expect(gone.seqs()).toEqual([]);
    expect(subs[49].seqs()).toEqual([1, 2]);
  });

  it("a slow viewer still gets coalesced frames with pre-framed sends: skipped over the mark, one snapshot once drained", () => {
    const d = steppedDispatcher(10);
    const { ch, publish } = channel({ dispatcher: d.dispatcher });
    const subs = subscribers(ch, 30);
    const slow = subs[25];
    publish();
    slow.queued = 5000; // falls behind while the fan-out is still on its way to it
    d.drain();
    publish();
    publish();
    d.drain();
    expect(slow.seqs()).toEqual([]);
    expect(subs[0].shared.map((f) => JSON.parse(f.text).seq)).toEqual([1, 2, 3]);
    expect(ch.stats()).toMatchObject({ lagging: 1, coalesced: 3 });
    slow.queued = 0;
    ch.catchUp();
    expect(slow.frames.at(-1)).toMatchObject({ type: "snapshot", seq: 3 });
    publish();
    d.drain();
    expect(slow.seqs()).toEqual([4]);
  });
});

describe("Fan-out yields to the event loop", () => {
  it("a timer (an HTTP request, the next tick) due during a 5,000-socket fan-out runs before the fan-out ends", async () => {
    const { ch, publish } = channel({ dispatcher: new Dispatcher() });
    let delivered = 0;
    const subs = Array.from({ length: 5000 }, (_, i) => {
      const s = new Sock(`y${i}`);
      s.send = () => {
        // ≈ 5 µs per socket, like a kernel write: 25 ms in all.
        const until = performance.now() + 0.005;
        while (performance.now() < until);
        delivered++;
      };
      return s;
    });
    for (const s of subs) ch.subscribe(s);
    delivered = 0;
    const seenByTimer = new Promise<number>((resolve) => setTimeout(() => resolve(delivered), 0));
    publish();
    const whenTimerRan = await seenByTimer;
    expect(whenTimerRan).toBeGreaterThan(0);
    expect(whenTimerRan).toBeLessThan(5000);
    await new Promise<void>(function wait(resolve) {
      if (delivered === 5000) resolve();
      else setImmediate(() => wait(resolve));
    });
    expect(delivered).toBe(5000);
  });
});

describe("A client that resubscribes in a loop without reading", () => {
  function hub() {
    let state = 0;
    const h = new Hub({
      serverId: "srv",
      version: "1",
      epoch: "e",
      tickMs: 1000,
      heartbeatMs: 15000,
      now: () => 1,
      backpressure: { highWaterBytes: 64 * 1024, lowWaterBytes: 4 * 1024 },
    });
    // A 36 KB snapshot, like the demo board's.
    h.route("board", () => ({ historyLimit: 10, lossless: false, snapshot: () => ({ state, pad: "x".repeat(36 * 1024) }) }));
    h.route("incidents", () => ({ historyLimit: 10, lossless: true, snapshot: () => ({ state, pad: "y".repeat(36 * 1024) }) }));
    return { h, tick: () => h.publish("board", "tick", { state: ++state }) };
  }

  it("never queues snapshots past the high-water mark, and gets exactly one once it drains", () => {
    const { h, tick } = hub();
    const sub = new Sock("loop");
    h.connect(sub);
    sub.reads = false;
    for (let i = 0; i < 500; i++) {
      h.receive(sub, JSON.stringify({ type: "subscribe", channel: "board" }));
      if (i % 50 === 0) tick();
    }
    // Without the bound: 500 × 36 KB ≈ 18 MB queued for this one client.
    expect(sub.queued).toBeLessThanOrEqual(64 * 1024 + 37 * 1024);
    const before = sub.frames.length;
    sub.queued = 0;
    h.drained(sub);
    expect(sub.frames.slice(before)).toMatchObject([{ type: "snapshot", seq: 10 }]);
    tick();
    expect(sub.frames.at(-1)).toMatchObject({ type: "event", seq: 11 });
  });

  it("a resume deferred that way still replays the missed incident events, then `resumed`", () => {
    const { h } = hub();
    const sub = new Sock("loop");
    h.connect(sub);
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "incidents" }));
    const snap = sub.frames.at(-1)!;
    for (let i = 0; i < 3; i++) h.publish("incidents", "upsert", { i });
    sub.reads = false;
    sub.queued = 70 * 1024;
    h.receive(sub, JSON.stringify({ type: "subscribe", channel: "incidents", since: { epoch: snap.epoch, seq: snap.seq } }));
    const before = sub.frames.length;
    h.publish("incidents", "upsert", { i: 3 });
    expect(sub.frames.length).toBe(before);
    sub.queued = 0;
    sub.reads = true;
    h.drained(sub);
    const after = sub.frames.slice(before);
    expect(after.filter((f) => f.type === "event").map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    expect(after.at(-1)).toMatchObject({ type: "resumed", seq: 4, replayed: 4 });
  });
});

describe("Heartbeats", () => {
  it("go out pre-framed through the same ordered queue, in slices, only to quiet connections", () => {
    const d = steppedDispatcher(50);
    const h = new Hub({ serverId: "s", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15000, now: () => 100_000, dispatcher: d.dispatcher });
    const subs = Array.from({ length: 120 }, (_, i) => Object.assign(new Sock(`h${i}`), { lastSentAt: () => (i === 0 ? 99_000 : 0) }));
    for (const s of subs) h.connect(s);
    h.heartbeat();
    expect(subs.filter((s) => s.frames.some((f) => f.type === "heartbeat"))).toHaveLength(49);
    d.drain();
    expect(subs.filter((s) => s.frames.some((f) => f.type === "heartbeat"))).toHaveLength(119);
    expect(subs[0].frames.some((f) => f.type === "heartbeat")).toBe(false);
  });
});
