import { describe, expect, it } from "vitest";
import { SignalHistory } from "../signals/history";
import { SIGNALS, type SignalValues } from "../signals/types";
import type { HistoryDeriver } from "../signals/derive";
import { SECONDS_IMPACT_MS, secondSeries } from "./seconds-source";

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const values = (rps: number): SignalValues => Object.fromEntries(SIGNALS.map((k) => [k, k === "rps" ? rps : 1])) as SignalValues;

describe("second data for impact", () => {
  it("gives each kept point the time since the previous one, capped at the update interval", () => {
    const h = new SignalHistory(["a"], { secondsCapacity: 100 });
    // Ticks every second, then a 10 s gap (the source was down), then ticks again.
    for (const s of [0, 1, 2, 3, 13, 14]) h.record("a", T0 + s * 1000, values(10));
    const [series] = secondSeries({ history: h, services: ["a"], from: T0, to: T0 + 15_000, now: T0 + 15_000, intervalMs: () => 1000 });
    expect(series.coveredFrom).toBe(T0);
    expect(series.points.map((p) => p.dtMs)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
  });

  it("says second data starts at the first point when the history holds nothing before it", () => {
    const h = new SignalHistory(["a"], { secondsCapacity: 100 });
    for (let s = 30; s < 40; s++) h.record("a", T0 + s * 1000, values(10));
    const [series] = secondSeries({ history: h, services: ["a"], from: T0, to: T0 + 60_000, now: T0 + 60_000, intervalMs: () => 1000 });
    expect(series.coveredFrom).toBe(T0 + 30_000);
    expect(series.points).toHaveLength(10);
  });

  it("keeps a push-fed service's longer interval, and leaves out points at or after the end", () => {
    const h = new SignalHistory(["p"], { secondsCapacity: 100 });
    for (let s = 0; s <= 60; s += 15) h.record("p", T0 + s * 1000, values(4));
    const [series] = secondSeries({ history: h, services: ["p"], from: T0, to: T0 + 60_000, now: T0 + 60_000, intervalMs: () => 15_000 });
    expect(series.points.map((p) => [p.t - T0, p.dtMs])).toEqual([[0, 15_000], [15_000, 15_000], [30_000, 15_000], [45_000, 15_000]]);
  });

  it("derives the ticks of a simulated service before its short ring, within the last hour only", () => {
    const deriver: HistoryDeriver = { derives: () => true, sample: (_id, times) => times.map(() => values(7)) };
    const h = new SignalHistory(["s"], { derive: { deriver, tickMs: 1000, ticks: 5 } });
    const now = T0 + 2 * SECONDS_IMPACT_MS;
    for (let s = 5; s > 0; s--) h.record("s", now - s * 1000, values(7));
    const [series] = secondSeries({ history: h, services: ["s"], from: now - 120_000, to: now, now, intervalMs: () => 1000 });
    expect(series.points).toHaveLength(120);
    expect(series.coveredFrom).toBe(now - 120_000);
    expect(secondSeries({ history: h, services: ["s"], from: T0, to: T0 + 60_000, now, intervalMs: () => 1000 })).toEqual([]);
  });
});
