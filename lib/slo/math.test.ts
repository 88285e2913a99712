import { describe, expect, it } from "vitest";
import {
  WINDOWS_MS,
  allowedErrors,
  budgetConsumed,
  budgetRemaining,
  budgetSpentAt,
  burnRate,
  errorBudget,
  errorRatio,
  sloWindowMs,
  timeToExhaustion,
  windowRange,
} from "./math";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Within 1e-9 relative, the precision the SLO page promises. */
function expectExact(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  const a = actual as number;
  expect(Number.isFinite(a)).toBe(true);
  expect(Math.abs(a - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** `bad` errors out of `total` requests. */
const counts = (bad: number, total: number) => ({ good: total - bad, total });

describe("error budget (SRE Workbook worked examples)", () => {
  it("99.9% leaves a budget of exactly 0.001, not 1 − 0.999 = 0.0010000000000000009", () => {
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.9995)).toBe(0.0005);
    expect(errorBudget(0.99)).toBe(0.01);
    expect(errorBudget(0.95)).toBe(0.05);
  });

  it("99.9% over 30d: an error ratio of 1.44% is a burn rate of 14.4 and spends 2% of the budget in an hour", () => {
    const hour = counts(144, 10_000);
    expect(errorRatio(hour)).toBe(0.0144);
    expect(burnRate(hour, 0.999)).toBe(14.4);
    expectExact(budgetSpentAt(14.4, HOUR, WINDOWS_MS["30d"]), 0.02);
  });

  it("3,000,000 requests at 99.9% allow 3,000 errors; 1,500 errors leave 50%", () => {
    expect(allowedErrors(3_000_000, 0.999)).toBe(3000);
    const month = counts(1500, 3_000_000);
    expect(budgetConsumed(month, 0.999)).toBe(0.5);
    expect(budgetRemaining(month, 0.999)).toBe(0.5);
  });

  it("burn rate 1 spends exactly the budget over the window", () => {
    expectExact(burnRate(counts(1, 1000), 0.999), 1);
    expectExact(budgetSpentAt(1, WINDOWS_MS["30d"], WINDOWS_MS["30d"]), 1);
    expectExact(burnRate(counts(6, 1000), 0.999), 6);
    expectExact(burnRate(counts(30, 1000), 0.99), 3);
  });

  it("overspending drives the remaining budget below zero", () => {
    expect(budgetConsumed(counts(4500, 3_000_000), 0.999)).toBe(1.5);
    expect(budgetRemaining(counts(4500, 3_000_000), 0.999)).toBe(-0.5);
    expectExact(budgetRemaining(counts(3_000_000, 3_000_000), 0.999), -999);
  });

  it("no errors: nothing consumed, burn rate 0", () => {
    expect(budgetConsumed(counts(0, 500), 0.999)).toBe(0);
    expect(budgetRemaining(counts(0, 500), 0.999)).toBe(1);
    expect(burnRate(counts(0, 500), 0.999)).toBe(0);
  });
});

describe("no traffic is 'no data', never NaN", () => {
  const none = { good: 0, total: 0 };
  it("every ratio is null", () => {
    expect(errorRatio(none)).toBeNull();
    expect(burnRate(none, 0.999)).toBeNull();
    expect(budgetConsumed(none, 0.999)).toBeNull();
    expect(budgetRemaining(none, 0.999)).toBeNull();
    expect(allowedErrors(0, 0.999)).toBe(0);
  });
  it("garbage counts are null too, and good > total (counter race) counts as no errors", () => {
    expect(errorRatio({ good: NaN, total: 10 })).toBeNull();
    expect(errorRatio({ good: 0, total: -5 })).toBeNull();
    expect(errorRatio({ good: 0, total: Infinity })).toBeNull();
    expect(errorRatio({ good: 12, total: 10 })).toBe(0);
  });
  it("an invalid target is a programming error, not a silent NaN", () => {
    expect(() => errorBudget(1)).toThrow(RangeError);
    expect(() => burnRate(counts(1, 10), 99.9)).toThrow(RangeError);
  });
});

describe("time to exhaustion = remaining × window / burn rate", () => {
  const window = WINDOWS_MS["30d"];
  it("half the budget left at burn rate 14.4 lasts 25 hours", () => {
    expectExact(timeToExhaustion({ remaining: 0.5, windowMs: window, burnRate: 14.4 }), 25 * HOUR);
  });
  it("full budget at burn rate 1 lasts exactly the window", () => {
    expect(timeToExhaustion({ remaining: 1, windowMs: window, burnRate: 1 })).toBe(window);
  });
  it("burn 0 (or no data) never exhausts: null", () => {
    expect(timeToExhaustion({ remaining: 0.5, windowMs: window, burnRate: 0 })).toBeNull();
    expect(timeToExhaustion({ remaining: 0.5, windowMs: window, burnRate: null })).toBeNull();
    expect(timeToExhaustion({ remaining: null, windowMs: window, burnRate: 2 })).toBeNull();
  });
  it("an already spent budget is exhausted now: 0", () => {
    expect(timeToExhaustion({ remaining: 0, windowMs: window, burnRate: 3 })).toBe(0);
    expect(timeToExhaustion({ remaining: -0.5, windowMs: window, burnRate: 3 })).toBe(0);
    expect(timeToExhaustion({ remaining: -0.5, windowMs: window, burnRate: 0 })).toBe(0);
  });
});

describe("window ranges", () => {
  const t = (iso: string) => Date.parse(iso);

  it("rolling windows end now", () => {
    const now = t("2026-03-10T12:00:00Z");
    expect(windowRange("30d", now)).toEqual({ from: now - 30 * DAY, to: now, lengthMs: 30 * DAY });
    expect(windowRange("7d", now).from).toBe(t("2026-03-03T12:00:00Z"));
    expect(sloWindowMs("28d", now)).toBe(28 * DAY);
  });

  it("calendar month: from the 1st 00:00 UTC to now, length is the whole month", () => {
    expect(windowRange("calendar-month", t("2026-01-31T23:59:59.999Z"))).toEqual({
      from: t("2026-01-01T00:00:00Z"),
      to: t("2026-01-31T23:59:59.999Z"),
      lengthMs: 31 * DAY,
    });
    // Jan 31 → Feb: the new month starts empty.
    expect(windowRange("calendar-month", t("2026-02-01T00:00:00Z"))).toEqual({
      from: t("2026-02-01T00:00:00Z"),
      to: t("2026-02-01T00:00:00Z"),
      lengthMs: 28 * DAY,
    });
  });

  it("Feb → Mar boundary, and leap February 2028", () => {
    expect(windowRange("calendar-month", t("2026-02-28T23:59:59.999Z")).lengthMs).toBe(28 * DAY);
    const march = windowRange("calendar-month", t("2026-03-01T00:00:00Z"));
    expect(march).toEqual({ from: t("2026-03-01T00:00:00Z"), to: t("2026-03-01T00:00:00Z"), lengthMs: 31 * DAY });
    const leap = windowRange("calendar-month", t("2028-02-29T18:00:00Z"));
    expect(leap.from).toBe(t("2028-02-01T00:00:00Z"));
    expect(leap.lengthMs).toBe(29 * DAY);
    expect(windowRange("calendar-month", t("2028-03-01T00:00:00Z")).from).toBe(t("2028-03-01T00:00:00Z"));
  });

  it("Dec → Jan crosses the year", () => {
    expect(windowRange("calendar-month", t("2026-12-31T23:59:59.999Z"))).toMatchObject({
      from: t("2026-12-01T00:00:00Z"),
      lengthMs: 31 * DAY,
    });
    expect(windowRange("calendar-month", t("2027-01-01T00:00:00Z"))).toMatchObject({
      from: t("2027-01-01T00:00:00Z"),
      lengthMs: 31 * DAY,
    });
    expect(windowRange("calendar-month", t("2026-04-15T00:00:00Z")).lengthMs).toBe(30 * DAY);
  });

  it("uses UTC whatever the host time zone says", () => {
    // 23:30 UTC on Apr 30 is already May 1 east of UTC; the SLO month is still April.
    expect(windowRange("calendar-month", t("2026-04-30T23:30:00Z")).from).toBe(t("2026-04-01T00:00:00Z"));
  });
});
