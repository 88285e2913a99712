import type { Incident } from "../incidents/model";
import { allowedErrors, budgetConsumed, windowRange, type Counts } from "../slo/math";
import type { SloConfig } from "../slo/schema";
import type { SignalMinute } from "../signals/rollup";
import type { SliRow } from "../slo/repo";
import type { ImpactReport, ImpactResolution, ImpactWindow, ServiceImpact, SloImpact } from "./contract";
import { MINUTE_MS, num, overlapShare, resolutionOf, serviceImpact, type SecondSeries } from "./service-impact";

/**
 * Impact of an incident (docs/api.md "Postmortems"). Pure: the caller loads the rows and the
 * second data, this only does arithmetic.
 *
 * ## Which data counts
 *
 * The window is [impact start, resolved) (or now while open). Where the service has
 * second-resolution data (the recorder's tick ring, or the simulator's derived ticks), each point
 * with `from ≤ t < to` counts for its interval (requests = rps·dt, as the minute rollup counts
 * it). Before that, minute rollups count by the share of the minute inside the window: a 45 s
 * incident inside one minute counts 45/60 of that minute, never the whole minute (./service-impact.ts).
 * SLI rows (minute buckets, or longer `spanMs` ones) are pro-rated the same way for the incident's
 * good and total events. The rows are loaded for [floor(from to the minute), to) — see
 * {@link bucketRange} — the same half-open rule as the store's `listSliCounts` /
 * `sumSliCounts` (`start >= from AND start < to`). The report says which resolution it used.
 *
 * ## Error budget consumed by the incident, per SLO
 *
 *     consumed = bad_incident / ((1 − target) × total_sloWindow)
 *
 * where bad_incident = total − good over the SLI rows of the incident range, and
 * total_sloWindow = total events over the SLO's own window *ending at the incident end*
 * (`windowRange(slo.window, to)` from lib/slo/math.ts: 7d/28d/30d rolling, or the calendar
 * month so far), rows selected by the same rule. If the incident is longer than the SLO window,
 * the denominator range is stretched back to the incident start so it always contains the
 * incident. The fraction is computed with `budgetConsumed` of lib/slo/math.ts on the counts
 * {good: total_sloWindow − bad_incident, total: total_sloWindow}, which is exactly
 * bad_incident / (budget × total_sloWindow) with the decimal-exact budget (0.999 → 1/1000), in
 * one correctly rounded division for integer counts. 1 means the incident alone spent the
 * whole budget of the window; above 1 the SLO is missed because of it. Null when the window
 * has no traffic.
 *
 * Worked example: target 0.999 over 30d, 3,000,000 events in the 30 days up to the incident end,
 * 1,500 of them bad during the incident: budget = 0.001 × 3,000,000 = 3,000 allowed errors;
 * consumed = 1,500 / 3,000 = 0.5 (half the month's budget).
 */

export { MINUTE_MS, type SecondSeries };

/**
 * One service's metrics for one minute, as persisted per service per minute (`signal_minutes`):
 * `start` is the epoch ms of the minute (minute-aligned, UTC); `requests`, `errors`, `errors5xx`
 * are counts in that minute (estimated from rates, so not necessarily integers); `p99Max` is the
 * highest p99 latency (ms) and `errorPctMax` the highest error rate (%, 0–100) of the minute.
 * Defined once in lib/signals/rollup.ts and re-exported here.
 */
export type { SignalMinute };

/** SLI bucket of one SLO (same shape as the store's `sli_counts` rows). */
export type { SliRow };

export type { ImpactReport, ImpactWindow, ServiceImpact, SloImpact } from "./contract";

/**
 * The incident window: from `startedAt` to `resolvedAt`, or to `now` while the incident is not
 * resolved (`open: true`; impact is then "so far").
 */
export function incidentWindow(incident: Pick<Incident, "startedAt" | "resolvedAt">, now: number): ImpactWindow & { open: boolean } {
  const open = incident.resolvedAt === null;
  return { from: incident.startedAt, to: open ? Math.max(now, incident.startedAt) : incident.resolvedAt!, open };
}

/** The rows to use for `window`: those with `start` in [floor(from to minute), to). */
export function bucketRange(window: ImpactWindow): ImpactWindow {
  return { from: Math.floor(window.from / MINUTE_MS) * MINUTE_MS, to: window.to };
}

/** Whether a row starting at `start` counts for the budget range (already floored to the minute). */
function counts(start: number, range: ImpactWindow): boolean {
  return start >= range.from && start < range.to;
}

