import { describe, expect, it } from "vitest";
import type { SloConfig } from "../slo/schema";
import { MINUTE_MS, bucketRange, computeImpact, incidentWindow, sloBudgetRange, type SignalMinute, type SliRow } from "./impact";

const MIN = MINUTE_MS;
const DAY = 24 * 60 * MIN;
/** 2026-03-04T14:00Z */
const T0 = Date.UTC(2026, 2, 4, 14, 0);

function minute(service: string, i: number, over: Partial<SignalMinute> = {}): SignalMinute {
  return { service, start: T0 + i * MIN, requests: 1000, errors: 0, errors5xx: 0, p99Max: 100, errorPctMax: 0, ...over };
}

function slo(over: Partial<SloConfig> = {}): SloConfig {
  return { id: "checkout-availability", service: "checkout", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d", alerting: { burnRate: true }, ...over };
}

describe("incident window and row selection", () => {
  it("runs from start to resolution, or to now while open", () => {
    expect(incidentWindow({ startedAt: T0, resolvedAt: T0 + 30 * MIN }, T0 + 99 * MIN)).toEqual({ from: T0, to: T0 + 30 * MIN, open: false });
    expect(incidentWindow({ startedAt: T0, resolvedAt: null }, T0 + 99 * MIN)).toEqual({ from: T0, to: T0 + 99 * MIN, open: true });
  });

  it("loads rows starting in [floor(from to the minute), to) and counts each by its share inside the window", () => {
    expect(bucketRange({ from: T0 + 30_000, to: T0 + 5 * MIN + 10_000 })).toEqual({ from: T0, to: T0 + 5 * MIN + 10_000 });
    // Incident 14:00:30 → 14:05:10: half of 14:00, all of 14:01 … 14:04, a sixth of 14:05; 14:06 not at all.
    const rows = Array.from({ length: 8 }, (_, i) => minute("checkout", i - 1, { errors: 6 }));
    const r = computeImpact({ window: { from: T0 + 30_000, to: T0 + 5 * MIN + 10_000 }, services: ["checkout"], minutes: rows, slos: [], sliRows: [] });
    expect(r.services[0].minutesWithData).toBe(6);
    expect(r.services[0].failedRequests).toBeCloseTo(6 * (0.5 + 4 + 1 / 6), 9);
    expect(r.services[0].requests).toBeCloseTo(1000 * (0.5 + 4 + 1 / 6), 9);
    expect(r).toMatchObject({ resolution: "minutes" });
    // A bucket starting exactly at `to` is outside.
    const exact = computeImpact({ window: { from: T0, to: T0 + 3 * MIN }, services: ["checkout"], minutes: rows, slos: [], sliRows: [] });
    expect(exact.services[0].minutesWithData).toBe(3);
  });
});

describe("second-resolution data", () => {
  // 45 s inside one minute, at 100 req/s with 20 % failing: 4,500 requests and 900 failed, where
  // whole minutes would have said 6,000 and 1,200.
  const from = T0 + 67_000;
  const to = from + 45_000;
  const points = Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * 1000, dtMs: 1000, rps: 100, errorPct: 20, error5xxPct: 10, p99: i === 80 ? 900 : 200 }));
  const minutes = [minute("checkout", 0, { requests: 6000, errors: 1200 }), minute("checkout", 1, { requests: 6000, errors: 1200 })];

  it("counts only the seconds of the window where second data covers it", () => {
    const r = computeImpact({ window: { from, to }, services: ["checkout"], minutes, slos: [], sliRows: [], seconds: [{ service: "checkout", coveredFrom: T0, points }] });
    const s = r.services[0];
    expect(s).toMatchObject({ resolution: "seconds", secondsWithData: 45, secondsFrom: from, minutesWithData: 0, peakP99Ms: 900, peakP99At: T0 + 80_000 });
    expect(s.requests).toBeCloseTo(4500, 9);
    expect(s.failedRequests).toBeCloseTo(900, 9);
    expect(s.failed5xx).toBeCloseTo(450, 9);
    expect(r.resolution).toBe("seconds");
  });

  it("uses pro-rated minutes before the second data begins, and seconds after", () => {
    // Second data only from 14:01:30: 14:01:07 … 14:01:30 from the minute row (23/60 of it), the rest per second.
    const late = points.filter((p) => p.t >= T0 + 90_000);
    const r = computeImpact({ window: { from, to }, services: ["checkout"], minutes, slos: [], sliRows: [], seconds: [{ service: "checkout", coveredFrom: T0 + 90_000, points: late }] });
    const s = r.services[0];
    expect(s).toMatchObject({ resolution: "mixed", secondsWithData: 22, secondsFrom: T0 + 90_000, minutesWithData: 1 });
    expect(s.requests).toBeCloseTo((6000 * 23) / 60 + 2200, 9);
    expect(r.resolution).toBe("mixed");
  });

  it("pro-rates SLI rows of the incident's edges", () => {
    const rows: SliRow[] = [{ sloId: "checkout-availability", start: T0 + MIN, spanMs: MIN, good: 4800, total: 6000 }];
    const r = computeImpact({ window: { from, to }, services: ["checkout"], minutes: [], slos: [slo()], sliRows: rows });
    expect(r.services[0].slos[0].total).toBeCloseTo(4500, 9);
    expect(r.services[0].slos[0].bad).toBeCloseTo(900, 9);
  });
});

