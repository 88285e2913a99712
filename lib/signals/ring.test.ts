import { describe, expect, it } from "vitest";
import { SeriesRing } from "./ring";
import { SIGNALS, type SignalValues } from "./types";

const values = (x: number): SignalValues => Object.fromEntries(SIGNALS.map((s, i) => [s, x * 100 + i])) as SignalValues;

describe("SeriesRing", () => {
  it("keeps the newest `capacity` points in order while its arrays grow from small to full", () => {
    const ring = new SeriesRing(200);
    for (let t = 1; t <= 500; t++) {
      expect(ring.push(t, values(t))).toBe(true);
      expect(ring.size).toBe(Math.min(t, 200));
      expect(ring.firstT()).toBe(Math.max(1, t - 199));
      expect(ring.lastT()).toBe(t);
    }
    for (let i = 0; i < 200; i++) {
      expect(ring.timeAt(i)).toBe(301 + i);
      expect(ring.pointAt(i)).toEqual({ t: 301 + i, ...values(301 + i) });
    }
    expect(ring.lowerBound(450)).toBe(149);
    expect(ring.latest()).toEqual({ t: 500, ...values(500) });
  });

  it("replaces the newest point on the same t and refuses older ones, across a growth", () => {
    const ring = new SeriesRing(1000);
    for (let t = 1; t <= 64; t++) ring.push(t, values(t));
    expect(ring.push(64, values(7))).toBe(true);
    expect(ring.size).toBe(64);
    expect(ring.valueAt(63, SIGNALS[0])).toBe(700);
    expect(ring.push(65, values(65))).toBe(true);
    expect(ring.push(10, values(10))).toBe(false);
    expect(ring.size).toBe(65);
    expect(ring.pointAt(0).t).toBe(1);
    expect(ring.pointAt(64)).toEqual({ t: 65, ...values(65) });
  });

  it("works at capacity 1 and refuses a capacity that is not a positive integer", () => {
    const ring = new SeriesRing(1);
    ring.push(1, values(1));
    ring.push(2, values(2));
    expect(ring.size).toBe(1);
    expect(ring.latest()).toEqual({ t: 2, ...values(2) });
    expect(() => new SeriesRing(0)).toThrow(RangeError);
    expect(() => new SeriesRing(1.5)).toThrow(RangeError);
  });

  it("compact: keeps older values to float32 precision and the newest point exactly as recorded", () => {
    const ring = new SeriesRing(10, { compact: true });
    const exact = (x: number): SignalValues => Object.fromEntries(SIGNALS.map((s, i) => [s, x + i / 3])) as SignalValues;
    for (let t = 1; t <= 3; t++) ring.push(t, exact(1234.56789 * t));
    // The newest: every digit (alerts and the API's latest read it).
    expect(ring.latest()).toEqual({ t: 3, ...exact(1234.56789 * 3) });
    expect(ring.valueAt(2, SIGNALS[1])).toBe(1234.56789 * 3 + 1 / 3);
    // Older points: within float32's 2^-24 relative step, far finer than the 4 digits shown.
    for (let t = 1; t <= 2; t++) {
      const p = ring.pointAt(t - 1);
      for (const [i, s] of SIGNALS.entries()) {
        const want = 1234.56789 * t + i / 3;
        expect(Math.abs(p[s] - want) / want).toBeLessThan(2 ** -24);
        expect(p[s]).toBe(Math.fround(want));
      }
    }
    // Not compact: every point whole.
    const whole = new SeriesRing(10);
    for (let t = 1; t <= 3; t++) whole.push(t, exact(1234.56789 * t));
    expect(whole.pointAt(0)).toEqual({ t: 1, ...exact(1234.56789) });
  });
});
