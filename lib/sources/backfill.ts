import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { SignalHistory } from "../signals/history";
import { addToMinute, emptyMinute, type MinuteRollup, type SignalMinute } from "../signals/rollup";
import { latestSignalMinute, upsertSignalMinutes } from "../signals/repo";
import { getMeta, setMeta } from "../store/meta";
import type { SloConfig } from "../slo/schema";
import type { SloTracker } from "../slo/tracker";
import type { MetricSource } from "./types";
import type { HistoryDeriver } from "../signals/derive";
import type { SignalValues } from "../signals/types";
import type { MinutePoint } from "../signals/minute-store";

/** Minute points go back seven days (the 7d view); the tick ring holds one hour (the live views)… */
const BACKFILL_MINUTES_MS = 7 * 24 * 3600_000;
export const BACKFILL_SECONDS_MS = 3600_000;
/**
 * …of which start-up fills only the board's sparkline window at tick resolution (as for a derived
 * service, DERIVED_BACKFILL_MS below) before the war room is live; everything older comes as
 * minutes, after. The ticks of a Prometheus-fed estate cost Prometheus one `histogram_quantile`
 * per latency signal and step over every bucket series: a full hour of them was 17 of the 23 s a
 * 5,000-service estate took to go live, 15 minutes still 19 s (BENCHMARKS.md "Estate size").
 * Until the ring holds enough live ticks, the 15-minute and 1-hour views show minute buckets
 * (lib/signals/history.ts `queryKept`).
 */
export const KEPT_TICKS_BACKFILL_MS = 125_000;
/** A derived service keeps only its newest ticks (older ones are derived when asked for)… */
export const DERIVED_TICKS_MS = 3 * 60_000;
/** …and start-up fills the board's sparkline window of them (SPARK_SECONDS in lib/signals/channels.ts), so board snapshots derive nothing. */
const DERIVED_BACKFILL_MS = 125_000;
/** Minute points are asked for in chunks, so a large estate never holds seven days of points in objects at once. */
const MINUTES_CHUNK_MS = 6 * 3600_000;
/** Ticks are asked for in chunks too: ten minutes of a remote source (a few range queries each), ten ticks of a derived one. */
const TICKS_CHUNK_MS = 10 * 60_000;
const DERIVED_TICKS_CHUNK = 10;
/** After a restart, the store's minute rollups of derived services are filled for at most this much downtime. */
const DERIVED_GAP_MS = 24 * 3600_000;

export type BackfillTarget = {
  source: Pick<MetricSource, "backfillMinutes" | "backfillTicks">;
  history: SignalHistory;
  rollup: MinuteRollup;
  store: Store;
  tickMs: number;
  logger: Logger;
  services: number;
  deriver?: HistoryDeriver;
  /** Kept services whose past the source has (Prometheus); default all kept ones. A push-fed service's week is only what was pushed. */
  pulled?: (id: string) => boolean;
};

/** meta key: the pulled services whose week of minutes a backfill has asked the source for (JSON array). */
export const WEEK_BACKFILLED_KEY = "history.weekBackfilled";
/** Rows per transaction when the week of minutes is written, so ticks and requests get the store in between. */
const WRITE_SLICE = 5_000;

/** What both parts of the start-up backfill work from, decided once (before the first part writes minutes). */
export type BackfillPlan = {
  now: number;
  secondsFrom: number;
  derivedFrom: number;
  minutesFrom: number;
  minutesTo: number;
  /** Minutes starting before this are already stored; backfill does not rewrite them. */
  storedMinutesUntil: number;
  latestStored: number | null;
  kept: string[];
  derived: string[];
  /**
   * Per pulled kept service, the first minute the source is asked for. Read while the recent part
   * waits for the source (a restart of 5,000 services probes the store 10,000 times), and before
   * it writes any minute: it awaits this first.
   */
  weekFrom: Promise<Map<string, number>>;
};

export async function planBackfill(target: BackfillTarget, nowMs: number): Promise<BackfillPlan> {
  const now = Math.floor(nowMs / target.tickMs) * target.tickMs;
  const secondsFrom = now - KEPT_TICKS_BACKFILL_MS;
  const latestStored = await latestSignalMinute(target.store);
  const ids = target.history.ids();
  const kept = ids.filter((id) => !target.history.derived(id));
  const minutesFrom = Math.floor((now - BACKFILL_MINUTES_MS) / 60_000) * 60_000;
  return {
    now,
    secondsFrom,
    derivedFrom: now - DERIVED_BACKFILL_MS,
    minutesFrom,
    minutesTo: Math.floor(secondsFrom / 60_000) * 60_000,
    storedMinutesUntil: latestStored === null ? -Infinity : latestStored + 60_000,
    latestStored,
    kept,
    derived: ids.filter((id) => target.history.derived(id)),
    weekFrom: settledLater(weekFrom(target, kept.filter((id) => target.pulled?.(id) ?? true), minutesFrom)),
  };
}