describe("computeImpact per service", () => {
  const window = { from: T0, to: T0 + 10 * MIN };
  const minutes: SignalMinute[] = [
    minute("checkout", 0, { requests: 1000, errors: 10, errors5xx: 8, p99Max: 120, errorPctMax: 1 }),
    minute("checkout", 1, { requests: 1200, errors: 300, errors5xx: 290, p99Max: 900, errorPctMax: 30 }),
    minute("checkout", 2, { requests: 1100, errors: 220, errors5xx: 200, p99Max: 1450, errorPctMax: 25 }),
    minute("checkout", 3, { requests: 1000, errors: 5, errors5xx: 5, p99Max: 1450, errorPctMax: 0.5 }),
    // Outside the window: ignored, even though they are the biggest numbers.
    minute("checkout", -5, { requests: 9999, errors: 9999, p99Max: 99_999, errorPctMax: 99 }),
    minute("checkout", 10, { requests: 9999, errors: 9999, p99Max: 99_999, errorPctMax: 99 }),
    // Another service not affected: ignored.
    minute("search", 1, { requests: 5, errors: 5, p99Max: 5000, errorPctMax: 100 }),
  ];

  it("finds the peaks at the right minute and sums errors as failed requests", () => {
    const r = computeImpact({ window, services: ["checkout"], minutes: [...minutes].reverse(), slos: [], sliRows: [] });
    const s = r.services[0];
    expect(s.peakP99Ms).toBe(1450);
    expect(s.peakP99At).toBe(T0 + 2 * MIN); // earliest of the tie 14:02 / 14:03
    expect(s.peakErrorPct).toBe(30);
    expect(s.peakErrorPctAt).toBe(T0 + MIN);
    expect(s.requests).toBe(4300);
    expect(s.failedRequests).toBe(535);
    expect(s.failed5xx).toBe(503);
    expect(s.errorRatio).toBeCloseTo(535 / 4300, 12);
    expect(s.minutesWithData).toBe(4);
    expect(s.slos).toEqual([]);
    expect(r.totals).toEqual({ requests: 4300, failedRequests: 535, failed5xx: 503 });
    expect(r.durationMs).toBe(10 * MIN);
  });

  it("reports a service without data as null peaks and zero requests", () => {
    const r = computeImpact({ window, services: ["checkout", "ledger", "checkout"], minutes, slos: [], sliRows: [] });
    expect(r.services.map((s) => s.service)).toEqual(["checkout", "ledger"]);
    expect(r.services[1]).toMatchObject({ minutesWithData: 0, peakP99Ms: null, peakP99At: null, peakErrorPct: null, peakErrorPctAt: null, requests: 0, failedRequests: 0, errorRatio: null });
  });

  it("ignores non-finite values", () => {
    const r = computeImpact({ window, services: ["checkout"], minutes: [minute("checkout", 0, { requests: NaN, errors: Infinity, p99Max: NaN, errorPctMax: NaN })], slos: [], sliRows: [] });
    expect(r.services[0]).toMatchObject({ minutesWithData: 1, requests: 0, failedRequests: 0, peakP99Ms: null, peakErrorPct: null });
  });

  it("rejects a window ending before it starts", () => {
    expect(() => computeImpact({ window: { from: T0, to: T0 - 1 }, services: [], minutes: [], slos: [], sliRows: [] })).toThrow(RangeError);
  });
});

