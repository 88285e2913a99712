import type { SloWindow } from "./schema";

/**
 * Error-budget arithmetic of the Google SRE Workbook ("Alerting on SLOs"), as pure functions.
 *
 * Floating point: `1 - 0.999` is 0.0010000000000000009 in binary, so a naive
 * `errorRatio / (1 - target)` gives 14.399999999999986 where the Workbook says 14.4.
 * The target is written in decimal, so its budget is a decimal too: we take the target's
 * decimal digits k (from its shortest round-trip string), express the budget as the integer
 * `units = 10^k − target·10^k` over `scale = 10^k` (0.999 → 1/1000), and compute every ratio
 * as `bad·scale / (total·units)`. For integer counts below 2^53 that is one correctly rounded
 * division: the nearest double to the true rational value (144 bad of 10,000 at 0.999 →
 * exactly 14.4; 1,500 of 3,000,000 → exactly 0.5). Non-integer counts (rates × seconds) are
 * within a few ulps. Targets with more than 15 decimals fall back to `1 − target`.
 */

export type Counts = { good: number; total: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const WINDOWS_MS = {
  "5m": 5 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": HOUR,
  "2h": 2 * HOUR,
  "6h": 6 * HOUR,
  "1d": DAY,
  "3d": 3 * DAY,
  "7d": 7 * DAY,
  "28d": 28 * DAY,
  "30d": 30 * DAY,
} as const;
export type WindowKey = keyof typeof WINDOWS_MS;

/** Burn-rate windows shown beside the SLO window (Workbook alert windows). */
export const BURN_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const satisfies readonly WindowKey[];
export type BurnWindow = (typeof BURN_WINDOWS)[number];

type DecimalBudget = { units: number; scale: number };

function decimalBudget(target: number): DecimalBudget {
  if (!(target > 0 && target < 1)) {
    throw new RangeError(`SLO target must be a fraction in (0, 1), got ${target}`);
  }
  const text = String(target);
  const dot = text.indexOf(".");
  const decimals = dot < 0 || text.includes("e") ? Infinity : text.length - dot - 1;
  if (decimals > 15) return { units: 1 - target, scale: 1 };
  const scale = 10 ** decimals;
  // 1 − target is within ~1e-16 of the decimal complement; rounding to k digits recovers it.
  return { units: Math.round((1 - target) * scale), scale };
}

/** budget = 1 − target, as the nearest double to the decimal value (0.999 → 0.001). */
export function errorBudget(target: number): number {
  const { units, scale } = decimalBudget(target);
  return units / scale;
}

/** Bad events, clamped to [0, total] (a counter race can briefly report good > total). */
function badEvents(counts: Counts): number | null {
  const { good, total } = counts;
  if (!Number.isFinite(good) || !Number.isFinite(total) || total <= 0) return null;
  return Math.min(total, Math.max(0, total - good));
}

/** bad / total, or null when there was no traffic (never NaN). */
export function errorRatio(counts: Counts): number | null {
  const bad = badEvents(counts);
  return bad === null ? null : bad / counts.total;
}

/** error ratio / budget in one division (see the note at the top). */
function ratioOverBudget(counts: Counts, target: number): number | null {
  const bad = badEvents(counts);
  if (bad === null) return null;
  const { units, scale } = decimalBudget(target);
  return (bad * scale) / (counts.total * units);
}

/** Burn rate over a window = error ratio in that window / budget. 1 spends the budget exactly over the SLO window. */
export function burnRate(windowCounts: Counts, target: number): number | null {
  return ratioOverBudget(windowCounts, target);
}

/**
 * Share of the budget consumed over the SLO window = error ratio / budget (the burn rate over
 * the SLO window itself). 1 is all of it; above 1 the SLO is missed.
 */
export function budgetConsumed(counts: Counts, target: number): number | null {
  return ratioOverBudget(counts, target);
}

/** 1 − consumed; negative once the budget is overspent. Null when there was no traffic. */
export function budgetRemaining(counts: Counts, target: number): number | null {
  const consumed = budgetConsumed(counts, target);
  return consumed === null ? null : 1 - consumed;
}

/** Errors the SLO allows for `total` events: total × budget (3,000,000 at 0.999 → 3,000). */
export function allowedErrors(total: number, target: number): number {
  const { units, scale } = decimalBudget(target);
  return (total * units) / scale;
}

/** Share of the budget a burn rate spends in `durationMs` (14.4 for 1h of 30d → 0.02). */
export function budgetSpentAt(burn: number, durationMs: number, windowMs: number): number {
  return (burn * durationMs) / windowMs;
}

/**
 * Milliseconds until the budget is gone at the current burn rate:
 * remaining × window / burn rate. 0 when the budget is already spent (remaining ≤ 0, whatever
 * the burn), null when unknown (no data) or never (burn ≤ 0).
 */
export function timeToExhaustion(input: { remaining: number | null; windowMs: number; burnRate: number | null }): number | null {
  const { remaining, windowMs, burnRate: burn } = input;
  if (remaining === null || !Number.isFinite(remaining)) return null;
  if (remaining <= 0) return 0;
  if (burn === null || !Number.isFinite(burn) || burn <= 0) return null;
  return (remaining * windowMs) / burn;
}

export type WindowRange = {
  /** Start of the window, epoch ms (inclusive). */
  from: number;
  /** End of the window, epoch ms: `now`. */
  to: number;
  /**
   * Full length of the SLO window, used for budget scaling and time to exhaustion. For a
   * calendar month this is the whole month (28–31 days), not the part elapsed so far.
   */
  lengthMs: number;
};

/** Epoch ms of the first instant of the UTC month containing `t`, and of the next month. */
export function utcMonthBounds(t: number): { start: number; end: number } {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
}

/**
 * Time range an SLO is judged over at `now`: rolling windows end at now; a calendar month
 * runs from the first day of the current UTC month at 00:00 to now (empty at the very first
 * instant of a month).
 */
export function windowRange(window: SloWindow, now: number): WindowRange {
  if (window === "calendar-month") {
    const { start, end } = utcMonthBounds(now);
    return { from: start, to: now, lengthMs: end - start };
  }
  const lengthMs = WINDOWS_MS[window];
  return { from: now - lengthMs, to: now, lengthMs };
}

/** Length of the SLO window at `now` (the full month for calendar-month). */
export function sloWindowMs(window: SloWindow, now: number): number {
  return windowRange(window, now).lengthMs;
}