/**
 * Range of SLI rows that make up the denominator of an SLO's budget for an incident ending at
 * `window.to`: the SLO window ending then (floored to the minute), stretched back to the
 * incident start when the incident is longer. Load the rows with
 * `listSliCounts(store, slo.id, range.from, range.to)`.
 */
export function sloBudgetRange(slo: Pick<SloConfig, "window">, window: ImpactWindow): ImpactWindow & { lengthMs: number } {
  const r = windowRange(slo.window, window.to);
  const from = Math.min(bucketRange({ from: r.from, to: r.to }).from, bucketRange(window).from);
  return { from, to: window.to, lengthMs: r.lengthMs };
}

export type ImpactInput = {
  window: ImpactWindow;
  /** Affected services, in display order (duplicates are ignored). */
  services: readonly string[];
  /** Minute rows; rows of other services or outside the range are ignored. */
  minutes: readonly SignalMinute[];
  /** SLO definitions (all of them is fine: only those of affected services are used). */
  slos: readonly SloConfig[];
  /** SLI rows of those SLOs covering {@link sloBudgetRange} (which includes the incident range). */
  sliRows: readonly SliRow[];
  /** Second-resolution history per service, where it exists (the rest comes from `minutes`). */
  seconds?: readonly SecondSeries[];
};


/** Impact per affected service and per SLO over the incident window. See the notes at the top. */
export function computeImpact(input: ImpactInput): ImpactReport {
  const { window } = input;
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to) || window.to < window.from) {
    throw new RangeError(`impact window must have finite from ≤ to, got [${window.from}, ${window.to})`);
  }
  const range = bucketRange(window);
  const services = [...new Set(input.services)];
  const byService = new Map<string, ServiceImpact>();
  const inRange = input.minutes.filter((m) => m.start >= range.from && m.start < range.to);
  for (const service of services) byService.set(service, serviceImpact(service, window, inRange, input.seconds?.find((x) => x.service === service)));

  const rowsBySlo = new Map<string, SliRow[]>();
  for (const r of input.sliRows) {
    const list = rowsBySlo.get(r.sloId) ?? [];
    list.push(r);
    rowsBySlo.set(r.sloId, list);
  }
  for (const slo of input.slos) {
    const s = byService.get(slo.service);
    if (!s) continue;
    s.slos.push(sloImpact(slo, window, rowsBySlo.get(slo.id) ?? []));
  }

  const list = services.map((name) => byService.get(name)!);
  return {
    window: { from: window.from, to: window.to },
    range,
    durationMs: window.to - window.from,
    resolution: overallResolution(list),
    services: list,
    totals: {
      requests: list.reduce((a, s) => a + s.requests, 0),
      failedRequests: list.reduce((a, s) => a + s.failedRequests, 0),
      failed5xx: list.reduce((a, s) => a + s.failed5xx, 0),
    },
  };
}

/** "seconds" only when every service with data had second data for the whole window. */
function overallResolution(list: readonly ServiceImpact[]): ImpactResolution {
  const used = list.map((s) => s.resolution ?? "none").filter((r) => r !== "none");
  if (used.length === 0) return "none";
  return resolutionOf(used.some((r) => r !== "seconds"), used.some((r) => r !== "minutes"));
}

function sloImpact(slo: SloConfig, window: ImpactWindow, rows: readonly SliRow[]): SloImpact {
  const budget = sloBudgetRange(slo, window);
  const incident: Counts = { good: 0, total: 0 };
  let windowTotal = 0;
  for (const r of rows) {
    const good = num(r.good);
    const total = num(r.total);
    if (counts(r.start, budget)) windowTotal += total;
    const share = overlapShare(r.start, r.spanMs, window.from, window.to);
    incident.good += good * share;
    incident.total += total * share;
  }
  // Clamped like lib/slo/math.ts does (a counter race can report good > total).
  const bad = Math.min(incident.total, Math.max(0, incident.total - incident.good));
  return {
    sloId: slo.id,
    service: slo.service,
    name: slo.name ?? slo.id,
    target: slo.target,
    window: slo.window,
    good: incident.good,
    total: incident.total,
    bad,
    budgetFrom: budget.from,
    budgetTo: budget.to,
    budgetWindowMs: budget.lengthMs,
    windowTotal,
    allowedBad: allowedErrors(windowTotal, slo.target),
    budgetConsumed: budgetConsumed({ good: windowTotal - bad, total: windowTotal }, slo.target),
  };
}
