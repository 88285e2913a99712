import type { Incident } from "../incidents/model";
import { allowedErrors, budgetConsumed, windowRange, type Counts } from "../slo/math";
import type { SloConfig } from "../slo/schema";
import type { SignalMinute } from "../signals/rollup";
import type { SliRow } from "../slo/repo";
import type { ImpactReport, ImpactWindow, ServiceImpact, SloImpact } from "./contract";

/**
 * Impact of an incident, computed from the recorded per-minute metrics (docs/api.md "Postmortems"). Pure: the
 * caller loads the rows, this only does arithmetic.
 *
 * ## Which rows count (one rule, used for signal minutes and SLI rows alike)
 *
 * A row is identified by the start of its bucket. A row counts for the range [from, to) when
 *
 *     floor(from / 1 min) × 1 min  ≤  row.start  <  to
 *
 * i.e. the minute in which the incident started counts in full, and every bucket that starts
 * before the end time counts in full (so the minute in which the incident was resolved counts
 * as well, when `to` lies inside it; a bucket starting exactly at `to` does not). Rows are never
 * pro-rated: a partial minute contributes all of its requests and errors. This over-counts by
 * at most one minute at each edge, which is the honest reading of minute data ("the incident
 * touched this minute"). It is the same half-open rule as the store's `listSliCounts` /
 * `sumSliCounts` (`start >= from AND start < to`) once `from` is floored to the minute, so the
 * caller can load exactly the rows this function will use.
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

export const MINUTE_MS = 60_000;

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

/** Whether a row starting at `start` counts for `range` (already from {@link bucketRange}). */
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
};

/** A count from a row: non-finite or negative values count as 0. */
function num(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** Impact per affected service and per SLO over the incident window. See the notes at the top. */
export function computeImpact(input: ImpactInput): ImpactReport {
  const { window } = input;
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to) || window.to < window.from) {
    throw new RangeError(`impact window must have finite from ≤ to, got [${window.from}, ${window.to})`);
  }
  const range = bucketRange(window);
  const services = [...new Set(input.services)];
  const byService = new Map<string, ServiceImpact>();
  for (const service of services) {
    byService.set(service, {
      service,
      minutesWithData: 0,
      peakP99Ms: null,
      peakP99At: null,
      peakErrorPct: null,
      peakErrorPctAt: null,
      requests: 0,
      failedRequests: 0,
      failed5xx: 0,
      errorRatio: null,
      slos: [],
    });
  }

  const seenMinutes = new Map<string, Set<number>>();
  // Oldest first, so "earliest on ties" holds whatever order the rows come in.
  const rows = input.minutes.filter((m) => byService.has(m.service) && counts(m.start, range)).sort((a, b) => a.start - b.start);
  for (const m of rows) {
    const s = byService.get(m.service)!;
    const seen = seenMinutes.get(m.service) ?? new Set<number>();
    seen.add(m.start);
    seenMinutes.set(m.service, seen);
    s.requests += num(m.requests);
    s.failedRequests += num(m.errors);
    s.failed5xx += num(m.errors5xx);
    if (Number.isFinite(m.p99Max) && (s.peakP99Ms === null || m.p99Max > s.peakP99Ms)) {
      s.peakP99Ms = m.p99Max;
      s.peakP99At = m.start;
    }
    if (Number.isFinite(m.errorPctMax) && (s.peakErrorPct === null || m.errorPctMax > s.peakErrorPct)) {
      s.peakErrorPct = m.errorPctMax;
      s.peakErrorPctAt = m.start;
    }
  }
  for (const s of byService.values()) {
    s.minutesWithData = seenMinutes.get(s.service)?.size ?? 0;
    s.errorRatio = s.requests > 0 ? s.failedRequests / s.requests : null;
  }

  const rowsBySlo = new Map<string, SliRow[]>();
  for (const r of input.sliRows) {
    const list = rowsBySlo.get(r.sloId) ?? [];
    list.push(r);
    rowsBySlo.set(r.sloId, list);
  }
  for (const slo of input.slos) {
    const s = byService.get(slo.service);
    if (!s) continue;
    s.slos.push(sloImpact(slo, window, range, rowsBySlo.get(slo.id) ?? []));
  }

  const list = services.map((name) => byService.get(name)!);
  return {
    window: { from: window.from, to: window.to },
    range,
    durationMs: window.to - window.from,
    services: list,
    totals: {
      requests: list.reduce((a, s) => a + s.requests, 0),
      failedRequests: list.reduce((a, s) => a + s.failedRequests, 0),
      failed5xx: list.reduce((a, s) => a + s.failed5xx, 0),
    },
  };
}

function sloImpact(slo: SloConfig, window: ImpactWindow, range: ImpactWindow, rows: readonly SliRow[]): SloImpact {
  const budget = sloBudgetRange(slo, window);
  const incident: Counts = { good: 0, total: 0 };
  let windowTotal = 0;
  for (const r of rows) {
    const good = num(r.good);
    const total = num(r.total);
    if (counts(r.start, budget)) windowTotal += total;
    if (counts(r.start, range)) {
      incident.good += good;
      incident.total += total;
    }
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
