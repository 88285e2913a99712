import { describe, expect, it } from "vitest";
import { SeriesRing } from "./ring";
import { SignalHistory } from "./history";
import { SIGNALS, type SignalPoint, type SignalValues } from "./types";
import type { MinuteStore } from "./minute-store";
import { StoreUnavailable } from "../errors";

function values(over: Partial<SignalValues> = {}): SignalValues {
  const v = {} as SignalValues;
  for (const s of SIGNALS) v[s] = 1;
  return { ...v, ...over };
}

describe("SeriesRing", () => {
  it("keeps only the newest `capacity` points, oldest first", () => {
    const r = new SeriesRing(3);
    for (let t = 1; t <= 5; t++) r.push(t * 1000, values({ rps: t }));
    expect(r.size).toBe(3);
    expect([0, 1, 2].map((i) => r.pointAt(i).rps)).toEqual([3, 4, 5]);
    expect(r.firstT()).toBe(3000);
    expect(r.latest()?.t).toBe(5000);
  });

  it("replaces a point re-delivered with the same time and refuses older ones", () => {
    const r = new SeriesRing(4);
    r.push(1000, values({ rps: 1 }));
    r.push(2000, values({ rps: 2 }));
    expect(r.push(2000, values({ rps: 20 }))).toBe(true);
    expect(r.push(1500, values({ rps: 15 }))).toBe(false);
    expect(r.size).toBe(2);
    expect(r.latest()?.rps).toBe(20);
  });

  it("finds the first point at or after a time across the wrap-around", () => {
    const r = new SeriesRing(4);
    for (let t = 1; t <= 6; t++) r.push(t * 10, values());
    expect(r.lowerBound(0)).toBe(0);
    expect(r.lowerBound(45)).toBe(2); // points are 30,40,50,60
    expect(r.lowerBound(1000)).toBe(4);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new SeriesRing(0)).toThrow(RangeError);
  });
});

