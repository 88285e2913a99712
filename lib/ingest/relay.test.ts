import { describe, expect, it } from "vitest";
import { SignalHistory } from "../signals/history";
import type { BoardChannels } from "../signals/channels";
import { PushApplier, type PushedBatch, type StoredSample } from "./apply";
import type { PushedPoint, Recorder } from "./recorder";
import { parseBusBatch } from "./relay";

const T = Date.UTC(2026, 10, 23, 12, 0, 0);
const stored = (t: number, over: Partial<StoredSample["raw"]> = {}): StoredSample => ({
  service: "checkout",
  t,
  intervalMs: 10_000,
  raw: { service: "checkout", t, intervalSeconds: 10, requests: 1000, errors: 10, errors5xx: 5, ...over },
});
const batch = (id: string, samples: StoredSample[], part = 0, parts = 1): PushedBatch => ({ id, part, parts, receivedAt: T, samples });

/** A recorder that records into the history only once released, as a leader waiting on the store does. */
function slowRecorder(history: SignalHistory) {
  const calls: { t: number; replica: boolean }[] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const recorder = {
    async recordPushed(points: readonly PushedPoint[], opts: { replica?: unknown }) {
      await gate;
      for (const p of points) {
        history.record(p.service, p.t, p.values);
        calls.push({ t: p.t, replica: opts.replica !== undefined });
      }
      return points.length;
    },
  } as unknown as Recorder;
  return {
    recorder,
    calls,
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

describe("PushApplier", () => {
  it("decides accepted and late when a batch arrives, even while an earlier one is still being recorded", async () => {
    const history = new SignalHistory(["checkout"]);
    const slow = slowRecorder(history);
    const ticks: { t: number; points: object }[] = [];
    const board = { publishBoardTick: (t: number, points: object) => ticks.push({ t, points }) } as unknown as BoardChannels;
    const applier = new PushApplier({ history, recorder: slow.recorder, board, onError: (err) => expect.fail(String(err)) });

    const first = applier.apply(batch("one", [stored(T + 20_000), stored(T + 10_000)]), "leader");
    // Not recorded yet, but the next batch already sees it: 12:00:15 is late, 12:00:30 is new.
    const second = applier.apply(batch("two", [stored(T + 15_000), stored(T + 30_000)]), "leader");
    expect([first.accepted, first.late, second.accepted, second.late]).toEqual([2, 0, 1, 1]);

    slow.open();
    await Promise.all([first.done, second.done]);
    expect(slow.calls.map((c) => c.t)).toEqual([T + 10_000, T + 20_000, T + 30_000]);
    expect(ticks.map((x) => x.t)).toEqual([T + 20_000, T + 30_000]);
  });

  it("publishes one board tick per request after its last part, and none as a follower", async () => {
    const history = new SignalHistory(["checkout"]);
    const slow = slowRecorder(history);
    slow.open();
    const ticks: number[] = [];
    const board = { publishBoardTick: (t: number) => ticks.push(t) } as unknown as BoardChannels;
    const applier = new PushApplier({ history, recorder: slow.recorder, board, onError: (err) => expect.fail(String(err)) });
    await applier.apply(batch("big", [stored(T + 10_000)], 0, 2), "leader").done;
    expect(ticks).toEqual([]);
    await applier.apply(batch("big", [stored(T + 20_000)], 1, 2), "leader").done;
    expect(ticks).toEqual([T + 20_000]);
    await applier.apply(batch("next", [stored(T + 30_000)]), "follower").done;
    expect(ticks).toEqual([T + 20_000]);
    expect(slow.calls.map((c) => c.replica)).toEqual([false, false, true]);
  });
});

describe("parseBusBatch", () => {
  const has = (id: string) => id === "checkout";
  const good = { id: "x", part: 0, parts: 1, receivedAt: T, samples: [stored(T)] };

  it("takes a well-formed message", () => {
    expect(parseBusBatch(JSON.parse(JSON.stringify(good)), has)).toEqual(good);
  });

  it.each([
    ["not an object", "nope"],
    ["no samples", { ...good, samples: [] }],
    ["part out of range", { ...good, part: 1 }],
    ["an extra field", { ...good, extra: 1 }],
    ["an unknown service", { ...good, samples: [{ ...stored(T), service: "ghost", raw: { ...stored(T).raw, service: "ghost" } }] }],
    ["t not the raw sample's", { ...good, samples: [{ ...stored(T), t: T + 1 }] }],
    ["interval not the raw sample's", { ...good, samples: [{ ...stored(T), intervalMs: 5_000 }] }],
    ["a sample the schema refuses", { ...good, samples: [stored(T, { errors: 2_000 })] }],
  ])("refuses %s", (_what, data) => {
    expect(parseBusBatch(data, has)).toBeNull();
  });
});
