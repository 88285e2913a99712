import { WINDOWS_MS, type BurnWindow } from "./math";
import type { BurnAlertStatus, BurnRateRule, BurnSeverity } from "./contract";

/**
 * Multiwindow, multi-burn-rate alerts (SRE Workbook, "Alerting on SLOs", recommended
 * parameters). The Workbook states each rule as "this share of the budget spent within the long
 * window"; the burn-rate factor follows from the SLO window:
 *
 *   factor = budget share × SLO window / long window
 *
 * 30d: 2% × 720h / 1h = 14.4, 5% × 720h / 6h = 6, 10% × 30d / 1d = 3, 10% × 30d / 3d = 1.
 * 28d: 13.44, 5.6, 2.8, 0.933… — the same formula and numbers as Sloth's built-in 28d/30d
 * window catalogues. Pyrra differs: it keeps factors 14/7/2/1 and scales the windows instead.
 * The windows stay fixed here so burn rates can be shared across SLOs. The share is kept as an
 * integer percent so the factor is one division of exact integers (no 14.400000000000002).
 */

export type { BurnRateRule, BurnSeverity } from "./contract";

const WORKBOOK_RULES: readonly { severity: BurnSeverity; longWindow: BurnWindow; shortWindow: BurnWindow; budgetPercent: number }[] = [
  { severity: "page", longWindow: "1h", shortWindow: "5m", budgetPercent: 2 },
  { severity: "page", longWindow: "6h", shortWindow: "30m", budgetPercent: 5 },
  { severity: "ticket", longWindow: "1d", shortWindow: "2h", budgetPercent: 10 },
  { severity: "ticket", longWindow: "3d", shortWindow: "6h", budgetPercent: 10 },
];

/**
 * The four Workbook rules for an SLO window of `windowMs` (for a calendar month, the length of
 * the current month).
 */
export function burnRatePolicy(windowMs: number): BurnRateRule[] {
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new RangeError(`SLO window must be a positive number of milliseconds, got ${windowMs}`);
  }
  return WORKBOOK_RULES.map((r) => {
    // Below 1× the budget lasts past the window's end: for short windows (7d) the scaled
    // ticket factors drop under 1 and would fire on healthy services, so they are floored at 1.
    const factor = Math.max(1, (r.budgetPercent * windowMs) / (100 * WINDOWS_MS[r.longWindow]));
    return {
      id: `${r.severity}-${r.longWindow}-${r.shortWindow}`,
      severity: r.severity,
      longWindow: r.longWindow,
      shortWindow: r.shortWindow,
      factor,
      budgetConsumedAtAlert: (factor * WINDOWS_MS[r.longWindow]) / windowMs,
      exhaustionMs: windowMs / factor,
    };
  });
}

/** A rule of one SLO, evaluated now (the `burnAlerts` of an SLO status). */
export type BurnAlertState = BurnAlertStatus;

/**
 * A rule fires when the burn rate over BOTH its long and its short window is at or above its
 * factor: the long window proves the budget is really being spent, the short one that it still
 * is. A window without traffic (null or missing) never fires.
 */
export function evaluateBurnAlerts(
  policy: readonly BurnRateRule[],
  burnRates: Partial<Record<BurnWindow, number | null>>,
): BurnAlertState[] {
  return policy.map((rule) => {
    const longBurn = finiteOrNull(burnRates[rule.longWindow]);
    const shortBurn = finiteOrNull(burnRates[rule.shortWindow]);
    const firing = longBurn !== null && shortBurn !== null && longBurn >= rule.factor && shortBurn >= rule.factor;
    return { rule, firing, longBurn, shortBurn };
  });
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