describe("SignalHistory", () => {
  it("downsamples into buckets at the peak error rate and latency, mean traffic", async () => {
    const h = new SignalHistory(["a"]);
    // 10 s at 100 req/s with 0% errors, then 10 s at 300 req/s with 10% errors and a slower p99.
    for (let i = 0; i < 10; i++) h.record("a", i * 1000, values({ rps: 100, errorPct: 0, p99: 100 }));
    for (let i = 10; i < 20; i++) h.record("a", i * 1000, values({ rps: 300, errorPct: 10, p99: 450 }));
    const s = await h.query("a", 0, 19_000, 20);
    expect(s.t).toEqual([0]);
    expect(s.rps[0]).toBeCloseTo(200);
    // The bucket's worst moment, not a mean (7.5 % weighted) that hides it.
    expect(s.errorPct[0]).toBe(10);
    expect(s.p99[0]).toBe(450);
  });

  it("a 7-day chart's coarse bucket shows the 9.9 % minute the finer step shows (issue #16)", async () => {
    const h = new SignalHistory(["a"], { secondsCapacity: 60 });
    const base = 1_700_000_000_000 - (1_700_000_000_000 % 3_600_000);
    // An hour at 0.5 % errors with one bad minute at 9.9 %, kept as minute rollups.
    await h.writeMinutes(Array.from({ length: 60 }, (_, m) => ({ service: "a", start: base + m * 60_000, values: values({ rps: 100, errorPct: m === 17 ? 9.9 : 0.5 }) })));
    const fine = await h.query("a", base, base + 3_599_000, 60);
    expect(Math.max(...fine.errorPct)).toBe(9.9);
    // The 7 d range's step (1008 s): the bucket holding minute 17 peaks at 9.9 %, not the ~1.0 % mean.
    const coarse = await h.query("a", base, base + 3_599_000, 1008);
    expect(Math.max(...coarse.errorPct)).toBe(9.9);
    expect(coarse.rps.every((r) => Math.abs(r - 100) < 1e-9)).toBe(true);
  });

  it("serves long ranges from minute rollups, including the open minute", async () => {
    const h = new SignalHistory(["a"], { secondsCapacity: 60 });
    const base = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
    await h.writeMinutes(Array.from({ length: 5 }, (_, m) => ({ service: "a", start: base + m * 60_000, values: values({ rps: m }) })));
    for (let i = 0; i < 30; i++) h.record("a", base + 5 * 60_000 + i * 1000, values({ rps: 50 }));
    const s = await h.query("a", base, base + 6 * 60_000, 60);
    expect(s.t.length).toBe(6);
    expect(s.rps).toEqual([0, 1, 2, 3, 4, 50]);
  });

  it("shows the open minute as it grows between reads, and each closed minute as it closed", async () => {
    const h = new SignalHistory(["a"], { secondsCapacity: 10 });
    const base = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
    const minutes = async () => (await h.query("a", base, base + 3 * 60_000, 60)).rps;
    h.record("a", base + 1000, values({ rps: 10 }));
    expect(await minutes()).toEqual([10]);
    h.record("a", base + 2000, values({ rps: 30 }));
    expect(await minutes()).toEqual([20]);
    h.record("a", base + 3000, values({ rps: 50 }));
    for (let i = 0; i < 20; i++) h.record("a", base + 60_000 + i * 1000, values({ rps: 100 }));
    h.record("a", base + 120_000, values({ rps: 7 }));
    // The 10-point seconds ring no longer covers the first minutes: these come from the rollups.
    expect(await minutes()).toEqual([30, 100, 7]);
  });

  it("refuses points older than the newest one so replays cannot rewrite history", () => {
    const h = new SignalHistory(["a"]);
    expect(h.record("a", 2000, values())).toBe(true);
    expect(h.record("a", 1000, values())).toBe(false);
  });

  describe("with the week in a store of its own (the war room's)", () => {
    const base = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
    /** A minute store over a map (not the in-memory default), optionally unavailable. */
    function fakeStore(down = false): MinuteStore & { rows: Map<string, SignalPoint> } {
      const rows = new Map<string, SignalPoint>();
      return {
        rows,
        write: async (ms) => void ms.forEach((m) => rows.set(`${m.service}@${m.start}`, { t: m.start, ...m.values })),
        list: async (service, from, to) => {
          if (down) throw new StoreUnavailable("the store is unavailable");
          return [...rows.entries()].filter(([k, p]) => k.startsWith(`${service}@`) && p.t >= from && p.t <= to).map(([, p]) => p).sort((a, b) => a.t - b.t);
        },
        spans: async () => new Map(),
      };
    }

    it("during a store outage a coarse step still shows the hour the tick ring holds, in minute buckets", async () => {
      const h = new SignalHistory(["a"], { secondsCapacity: 3600, minutes: fakeStore(true) });
      const at = base - (base % 300_000);
      // Ten minutes of ticks, minute m at m requests per second.
      for (let i = 0; i < 600; i++) h.record("a", at + i * 1000, values({ rps: Math.floor(i / 60) }));
      const s = await h.query("a", at - 24 * 3600_000, at + 600_000, 300);
      // Two 5-minute buckets from the ring, not only the few minutes held for the store.
      expect(s.t).toEqual([at, at + 300_000]);
      expect(s.rps).toEqual([2, 7]);
    });

    it("shows minutes the store has that memory lacks, and memory's over the store's for the same minute", async () => {
      const store = fakeStore();
      const h = new SignalHistory(["a"], { secondsCapacity: 3600, minutes: store });
      for (let i = 0; i < 60; i++) h.record("a", base + 5 * 60_000 + i * 1000, values({ rps: 5 }));
      h.record("a", base + 6 * 60_000, values({ rps: 6 }));
      // Written by the leader meanwhile: minute 6 (which this instance also has, open) and minute 7 (which it missed).
      await store.write([6, 7].map((m) => ({ service: "a", start: base + m * 60_000, values: values({ rps: 60 + m }) })));
      const s = await h.query("a", base, base + 8 * 60_000, 60);
      expect(s.t).toEqual([5, 6, 7].map((m) => base + m * 60_000));
      expect(s.rps).toEqual([5, 6, 67]);
    });

    it("puts back minutes a failed write took, before the newer ones, and floats shown to their 7 digits", async () => {
      const h = new SignalHistory(["a"], { secondsCapacity: 3600, minutes: fakeStore() });
      for (let i = 0; i <= 60; i++) h.record("a", base + i * 1000, values({ rps: 0.1 }));
      const taken = h.takeClosedMinutes();
      expect(taken.map((m) => m.start)).toEqual([base]);
      for (let i = 61; i <= 120; i++) h.record("a", base + i * 1000, values({ rps: 0.1 }));
      h.requeueMinutes(taken);
      expect(h.takeClosedMinutes().map((m) => m.start)).toEqual([base, base + 60_000]);
      expect(h.takeClosedMinutes()).toEqual([]);
      // The tick ring keeps float32s; a 1-s step reads 0.1, not 0.10000000149011612.
      expect((await h.query("a", base, base + 10_000, 1)).rps).toEqual(Array(11).fill(0.1));
    });
  });
});
