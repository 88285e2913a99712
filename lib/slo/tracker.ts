import type { SloConfig } from "./schema";
import type { SloStatus } from "./contract";
import { sliCounts } from "./sli";
import {
  BURN_WINDOWS,
  WINDOWS_MS,
  budgetConsumed,
  budgetRemaining,
  burnRate,
  errorRatio,
  timeToExhaustion,
  windowRange,
  type Counts,
} from "./math";
import { burnRatePolicy, evaluateBurnAlerts } from "./burn-alerts";
import type { SignalValues } from "../signals/types";
import type { Store } from "../store/store";
import { listSliCounts, listSliCountsBySlo, purgeSliCountsBefore, sliStartBounds, sumSliCounts, upsertSliCounts, type SliRow } from "./repo";
import { MinuteRing } from "./recent";
import { refreshWindows, slideWindows, type Tracked } from "./window-sums";
import { SpanSampler, countRows, deriveSpans, spanRows, spanStarts, sumSpans } from "./derived";
import type { HistoryDeriver } from "../signals/derive";

/** SLOs whose backfill counts are asked for and written together (lib/sources/prometheus.ts sloCountsRangeMany). */
const SLO_BACKFILL_BATCH = 500;

const MINUTE = 60_000;
/** Minutes kept in memory: the longest burn window (3d) plus margin. */
const RECENT_MINUTES = 3 * 1440 + 60;
/** Backfilled data older than the burn windows is stored in coarser buckets. */
const COARSE_SPAN = 10 * MINUTE;
/** About a day of minutes for 30 SLOs: beyond that an outage drops the oldest unsaved counts. */
const MAX_UNSAVED_ROWS = 50_000;
/** Rows are kept for the longest SLO window (31 days) plus a day. */
export const SLI_RETENTION_MS = 32 * 24 * 3600_000;

const BURN_WINDOW_MS = BURN_WINDOWS.map((w) => WINDOWS_MS[w]);

export type { BurnAlertStatus, SloStatus } from "./contract";

/**
 * Error budgets of every SLO, live: ticks add events to the open minute; closed minutes are
 * written to the store (so budgets survive restarts) and kept in memory for burn windows.
 */
