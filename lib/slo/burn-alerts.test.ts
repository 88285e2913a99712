import { describe, expect, it } from "vitest";
import { burnRatePolicy, evaluateBurnAlerts } from "./burn-alerts";
import { WINDOWS_MS, burnRate } from "./math";

const DAY = 86_400_000;
const summary = (windowMs: number) =>
  burnRatePolicy(windowMs).map((r) => [r.severity, r.longWindow, r.shortWindow, r.factor, r.budgetConsumedAtAlert]);

describe("burnRatePolicy: Workbook multiwindow multi-burn-rate rules", () => {
  it("30d is the Workbook table: 14.4 / 6 / 3 / 1", () => {
    expect(summary(WINDOWS_MS["30d"])).toEqual([
      ["page", "1h", "5m", 14.4, 0.02],
      ["page", "6h", "30m", 6, 0.05],
      ["ticket", "1d", "2h", 3, 0.1],
      ["ticket", "3d", "6h", 1, 0.1],
    ]);
  });

  it("28d scales the factors like Sloth's google-28d catalogue (13.44 / 5.6 / 2.8), the slow ticket floored at 1 instead of 0.933", () => {
    expect(burnRatePolicy(WINDOWS_MS["28d"]).map((r) => r.factor)).toEqual([13.44, 5.6, 2.8, 1]);
  });

  it("7d: budget share × 7d / long window, ticket factors floored at 1× (below it the budget outlasts the window)", () => {
    expect(burnRatePolicy(WINDOWS_MS["7d"]).map((r) => r.factor)).toEqual([3.36, 1.4, 1, 1]);
  });

  it("a calendar month uses its own length (31 days in March, 29 in a leap February)", () => {
    expect(burnRatePolicy(31 * DAY)[0].factor).toBe(14.88);
    expect(burnRatePolicy(29 * DAY)[1].factor).toBe(5.8);
  });

  it("at the factor the rule spends its budget share within its long window; the whole budget lasts window / factor", () => {
    const [page1h, page6h] = burnRatePolicy(WINDOWS_MS["30d"]);
    expect(page1h.exhaustionMs).toBe(50 * 3_600_000); // 30d / 14.4
    expect(page6h.exhaustionMs).toBe(5 * DAY); // 30d / 6
    expect(page1h.id).toBe("page-1h-5m");
  });

  it("rejects a nonsense window length", () => {
    expect(() => burnRatePolicy(0)).toThrow(RangeError);
    expect(() => burnRatePolicy(NaN)).toThrow(RangeError);
  });
});

describe("evaluateBurnAlerts", () => {
  const policy = burnRatePolicy(WINDOWS_MS["30d"]);
  const firing = (rates: Parameters<typeof evaluateBurnAlerts>[1]) =>
    evaluateBurnAlerts(policy, rates).filter((s) => s.firing).map((s) => s.rule.id);

  it("pages when both 1h and 5m burn at 14.4 or more (1.44% errors at 99.9%)", () => {
    const b = burnRate({ good: 10_000 - 144, total: 10_000 }, 0.999);
    expect(firing({ "1h": b, "5m": b })).toEqual(["page-1h-5m"]);
  });

  it("does not fire on the long window alone (the incident is over) or the short one alone (a blip)", () => {
    expect(firing({ "1h": 20, "5m": 0.5 })).toEqual([]);
    expect(firing({ "1h": 2, "5m": 50 })).toEqual([]);
  });

  it("a sustained 1.5× burn opens only the slow ticket", () => {
    expect(firing({ "5m": 1.5, "30m": 1.5, "1h": 1.5, "2h": 1.5, "6h": 1.5, "1d": 1.5, "3d": 1.5 })).toEqual(["ticket-3d-6h"]);
  });

  it("a heavy outage fires every rule and reports both burn rates", () => {
    const all = evaluateBurnAlerts(policy, { "5m": 30, "30m": 30, "1h": 30, "2h": 30, "6h": 30, "1d": 30, "3d": 30 });
    expect(all.every((s) => s.firing)).toBe(true);
    expect(all[0]).toMatchObject({ longBurn: 30, shortBurn: 30 });
  });

  it("no traffic (null, missing or NaN) never fires", () => {
    const states = evaluateBurnAlerts(policy, { "1h": null, "5m": 100, "6h": 100, "30m": NaN, "3d": null });
    expect(states.some((s) => s.firing)).toBe(false);
    expect(states[0]).toMatchObject({ longBurn: null, shortBurn: 100 });
    expect(states[1].shortBurn).toBeNull();
    expect(states[2]).toMatchObject({ longBurn: null, shortBurn: null });
    expect(states[3]).toMatchObject({ longBurn: null, shortBurn: 100 });
  });
});
