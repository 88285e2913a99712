import { describe, expect, it } from "vitest";
import { Channel, type Subscriber } from "./channel";
import { frameText, type Frame } from "./frame";

class FakeSub implements Subscriber {
  readonly id: string;
  frames: Record<string, unknown>[] = [];
  raw: string[] = [];
  buffered = 0;
  constructor(id: string) {
    this.id = id;
  }
  send(f: Frame) {
    const frame = frameText(f);
    this.raw.push(frame);
    this.frames.push(JSON.parse(frame));
  }
  bufferedAmount() {
    return this.buffered;
  }
  seqs(type = "event") {
    return this.frames.filter((f) => f.type === type).map((f) => f.seq);
  }
}

function channel(opts: { historyLimit?: number; lossless?: boolean } = {}) {
  let state = 0;
  const ch = new Channel({
    name: "board",
    epoch: "e1",
    historyLimit: opts.historyLimit ?? 10,
    lossless: opts.lossless ?? false,
    snapshot: () => ({ state }),
    backpressure: { highWaterBytes: 1000, lowWaterBytes: 100 },
    now: () => 42,
  });
  const publish = (n = 1) => {
    for (let i = 0; i < n; i++) ch.publish("tick", { state: ++state });
  };
  return { ch, publish };
}

describe("Channel resume", () => {
  it("a new subscriber gets a snapshot stamped with the current seq, then consecutive events", () => {
    const { ch, publish } = channel();
    publish(3);
    const sub = new FakeSub("a");
    ch.subscribe(sub);
    publish(2);
    expect(sub.frames[0]).toMatchObject({ type: "snapshot", epoch: "e1", seq: 3, data: { state: 3 } });
    expect(sub.seqs()).toEqual([4, 5]);
  });

  it("a resuming subscriber gets exactly the missed events, in order, then a resumed marker", () => {
    const { ch, publish } = channel();
    const sub = new FakeSub("a");
    ch.subscribe(sub);
    publish(2);
    ch.unsubscribe(sub);
    publish(4); // missed 3..6
    const again = new FakeSub("a2");
    const r = ch.subscribe(again, { epoch: "e1", seq: 2 });
    expect(r).toEqual({ resumed: true, replayed: 4 });
    expect(again.seqs()).toEqual([3, 4, 5, 6]);
    expect(again.frames.at(-1)).toMatchObject({ type: "resumed", seq: 6, replayed: 4 });
    expect(again.frames.some((f) => f.type === "snapshot")).toBe(false);
  });

  it("falls back to a snapshot when the gap is older than the history", () => {
    const { ch, publish } = channel({ historyLimit: 3 });
    publish(10);
    const sub = new FakeSub("a");
    expect(ch.subscribe(sub, { epoch: "e1", seq: 5 })).toEqual({ resumed: false, replayed: 0 });
    expect(sub.frames).toHaveLength(1);
    expect(sub.frames[0]).toMatchObject({ type: "snapshot", seq: 10 });
  });

  it("resumes from the oldest seq the history still covers", () => {
    const { ch, publish } = channel({ historyLimit: 3 });
    publish(10); // history holds 8, 9, 10
    const sub = new FakeSub("a");
    expect(ch.subscribe(sub, { epoch: "e1", seq: 7 })).toEqual({ resumed: true, replayed: 3 });
    expect(sub.seqs()).toEqual([8, 9, 10]);
  });

  it("falls back to a snapshot when the epoch changed (server restarted)", () => {
    const { ch, publish } = channel();
    publish(2);
    const sub = new FakeSub("a");
    ch.subscribe(sub, { epoch: "old", seq: 1 });
    expect(sub.frames[0]).toMatchObject({ type: "snapshot", epoch: "e1" });
  });

  it("a cursor from the future is not trusted", () => {
    const { ch, publish } = channel();
    publish(2);
    const sub = new FakeSub("a");
    ch.subscribe(sub, { epoch: "e1", seq: 99 });
    expect(sub.frames[0]).toMatchObject({ type: "snapshot", seq: 2 });
  });

  it("serializes each event once: every subscriber receives the identical string", () => {
    const { ch, publish } = channel();
    const a = new FakeSub("a");
    const b = new FakeSub("b");
    ch.subscribe(a);
    ch.subscribe(b);
    publish();
    expect(a.raw[1]).toBe(b.raw[1]);
  });
});

describe("Channel backpressure", () => {
  it("a slow subscriber is skipped while over the high-water mark, then gets one coalesced snapshot", () => {
    const { ch, publish } = channel();
    const fast = new FakeSub("fast");
    const slow = new FakeSub("slow");
    ch.subscribe(fast);
    ch.subscribe(slow);
    slow.buffered = 5000;
    publish(5);
    ch.catchUp();
    expect(slow.frames).toHaveLength(1); // only the first snapshot
    expect(fast.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(ch.stats().coalesced).toBe(5);
    slow.buffered = 0;
    ch.catchUp();
    expect(slow.frames.at(-1)).toMatchObject({ type: "snapshot", seq: 5, data: { state: 5 } });
    publish();
    expect(slow.seqs()).toEqual([6]);
  });

  it("a lossless channel replays what a slow subscriber missed instead of skipping it", () => {
    const { ch, publish } = channel({ lossless: true });
    const slow = new FakeSub("slow");
    ch.subscribe(slow);
    slow.buffered = 5000;
    publish(3);
    slow.buffered = 0;
    ch.catchUp();
    expect(slow.seqs()).toEqual([1, 2, 3]);
  });
});