/**
 * What the source is asked for per pulled kept service: from its newest stored minute (asked again,
 * it may have been partial) when an earlier backfill already asked for its week, else the whole
 * week (a new service, a first start, or a backfill that was stopped). A Prometheus that keeps
 * less than a week is asked for the week once, not at every start.
 */
async function weekFrom(target: BackfillTarget, pulled: string[], minutesFrom: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (pulled.length === 0) return out;
  const done = new Set(parseIds(await getMeta(target.store, WEEK_BACKFILLED_KEY)));
  const spans = await target.history.storedMinuteSpans(pulled.filter((id) => done.has(id)));
  for (const id of pulled) {
    const span = spans.get(id);
    out.set(id, span ? Math.max(minutesFrom, span.last) : minutesFrom);
  }
  return out;
}

/** The promise, marked as handled until someone awaits it (its rejection then reaches them, not the process). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function parseIds(text: string | null): string[] {
  if (text === null) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Start-up history from the source: seven days of minute points and the last hour of ticks into
 * the signal history, and the minute rollups the store does not hold yet. A service whose history
 * is derived (lib/signals/derive.ts) gets only its newest ticks, and minute rollups for the time
 * the server was down. Resolves with the last tick it filled (the first live tick comes after it).
 * The war room itself (lib/server/root.ts) runs the two parts apart: backfillRecent before it is
 * live, backfillOlderMinutes after.
 */
export async function backfillHistory(target: BackfillTarget, nowMs: number): Promise<number> {
  const plan = await planBackfill(target, nowMs);
  const last = await backfillRecent(target, plan);
  await backfillOlderMinutes(target, plan);
  return last;
}

/**
 * The part the live views need at once: derived services' minute rollups for a downtime, and the
 * sparkline window of ticks (lib/signals/channels.ts SPARK_SECONDS), for kept and derived services alike.
 */
export async function backfillRecent(target: BackfillTarget, plan: BackfillPlan): Promise<number> {
  const { source, history, rollup, store, tickMs, logger } = target;
  const { now, secondsFrom, derivedFrom, minutesTo, storedMinutesUntil, latestStored, kept, derived } = plan;
  const began = Date.now();
  if (target.deriver && derived.length > 0 && latestStored !== null) {
    const gapFrom = Math.max(storedMinutesUntil, minutesTo - DERIVED_GAP_MS);
    const mids: number[] = [];
    for (let m = gapFrom; m < Math.floor(derivedFrom / 60_000) * 60_000; m += 60_000) mids.push(m + 30_000);
    for (const id of mids.length > 0 ? derived : []) {
      const values = target.deriver.sample(id, mids);
      await upsertSignalMinutes(store, values.map((v, i) => minuteRow(id, mids[i] - 30_000, v)));
    }
  }
  const rows: SignalMinute[] = [];
  const ticksFrom = kept.length > 0 ? secondsFrom : derivedFrom;
  // In chunks, so the values of every service at every tick are never all alive at once.
  const chunkMs = (kept.length > 0 ? Math.ceil(TICKS_CHUNK_MS / tickMs) : DERIVED_TICKS_CHUNK) * tickMs;
  for (let from = ticksFrom; from < now; from += chunkMs) {
    for (const { t, values } of await source.backfillTicks(from, Math.min(now, from + chunkMs), tickMs)) {
      for (const [id, v] of Object.entries(values)) {
        if (!history.has(id)) continue;
        if (t < derivedFrom && history.derived(id)) continue;
        history.record(id, t, v);
        if (t >= storedMinutesUntil) {
          const done = rollup.add(id, t, v, tickMs / 1000);
          if (done) rows.push(done);
        }
      }
    }
  }
  await upsertSignalMinutes(store, rows);
  // Not the minute the window starts in: it holds only the window's ticks (the older part asks the source for all of it).
  // After the stored minutes were read for the older part (its plan), so that a restart's downtime is still seen as missing.
  await plan.weekFrom;
  await history.writeMinutes(history.takeClosedMinutes().filter((m) => m.start >= secondsFrom));
  logger.info({ ms: Date.now() - began, services: target.services, derived: derived.length }, "recent history backfilled");
  return now - tickMs;
}