describe("error budget consumed per SLO", () => {
  // Worked example: 99.9 % over 30 days. 3,000,000 events in the 30 days up to the end of the
  // incident (2,990,000 before it, all good; 10,000 during it, 1,500 bad). The window allows
  // 0.001 × 3,000,000 = 3,000 errors; the incident used 1,500 of them: 0.5 of the budget.
  const window = { from: T0, to: T0 + 10 * MIN };
  const sliRows: SliRow[] = [
    { sloId: "checkout-availability", start: T0 - 20 * DAY, spanMs: 10 * MIN, good: 2_000_000, total: 2_000_000 },
    { sloId: "checkout-availability", start: T0 - 60 * MIN, spanMs: MIN, good: 990_000, total: 990_000 },
    ...Array.from({ length: 10 }, (_, i) => ({ sloId: "checkout-availability", start: T0 + i * MIN, spanMs: MIN, good: 850, total: 1000 })),
    // Older than the 30-day window: not in the denominator.
    { sloId: "checkout-availability", start: T0 - 31 * DAY, spanMs: 10 * MIN, good: 5_000_000, total: 5_000_000 },
    // After the incident: not counted anywhere.
    { sloId: "checkout-availability", start: T0 + 10 * MIN, spanMs: MIN, good: 0, total: 1000 },
    // Another SLO of a service not affected.
    { sloId: "search-latency", start: T0, spanMs: MIN, good: 0, total: 1000 },
  ];

  it("is bad / ((1 − target) × total events of the SLO window)", () => {
    const r = computeImpact({
      window,
      services: ["checkout", "search-free"],
      minutes: [],
      slos: [slo(), slo({ id: "search-latency", service: "search", sli: { kind: "latency", thresholdMs: 300 } })],
      sliRows,
    });
    const [s] = r.services[0].slos;
    expect(r.services[0].slos).toHaveLength(1);
    expect(s).toMatchObject({ sloId: "checkout-availability", good: 8500, total: 10_000, bad: 1500, windowTotal: 3_000_000, allowedBad: 3000, budgetConsumed: 0.5 });
    expect(s.budgetWindowMs).toBe(30 * DAY);
    expect(s.budgetFrom).toBe(T0 + 10 * MIN - 30 * DAY);
    expect(s.budgetTo).toBe(T0 + 10 * MIN);
    expect(r.services[1].slos).toEqual([]);
  });

  it("is exact for decimal targets (no 1 − 0.999 rounding noise)", () => {
    const rows: SliRow[] = [{ sloId: "a", start: T0, spanMs: MIN, good: 10_000 - 144, total: 10_000 }];
    const r = computeImpact({ window, services: ["checkout"], minutes: [], slos: [slo({ id: "a" })], sliRows: rows });
    expect(r.services[0].slos[0].budgetConsumed).toBe(14.4);
  });

  it("is null without traffic in the window, and clamps good > total", () => {
    const none = computeImpact({ window, services: ["checkout"], minutes: [], slos: [slo()], sliRows: [] });
    expect(none.services[0].slos[0]).toMatchObject({ bad: 0, total: 0, windowTotal: 0, budgetConsumed: null });
    const racy = computeImpact({ window, services: ["checkout"], minutes: [], slos: [slo()], sliRows: [{ sloId: "checkout-availability", start: T0, spanMs: MIN, good: 1010, total: 1000 }] });
    expect(racy.services[0].slos[0]).toMatchObject({ bad: 0, budgetConsumed: 0 });
  });

  it("uses the calendar month so far for calendar-month SLOs", () => {
    const r = sloBudgetRange({ window: "calendar-month" }, window);
    expect(r.from).toBe(Date.UTC(2026, 2, 1));
    expect(r.lengthMs).toBe(31 * DAY);
  });

  it("stretches the denominator back to the start of an incident longer than the SLO window", () => {
    const long = { from: T0 - 8 * DAY, to: T0 };
    expect(sloBudgetRange({ window: "7d" }, long).from).toBe(T0 - 8 * DAY);
    const rows: SliRow[] = [
      { sloId: "w", start: T0 - 8 * DAY + 30 * MIN, spanMs: MIN, good: 0, total: 100 },
      { sloId: "w", start: T0 - MIN, spanMs: MIN, good: 900, total: 900 },
    ];
    const r = computeImpact({ window: long, services: ["checkout"], minutes: [], slos: [slo({ id: "w", window: "7d", target: 0.9 })], sliRows: rows });
    // 100 bad of 1,000 events at 90 %: exactly the budget.
    expect(r.services[0].slos[0]).toMatchObject({ bad: 100, windowTotal: 1000, budgetConsumed: 1 });
  });
});
