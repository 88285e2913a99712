import { describe, expect, it } from "vitest";
import { MinuteRing } from "./recent";

const MINUTE = 60_000;
const WINDOWS = [5, 30, 60, 120, 360, 1440, 4320].map((m) => m * MINUTE);

describe("MinuteRing", () => {
  it("gives every burn window the same sums as walking its minutes, tick after tick, across the wrap-around", () => {
    const ring = new MinuteRing(4380);
    const t0 = Date.UTC(2026, 10, 23, 0, 0, 0);
    // Five days of minutes (the ring holds three): 1,000 events a minute, bad ones vary.
    for (let m = 0; m < 5 * 1440; m++) ring.add(t0 + m * MINUTE, { good: 1000 - (m % 7), total: 1000 });
    const last = t0 + (5 * 1440 - 1) * MINUTE;
    for (const now of [last, last + 1, last + 30_000, last + MINUTE - 1]) {
      ring.add(now, { good: 10, total: 12 }); // a tick into the newest (open) minute
      const sums = ring.windows(now, WINDOWS);
      WINDOWS.forEach((w, k) => {
        const walked = ring.sum(now - w, now + 1);
        expect(sums[k].total).toBeCloseTo(walked.total, 6);
        expect(sums[k].total - sums[k].good).toBeCloseTo(walked.total - walked.good, 6);
      });
    }
    // 3 days of minutes: 4,320 × 1,000 events plus the ticks of the open minute.
    expect(ring.windows(last + 30_000, WINDOWS)[6].total).toBe(4320 * 1000 + 4 * 12);
  });

  it("forgets minutes older than its size and counts a late sample into its own minute", () => {
    const ring = new MinuteRing(10);
    const t0 = Date.UTC(2026, 10, 23, 0, 0, 0);
    ring.add(t0, { good: 1, total: 1 });
    ring.add(t0 + 20 * MINUTE, { good: 1, total: 2 });
    expect(ring.sum(t0, t0 + 30 * MINUTE)).toEqual({ good: 1, total: 2 });
    ring.add(t0 + 15 * MINUTE, { good: 3, total: 3 });
    expect(ring.windows(t0 + 20 * MINUTE + 1, [10 * MINUTE])[0]).toEqual({ good: 4, total: 5 });
  });
});