export class SloTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly store: Store;
  private readonly servicesOf = new Map<string, SloConfig[]>();
  /** Closed minutes the store did not take (unreachable); written with the next ones, so an outage loses no counts. */
  private unsaved: SliRow[] = [];

  constructor(opts: { store: Store; slos: readonly SloConfig[] }) {
    this.store = opts.store;
    // One allocation for every SLO's burn-window ring: thousands of small typed arrays are slow to create.
    const slab = new Float32Array(2 * RECENT_MINUTES * opts.slos.length);
    for (const [k, slo] of opts.slos.entries()) {
      this.tracked.set(slo.id, { slo, recent: new MinuteRing(RECENT_MINUTES, { buffer: slab, offset: 2 * RECENT_MINUTES * k }), derived: null, open: null, stored: { from: 0, to: 0, counts: { good: 0, total: 0 } } });
      const list = this.servicesOf.get(slo.service) ?? [];
      list.push(slo);
      this.servicesOf.set(slo.service, list);
    }
  }

  get slos(): SloConfig[] {
    return [...this.tracked.values()].map((t) => t.slo);
  }

  /**
   * Fills the store from `backfill` for the part of each SLO window it does not cover yet
   * (first start, or time the server was down), then loads the recent minutes.
   */
  async load(
    now: number,
    backfill?: (from: number, to: number, stepMs: number) => Promise<Record<string, { t: number; values: SignalValues }[]>>,
    /** When the source counts events itself (Prometheus `increase`), rows come from here instead of from sampled values. */
    countsBackfill?: (slos: readonly SloConfig[], from: number, to: number, stepMs: number) => Promise<{ t: number; good: number; total: number }[][]>,
    /** SLOs of services it derives get their past from it, not from the store or the backfills (lib/slo/derived.ts). */
    deriver?: HistoryDeriver,
  ): Promise<void> {
    const currentMinute = Math.floor(now / MINUTE) * MINUTE;
    const all = [...this.tracked.values()];
    const derivedTrs = deriver ? all.filter((tr) => deriver.derives(tr.slo.service)) : [];
    const rest = deriver ? all.filter((tr) => !deriver.derives(tr.slo.service)) : all;
    if (deriver && derivedTrs.length > 0) await this.loadDerived(derivedTrs, deriver, now);
    // Every SLO's newest stored row in one query (a large estate has thousands of SLOs).
    const bounds = rest.length > 0 && (countsBackfill || backfill) ? await sliStartBounds(this.store) : new Map<string, { latest: number }>();
    if (countsBackfill && rest.length > 0) {
      // No row may start before the window (the window sums rows by start): minutes up to the
      // first 10-minute boundary, 10-minute spans until the burn windows, then minutes again.
      // SLOs missing the same spans (all of them at a first start) are asked for together, in
      // batches, so a large estate never holds every SLO's rows in objects at once.
      const plans = new Map<string, { from: number; coarseFrom: number; coarseTo: number; trs: Tracked[] }>();
      for (const tr of rest) {
        const windowFrom = Math.ceil(windowRange(tr.slo.window, now).from / MINUTE) * MINUTE;
        const latest = bounds.get(tr.slo.id)?.latest ?? null;
        const from = latest === null ? windowFrom : Math.max(windowFrom, latest + MINUTE);
        const fine = Math.max(from, currentMinute - 3 * 24 * 3600_000 - 60 * MINUTE);
        const coarseFrom = Math.min(Math.ceil(from / COARSE_SPAN) * COARSE_SPAN, fine);
        const coarseTo = Math.max(coarseFrom, Math.floor(fine / COARSE_SPAN) * COARSE_SPAN);
        const key = `${from}:${coarseFrom}:${coarseTo}`;
        (plans.get(key) ?? plans.set(key, { from, coarseFrom, coarseTo, trs: [] }).get(key)!).trs.push(tr);
      }
      for (const { from, coarseFrom, coarseTo, trs } of plans.values()) {
        for (let b = 0; b < trs.length; b += SLO_BACKFILL_BATCH) {
          const batch = trs.slice(b, b + SLO_BACKFILL_BATCH);
          const slos = batch.map((tr) => tr.slo);
          const rows: SliRow[] = [];
          const add = (spanMs: number, got: { t: number; good: number; total: number }[][]) =>
            got.forEach((list, k) => {
              for (const r of list) rows.push({ sloId: batch[k].slo.id, start: r.t, spanMs, good: r.good, total: r.total });
            });
          if (coarseFrom > from) add(MINUTE, await countsBackfill(slos, from, coarseFrom, MINUTE));
          if (coarseTo > coarseFrom) add(COARSE_SPAN, await countsBackfill(slos, coarseFrom, coarseTo, COARSE_SPAN));
          if (currentMinute > coarseTo) add(MINUTE, await countsBackfill(slos, coarseTo, currentMinute, MINUTE));
          await upsertSliCounts(this.store, rows);
        }
      }
    } else if (backfill && rest.length > 0) {
      const fromBySlo = new Map<string, number>();
      for (const tr of rest) {
        const windowFrom = Math.floor(windowRange(tr.slo.window, now).from / MINUTE) * MINUTE;
        const latest = bounds.get(tr.slo.id)?.latest ?? null;
        fromBySlo.set(tr.slo.id, latest === null ? windowFrom : Math.max(windowFrom, latest + MINUTE));
      }
      const from = Math.min(...fromBySlo.values());
      if (from < currentMinute) {
        // Data older than the burn windows only feeds the SLO window sum: coarse is enough.
        const fine = Math.max(from, currentMinute - 3 * 24 * 3600_000 - 60 * MINUTE);
        const coarseFrom = Math.floor(from / COARSE_SPAN) * COARSE_SPAN;
        const parts = [
          { points: fine > coarseFrom ? await backfill(coarseFrom, Math.floor(fine / COARSE_SPAN) * COARSE_SPAN, COARSE_SPAN) : {}, span: COARSE_SPAN },
          { points: await backfill(Math.floor(fine / COARSE_SPAN) * COARSE_SPAN, currentMinute, MINUTE), span: MINUTE },
        ];
        const rows: SliRow[] = [];
        for (const tr of rest) {
          const sloFrom = fromBySlo.get(tr.slo.id)!;
          for (const part of parts) {
            for (const p of part.points[tr.slo.service] ?? []) {
              if (p.t + part.span <= sloFrom) continue;
              rows.push({ sloId: tr.slo.id, start: p.t, spanMs: part.span, ...sliCounts(tr.slo.sli, p.values, part.span / 1000) });
            }
          }
        }
        await upsertSliCounts(this.store, rows);
      }
    }
    // One query for every SLO's recent rows and one per window for the sums: a large estate has thousands.
    const recentFrom = currentMinute - RECENT_MINUTES * MINUTE;
    const recentRows = await listSliCountsBySlo(this.store, recentFrom, currentMinute + MINUTE);
    for (const tr of all) {
      for (const r of spanRows(tr.slo.id, tr.derived, recentFrom, currentMinute)) tr.recent.add(r.start, r);
      for (const r of recentRows.get(tr.slo.id) ?? []) {
        tr.recent.add(r.start, r);
        // A minute flushed at shutdown continues where it stopped instead of being overwritten.
        if (r.start === currentMinute) tr.open = { minute: r.start, good: r.good, total: r.total };
      }
    }
    await refreshWindows(this.store, all, now);
  }

  /** Derives each SLO's past before its first stored minute, and stores the minutes of a downtime gap. */
  private async loadDerived(trs: readonly Tracked[], deriver: HistoryDeriver, now: number): Promise<void> {
    const currentMinute = Math.floor(now / MINUTE) * MINUTE;
    const bounds = await sliStartBounds(this.store);
    const sampler = new SpanSampler(deriver);
    const byService = new Map<string, Tracked[]>();
    for (const tr of trs) byService.set(tr.slo.service, [...(byService.get(tr.slo.service) ?? []), tr]);
    for (const [service, list] of byService) {
      const rows: SliRow[] = [];
      for (const tr of list) {
        const windowFrom = Math.ceil(windowRange(tr.slo.window, now).from / MINUTE) * MINUTE;
        const b = bounds.get(tr.slo.id);
        tr.derived = deriveSpans(tr.slo, sampler, windowFrom, b ? b.earliest : currentMinute);
        const gapFrom = b ? Math.max(b.latest + MINUTE, windowFrom) : currentMinute;
        // A long downtime is filled in the same growing spans (minutes only for its last hour).
        const gap = spanStarts(gapFrom, currentMinute);
        if (gap.length > 0) rows.push(...countRows(tr.slo, gap, sampler.values(service, gap)));
      }
      sampler.release(service);
      await upsertSliCounts(this.store, rows);
    }
  }

  /** The open (not yet stored) minute of each given SLO, as a row. */
  openRows(sloIds: readonly string[]): SliRow[] {
    const rows: SliRow[] = [];
    for (const id of sloIds) {
      const tr = this.tracked.get(id);
      if (tr?.open) rows.push({ sloId: id, start: tr.open.minute, spanMs: MINUTE, good: tr.open.good, total: tr.open.total });
    }
    return rows;
  }

  /** Writes the open minutes (graceful shutdown), so a restart loses no events. */
  async flush(): Promise<void> {
    const rows: SliRow[] = [...this.unsaved];
    for (const tr of this.tracked.values()) {
      if (tr.open) rows.push({ sloId: tr.slo.id, start: tr.open.minute, spanMs: MINUTE, good: tr.open.good, total: tr.open.total });
    }
    await upsertSliCounts(this.store, rows);
  }

  /** Adds one tick's events (values per service, covering `seconds`). Persists minutes as they close. */
  async record(
    t: number,
    valuesByService: Readonly<Record<string, SignalValues>>,
    seconds: number,
    shareFaster?: Readonly<Record<string, (thresholdMs: number) => number>>,
    /** False on a follower (lib/ingest/recorder.ts replica): the leader writes the closed minutes. */
    persist = true,
  ): Promise<void> {
    const closed: SliRow[] = [];
    // Only the SLOs of services in this call move on (a pushed sample carries one service).
    for (const [service, values] of Object.entries(valuesByService)) this.count(t, service, values, seconds, shareFaster?.[service], closed);
    if (closed.length > 0) await this.persistClosed(closed, t, persist);
  }

  /**
   * The synchronous part of `record` for one service: adds its events to the open minutes and
   * pushes the minutes this closes onto `closed`, for `persistClosed`. Push ingest
   * (lib/ingest/recorder.ts recordPushed) calls it per sample and awaits only when a minute
   * closes: a promise per sample cost more than the counting (BENCHMARKS.md "Push ingest").
   */
  count(t: number, service: string, values: SignalValues, seconds: number, shareFaster: ((thresholdMs: number) => number) | undefined, closed: SliRow[]): void {
    const slos = this.servicesOf.get(service);
    if (!slos) return;
    const minute = Math.floor(t / MINUTE) * MINUTE;
    for (const slo of slos) {
      const tr = this.tracked.get(slo.id)!;
      if (tr.open && minute < tr.open.minute) continue; // a late sample must not reopen a closed minute
      if (tr.open && tr.open.minute !== minute) {
        closed.push({ sloId: tr.slo.id, start: tr.open.minute, spanMs: MINUTE, good: tr.open.good, total: tr.open.total });
        tr.open = null;
      }
      const c = sliCounts(tr.slo.sli, values, seconds, shareFaster);
      tr.open ??= { minute, good: 0, total: 0 };
      tr.open.good += c.good;
      tr.open.total += c.total;
      tr.recent.add(t, c);
    }
  }

  /** Writes minutes `count` closed (with any the store did not take before) and slides the windows; a follower only re-reads its sums. */
  async persistClosed(closed: readonly SliRow[], t: number, persist = true): Promise<void> {
    if (!persist) {
      // A follower: the leader writes the closed minutes; this instance only reads them back.
      for (const row of closed) await this.refreshStored(this.tracked.get(row.sloId)!, t);
      return;
    }
    this.unsaved.push(...closed);
    const rows = [...this.unsaved];
    try {
      await upsertSliCounts(this.store, rows);
    } catch (err) {
      if (this.unsaved.length > MAX_UNSAVED_ROWS) this.unsaved.splice(0, this.unsaved.length - MAX_UNSAVED_ROWS);
      throw err;
    }
    const written = new Set(rows);
    this.unsaved = this.unsaved.filter((r) => !written.has(r));
    const moved = new Set<Tracked>();
    for (const r of rows) {
      const tr = this.tracked.get(r.sloId)!;
      if (r.start >= tr.stored.from) {
        tr.stored.counts.good += r.good;
        tr.stored.counts.total += r.total;
      }
      moved.add(tr);
    }
    await slideWindows(this.store, [...moved], t);
  }

  status(now: number): SloStatus[] {
    return [...this.tracked.values()].map((tr) => this.statusOf(tr, now));
  }

  /**
   * Budget remaining across the window, measured against what the window's traffic so far
   * allows (so the last point equals the current remaining), and the ideal straight line from
   * 100% at the window start to 0% at its end. At most ~500 points.
   */
  async burndown(sloId: string, now: number): Promise<{ from: number; to: number; points: { t: number; remaining: number | null; ideal: number }[] }> {
    const tr = this.tracked.get(sloId);
    if (!tr) throw new Error(`unknown SLO ${sloId}`);
    const { from, lengthMs } = windowRange(tr.slo.window, now);
    const rows = [...spanRows(sloId, tr.derived, from, now), ...(await listSliCounts(this.store, sloId, from, now))];
    if (tr.open) rows.push({ sloId, start: tr.open.minute, spanMs: MINUTE, good: tr.open.good, total: tr.open.total });
    const total = rows.reduce((a, r) => a + r.total, 0);
    const allowed = total * (1 - tr.slo.target);
    const step = Math.max(MINUTE, Math.ceil((now - from) / 500 / MINUTE) * MINUTE);
    const points: { t: number; remaining: number | null; ideal: number }[] = [];
    let bad = 0;
    let i = 0;
    for (let t = from + step; t < now + step; t += step) {
      const edge = Math.min(t, now);
      while (i < rows.length && (rows[i].start < edge || edge === now)) {
        bad += Math.max(0, rows[i].total - rows[i].good);
        i++;
      }
      points.push({ t: edge, remaining: allowed > 0 ? 1 - bad / allowed : null, ideal: Math.max(0, 1 - (edge - from) / lengthMs) });
    }
    return { from, to: now, points };
  }

  /** Retention (lib/store/retention.ts). */
  readonly purger = { name: "sli", purge: (now: number) => this.purge(now) };

  async purge(now: number): Promise<number> {
    return purgeSliCountsBefore(this.store, now - SLI_RETENTION_MS);
  }

  private async refreshStored(tr: Tracked, now: number): Promise<void> {
    const { from } = windowRange(tr.slo.window, now);
    const to = tr.open ? tr.open.minute : Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const c = await sumSliCounts(this.store, tr.slo.id, from, to);
    const spans = sumSpans(tr.derived, from, to);
    tr.stored = { from, to, counts: { good: c.good + spans.good, total: c.total + spans.total } };
  }

  private statusOf(tr: Tracked, now: number): SloStatus {
    const { slo } = tr;
    const range = windowRange(slo.window, now);
    const window: Counts = {
      good: tr.stored.counts.good + (tr.open?.good ?? 0),
      total: tr.stored.counts.total + (tr.open?.total ?? 0),
    };
    const burnRates = { window: burnRate(window, slo.target) } as SloStatus["burnRates"];
    const sums = tr.recent.windows(now, BURN_WINDOW_MS);
    BURN_WINDOWS.forEach((w, k) => (burnRates[w] = burnRate(sums[k], slo.target)));
    const remaining = budgetRemaining(window, slo.target);
    const policy = burnRatePolicy(range.lengthMs);
    const bad = Math.max(0, window.total - window.good);
    return {
      id: slo.id,
      service: slo.service,
      name: slo.name ?? slo.id,
      description: slo.description,
      sli: slo.sli,
      target: slo.target,
      window: slo.window,
      windowFrom: range.from,
      windowMs: range.lengthMs,
      good: window.good,
      total: window.total,
      bad,
      allowedBad: window.total * (1 - slo.target),
      errorRatio: errorRatio(window),
      budgetConsumed: budgetConsumed(window, slo.target),
      budgetRemaining: remaining,
      burnRates,
      // "Current" burn: the last hour, the shortest window that is not noise.
      timeToExhaustionMs: timeToExhaustion({ remaining, windowMs: range.lengthMs, burnRate: burnRates["1h"] }),
      burnAlerts: slo.alerting.burnRate ? evaluateBurnAlerts(policy, burnRates) : [],
    };
  }
}