/**
 * Seven days of minute points of the pulled kept services, up to and including the minute the
 * backfilled ticks begin in, newest chunk first, into the minute store (lib/signals/minute-store.ts;
 * the store, so it runs while the war room is live and ticks arrive). At 1,000 Prometheus-fed
 * services this is hundreds of range queries, so the source is asked only for what the plan found
 * missing (`weekFrom`: after a restart, the downtime). Written in transactions of WRITE_SLICE rows.
 * When it has run to the end, the services are noted (meta WEEK_BACKFILLED_KEY). `stopped` ends it
 * between chunks (shutdown).
 */
export async function backfillOlderMinutes(target: BackfillTarget, plan: BackfillPlan, stopped: () => boolean = () => false): Promise<void> {
  const { source, history, store, logger } = target;
  const { minutesFrom, minutesTo, storedMinutesUntil } = plan;
  const needFrom = await plan.weekFrom;
  // The minute the ticks begin in is asked for too (its ticks were only the window's).
  const until = minutesTo + 60_000;
  if (needFrom.size === 0 || until <= minutesFrom) return;
  const began = Date.now();
  const askFrom = Math.min(...needFrom.values());
  for (let to = until; to > askFrom && !stopped(); to -= MINUTES_CHUNK_MS) {
    const from = Math.max(askFrom, to - MINUTES_CHUNK_MS);
    const rows: SignalMinute[] = [];
    const points: MinutePoint[] = [];
    const minutes = await source.backfillMinutes(from, to);
    if (stopped()) return;
    for (const [id, pts] of Object.entries(minutes)) {
      const need = needFrom.get(id);
      if (need === undefined) continue;
      for (const p of pts) {
        if (p.t < need) continue;
        points.push({ service: id, start: p.t, values: p.values });
        if (p.t >= storedMinutesUntil && p.t < minutesTo) rows.push(minuteRow(id, p.t, p.values));
      }
    }
    for (let i = 0; i < points.length; i += WRITE_SLICE) await history.writeMinutes(points.slice(i, i + WRITE_SLICE));
    for (let i = 0; i < rows.length; i += WRITE_SLICE) await upsertSignalMinutes(store, rows.slice(i, i + WRITE_SLICE));
  }
  if (stopped()) return;
  const done = new Set([...parseIds(await getMeta(store, WEEK_BACKFILLED_KEY)), ...needFrom.keys()]);
  await setMeta(store, WEEK_BACKFILLED_KEY, JSON.stringify([...done]));
  logger.info({ ms: Date.now() - began, services: needFrom.size, from: new Date(askFrom).toISOString() }, "minute history backfilled");
}

function minuteRow(id: string, start: number, v: SignalValues): SignalMinute {
  const row = emptyMinute(id, start);
  addToMinute(row, v, 60);
  return row;
}

/**
 * Fills the SLO counts for the part of each window the store lacks: from the source's own
 * counters when it has them (Prometheus `increase`), else from its sampled values. A failing
 * source logs and fills nothing, so a source that is down never stops start-up.
 */
export async function backfillSloCounts(opts: { source: Pick<MetricSource, "backfillMinutes" | "sloCountsRangeMany">; slos: SloTracker; logger: Logger; deriver?: HistoryDeriver }, now: number): Promise<void> {
  const { source, slos, logger } = opts;
  const values = (from: number, to: number, step: number) =>
    source.backfillMinutes(from, to, step).catch((err: unknown) => {
      logger.warn({ err: String(err) }, "SLO backfill failed");
      return {};
    });
  const countsMany = source.sloCountsRangeMany?.bind(source);
  const counts = countsMany
    ? (batch: readonly SloConfig[], from: number, to: number, step: number) =>
        countsMany(batch.map((slo) => ({ sli: slo.sli, service: slo.service })), from, to, step).catch((err: unknown) => {
          logger.warn({ err: String(err), slos: batch.length, first: batch[0]?.id }, "SLO backfill from Prometheus failed");
          return batch.map(() => []);
        })
    : undefined;
  const began = Date.now();
  await slos.load(now, values, counts, opts.deriver);
  logger.info({ ms: Date.now() - began }, "SLO counts backfilled");
}
