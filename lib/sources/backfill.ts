import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { SignalHistory } from "../signals/history";
import { addToMinute, emptyMinute, type MinuteRollup, type SignalMinute } from "../signals/rollup";
import { latestSignalMinute, upsertSignalMinutes } from "../signals/repo";
import type { SloConfig } from "../slo/schema";
import type { SloTracker } from "../slo/tracker";
import type { MetricSource } from "./types";
import type { HistoryDeriver } from "../signals/derive";
import type { SignalValues } from "../signals/types";

/** Minute points go back seven days (the 7d view); second points one hour (the live views). */
const BACKFILL_MINUTES_MS = 7 * 24 * 3600_000;
export const BACKFILL_SECONDS_MS = 3600_000;
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

export type BackfillTarget = { source: Pick<MetricSource, "backfillMinutes" | "backfillTicks">; history: SignalHistory; rollup: MinuteRollup; store: Store; tickMs: number; logger: Logger; services: number; deriver?: HistoryDeriver };

/**
 * Start-up history from the source: seven days of minute points and the last hour of ticks into
 * the signal history, and the minute rollups the store does not hold yet. A service whose history
 * is derived (lib/signals/derive.ts) gets only its newest ticks, and minute rollups for the time
 * the server was down. Resolves with the last tick it filled (the first live tick comes after it).
 */
export async function backfillHistory(target: BackfillTarget, nowMs: number): Promise<number> {
  const { source, history, rollup, store, tickMs, logger } = target;
  const began = Date.now();
  const now = Math.floor(nowMs / tickMs) * tickMs;
  const secondsFrom = now - BACKFILL_SECONDS_MS;
  const derivedFrom = now - DERIVED_BACKFILL_MS;
  const minutesFrom = Math.floor((now - BACKFILL_MINUTES_MS) / 60_000) * 60_000;
  const minutesTo = Math.floor(secondsFrom / 60_000) * 60_000;
  const latestStored = await latestSignalMinute(store);
  // Minutes starting before this are already stored; backfill does not rewrite them.
  const storedMinutesUntil = latestStored === null ? -Infinity : latestStored + 60_000;
  const ids = target.history.ids();
  const kept = ids.filter((id) => !history.derived(id));
  const derived = ids.filter((id) => history.derived(id));
  if (kept.length > 0) {
    const keptSet = new Set(kept);
    for (let from = minutesFrom; from < minutesTo; from += MINUTES_CHUNK_MS) {
      const rows: SignalMinute[] = [];
      const minutes = await source.backfillMinutes(from, Math.min(minutesTo, from + MINUTES_CHUNK_MS));
      for (const [id, pts] of Object.entries(minutes)) {
        if (!keptSet.has(id)) continue;
        for (const p of pts) {
          history.recordMinute(id, p.t, p.values);
          if (p.t >= storedMinutesUntil) rows.push(minuteRow(id, p.t, p.values));
        }
      }
      await upsertSignalMinutes(store, rows);
    }
  }
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
  logger.info({ ms: Date.now() - began, services: target.services, derived: derived.length }, "history backfilled");
  return now - tickMs;
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
export async function backfillSloCounts(opts: { source: Pick<MetricSource, "backfillMinutes" | "sloCountsRange">; slos: SloTracker; logger: Logger; deriver?: HistoryDeriver }, now: number): Promise<void> {
  const { source, slos, logger } = opts;
  const values = (from: number, to: number, step: number) =>
    source.backfillMinutes(from, to, step).catch((err: unknown) => {
      logger.warn({ err: String(err) }, "SLO backfill failed");
      return {};
    });
  const countsRange = source.sloCountsRange?.bind(source);
  const counts = countsRange
    ? (slo: SloConfig, from: number, to: number, step: number) =>
        countsRange(slo.sli, slo.service, from, to, step).catch((err: unknown) => {
          logger.warn({ err: String(err), slo: slo.id }, "SLO backfill from Prometheus failed");
          return [];
        })
    : undefined;
  await slos.load(now, values, counts, opts.deriver);
}
