import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { evaluateBurnAlerts } from "./burn-alerts";
import { SlosSnapshotSchema, type BurnRateRule, type SloStatus } from "./contract";
import { packSlos, unpackSlos } from "./wire";

const rule = (id: string, severity: "page" | "ticket", longWindow: BurnRateRule["longWindow"], shortWindow: BurnRateRule["shortWindow"], factor: number, windowMs: number): BurnRateRule => ({
  id,
  severity,
  longWindow,
  shortWindow,
  factor,
  budgetConsumedAtAlert: 0.02,
  exhaustionMs: windowMs / factor,
});
const MONTH = 30 * 86_400_000;
const WEEK = 7 * 86_400_000;
const policy = (windowMs: number) => [rule("page-1h-5m", "page", "1h", "5m", 14.4, windowMs), rule("ticket-1d-2h", "ticket", "1d", "2h", 3, windowMs)];

/** An SLO status as lib/slo/tracker.ts gives it: full-precision floats, burn alerts evaluated from its burn rates. */
function status(i: number, windowMs = MONTH): SloStatus {
  const x = Math.sin(i + 1) ** 2; // a float with every digit set
  const burnRates = { "5m": 20 * x, "30m": 10 * x, "1h": 15 * x, "2h": 2 * x, "6h": x, "1d": 3.3 * x, "3d": 0.7 * x, window: 0.5 * x };
  const total = 5_809_347_298.390246 * x + 1;
  return {
    id: `slo-${i}`,
    service: `svc-${i}`,
    name: `Service ${i} availability`,
    sli: { kind: "ratio", good: "non-5xx" },
    target: 0.999,
    window: windowMs === MONTH ? "30d" : "7d",
    windowFrom: 1_793_637_016_143,
    windowMs,
    good: total * (1 - 0.0005 * x),
    total,
    bad: total * 0.0005 * x,
    allowedBad: total * 0.001,
    errorRatio: 0.0005 * x,
    budgetConsumed: 0.5 * x,
    budgetRemaining: 1 - 0.5 * x,
    burnRates,
    timeToExhaustionMs: x === 0 ? null : 9_838_767_100.623587 / x,
    burnAlerts: evaluateBurnAlerts(policy(windowMs), burnRates),
  } as SloStatus;
}

describe("the slos channel's compact form", () => {
  it("gives back every SLO with its burn alerts, its figures within 5 significant digits", () => {
    const slos = [...Array.from({ length: 20 }, (_, i) => status(i)), status(20, WEEK), status(21, WEEK)];
    const wire = packSlos(slos);
    expect(SlosSnapshotSchema.safeParse(JSON.parse(JSON.stringify(wire))).success).toBe(true);
    // Two SLO windows: two rule lists, each sent once.
    expect(wire.policies).toHaveLength(2);
    const back = unpackSlos(JSON.parse(JSON.stringify(wire)));
    expect(back.map((s) => s.id)).toEqual(slos.map((s) => s.id));
    back.forEach((b, i) => {
      const s = slos[i];
      expect(b.burnAlerts.map((a) => [a.rule, a.firing])).toEqual(s.burnAlerts.map((a) => [a.rule, a.firing]));
      b.burnAlerts.forEach((a, j) => expect(a.longBurn).toBeCloseTo(s.burnAlerts[j].longBurn!, 3));
      for (const k of ["good", "total", "bad", "allowedBad", "errorRatio", "budgetConsumed", "budgetRemaining", "timeToExhaustionMs"] as const)
        expect(Math.abs((b[k] as number) - (s[k] as number))).toBeLessThanOrEqual(Math.abs(s[k] as number) * 1e-4);
      expect(b.burnRates["1h"]).toBeCloseTo(s.burnRates["1h"]!, 3);
      expect({ ...b, burnAlerts: undefined, good: 0, total: 0, bad: 0, allowedBad: 0, errorRatio: 0, budgetConsumed: 0, budgetRemaining: 0, timeToExhaustionMs: 0, burnRates: 0 }).toEqual({
        ...s,
        burnAlerts: undefined,
        good: 0,
        total: 0,
        bad: 0,
        allowedBad: 0,
        errorRatio: 0,
        budgetConsumed: 0,
        budgetRemaining: 0,
        timeToExhaustionMs: 0,
        burnRates: 0,
      });
    });
  });

  it("says which rules fire, and keeps no-data (null) figures null", () => {
    const firing = status(10); // sin(11)² ≈ 1: 15× over 1h and 20× over 5m, the page rule fires
    expect(firing.burnAlerts.some((a) => a.firing)).toBe(true);
    const empty = { ...status(4), errorRatio: null, budgetConsumed: null, budgetRemaining: null, timeToExhaustionMs: null, burnRates: { ...status(4).burnRates, "1h": null, "5m": null } } as SloStatus;
    empty.burnAlerts = evaluateBurnAlerts(policy(MONTH), empty.burnRates);
    const [a, b] = unpackSlos(packSlos([firing, empty]));
    expect(a.burnAlerts.filter((x) => x.firing).map((x) => x.rule.id)).toEqual(firing.burnAlerts.filter((x) => x.firing).map((x) => x.rule.id));
    expect(b).toMatchObject({ errorRatio: null, budgetRemaining: null, timeToExhaustionMs: null });
    expect(b.burnAlerts[0]).toMatchObject({ firing: false, longBurn: null, shortBurn: null });
  });

  it("is less than half the gzipped bytes of the full statuses at 1,000 SLOs", () => {
    const slos = Array.from({ length: 1000 }, (_, i) => status(i));
    const full = gzipSync(JSON.stringify({ slos })).length;
    const packed = gzipSync(JSON.stringify(packSlos(slos))).length;
    expect(packed).toBeLessThan(full / 2);
  });

  it("carries the removed ids of an update", () => {
    expect(packSlos([], ["gone"])).toEqual({ policies: [], slos: [], removed: ["gone"] });
  });
});
