import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { SignalHistory } from "../signals/history";
import { addToMinute, emptyMinute, type MinuteRollup, type SignalMinute } from "../signals/rollup";
import { latestSignalMinute, upsertSignalMinutes } from "../signals/repo";
import type { SloConfig } from "../slo/schema";
import type { SloTracker } from "../slo/tracker";
import type { MetricSource } from "./types";

/** Minute points go back seven days (the 7d view); second points one hour (the live views). */
const BACKFILL_MINUTES_MS = 7 * 24 * 3600_000;
export const BACKFILL_SECONDS_MS = 3600_000;

export type BackfillTarget = { source: Pick<MetricSource, "backfillMinutes" | "backfillTicks">; history: SignalHistory; rollup: MinuteRollup; store: Store; tickMs: number; logger: Logger; services: number };

/**
 * Start-up history from the source: seven days of minute points and the last hour of ticks into
 * the signal history, and the minute rollups the store does not hold yet. Resolves with the last
 * tick it filled (the first live tick comes after it).
 */
export async function backfillHistory(target: BackfillTarget, nowMs: number): Promise<number> {
  const { source, history, rollup, store, tickMs, logger } = target;
  const began = Date.now();
  const now = Math.floor(nowMs / tickMs) * tickMs;
  const secondsFrom = now - BACKFILL_SECONDS_MS;
  const minutesFrom = Math.floor((now - BACKFILL_MINUTES_MS) / 60_000) * 60_000;
  const latestStored = await latestSignalMinute(store);
  // Minutes starting before this are already stored; backfill does not rewrite them.
  const storedMinutesUntil = latestStored === null ? -Infinity : latestStored + 60_000;
  const rows: SignalMinute[] = [];
  const minutes = await source.backfillMinutes(minutesFrom, Math.floor(secondsFrom / 60_000) * 60_000);
  for (const [id, pts] of Object.entries(minutes)) {
    if (!history.has(id)) continue;
    for (const p of pts) {
      history.recordMinute(id, p.t, p.values);
      if (p.t >= storedMinutesUntil) {
        const row = emptyMinute(id, p.t);
        addToMinute(row, p.values, 60);
        rows.push(row);
      }
    }
  }
  for (const { t, values } of await source.backfillTicks(secondsFrom, now, tickMs)) {
    for (const [id, v] of Object.entries(values)) {
      if (!history.has(id)) continue;
      history.record(id, t, v);
      if (t >= storedMinutesUntil) {
        const done = rollup.add(id, t, v, tickMs / 1000);
        if (done) rows.push(done);
      }
    }
  }
  await upsertSignalMinutes(store, rows);
  logger.info({ ms: Date.now() - began, services: target.services }, "history backfilled");
  return now - tickMs;
}

/**
 * Fills the SLO counts for the part of each window the store lacks: from the source's own
 * counters when it has them (Prometheus `increase`), else from its sampled values. A failing
 * source logs and fills nothing, so a source that is down never stops start-up.
 */
export async function backfillSloCounts(opts: { source: Pick<MetricSource, "backfillMinutes" | "sloCountsRange">; slos: SloTracker; logger: Logger }, now: number): Promise<void> {
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
  await slos.load(now, values, counts);
}
