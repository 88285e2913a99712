import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { PointValues } from "../signals/contract";
import type { ServiceCatalog } from "../signals/catalog";
import type { BoardChannels } from "../signals/channels";
import type { SignalHistory } from "../signals/history";
import type { Freshness } from "../signals/freshness";
import { upsertSignalMinutes } from "../signals/repo";
import type { MinuteRollup, SignalMinute } from "../signals/rollup";
import type { MinutePoint } from "../signals/minute-store";
import { roundValues } from "../signals/round";
import type { SignalPoint, SignalValues } from "../signals/types";
import type { SloChannel } from "../slo/channel";
import type { SloTracker } from "../slo/tracker";
import type { SliRow } from "../slo/repo";
import { burnObservations } from "../slo/burn-observations";
import type { AlertChannel } from "../alerts/channel";
import type { AlertEngine } from "../alerts/engine";
import type { IncidentCtx } from "../incidents/context";
import { recordAlertChange } from "../incidents/service";
import { StoreUnavailable } from "../errors";

/** The store logs an outage once (lib/store/outage.ts); a failed write during one is not news. */
const unlessOutage = (logger: Logger, msg: string) => (err: unknown) => {
  if (!(err instanceof StoreUnavailable)) logger.warn({ err }, msg);
};

export type RecorderDeps = {
  store: Store;
  logger: Logger;
  tickMs: number;
  catalog: ServiceCatalog;
  history: SignalHistory;
  rollup: MinuteRollup;
  board: BoardChannels;
  slos: SloTracker;
  sloChannel: SloChannel;
  alerts: AlertEngine;
  alertChannel: AlertChannel;
  incidents: IncidentCtx;
  /** Staleness per service: a pushed point's interval sets it. */
  freshness?: Freshness;
};

export type RecordOptions = {
  /** Evaluate alerts after recording (ticks do; pushed samples leave it to the next tick). */
  alerts?: boolean;
  /** The minute the counts go to: a pushed interval's middle (default `t`). */
  countAt?: number;
  /** Publish a board tick (push ingest publishes one per batch instead). */
  board?: boolean;
  /** Exact share of requests faster than a threshold, from pushed histograms (latency SLOs). */
  shareFaster?: Record<string, (thresholdMs: number) => number>;
  /**
   * A follower's copy of the leader's tick or of pushed samples (docs/architecture.md "Several instances"): memory
   * only (history, rollups, SLO counts); nothing is written and no alert is evaluated. With
   * `publish` (the broker is down) its own viewers still get board ticks from it.
   */
  replica?: { publish: boolean };
};

/** One pushed point for `Recorder.recordPushed` (an IngestSample fits): its interval ends at `t`; counts go to the minute of its middle. */
export type PushedPoint = { service: string; t: number; values: SignalValues; intervalMs: number; shareFaster?: (thresholdMs: number) => number };

/**
 * How one recorded set of values (a tick from the source, or a pushed sample) spreads through the
 * war room: signal history, the board and service channels, minute rollups, SLO counts, alert
 * evaluation, and alert changes into the timelines of open incidents.
 */
export class Recorder {
  private readonly d: RecorderDeps;

  constructor(deps: RecorderDeps) {
    this.d = deps;
  }

  async record(t: number, values: Record<string, SignalValues>, dtSeconds = this.d.tickMs / 1000, opts: RecordOptions = {}): Promise<void> {
    const d = this.d;
    const countAt = opts.countAt ?? t;
    const publish = !opts.replica || opts.replica.publish;
    const points: Record<string, PointValues> = {};
    const closed: SignalMinute[] = [];
    for (const [id, v] of Object.entries(values)) {
      if (!d.history.record(id, t, v)) continue;
      const done = d.rollup.add(id, countAt, v, dtSeconds);
      if (done) closed.push(done);
      if (!publish) continue;
      const rounded = roundValues(v);
      points[id] = rounded;
      d.board.publishServiceTick(id, t, rounded);
    }
    if (publish && opts.board !== false) d.board.publishBoardTick(t, points);
    if (publish) d.board.publishDrillsIfChanged();
    // The leader writes the history's closed minutes; a follower's copies of them are dropped.
    const minutes = d.history.takeClosedMinutes();
    if (opts.replica) {
      await d.slos.record(countAt, values, dtSeconds, opts.shareFaster, false);
      if (publish) d.sloChannel.maybePublish(t, d.tickMs, d.slos.status(t));
      return;
    }
    await this.writeMinutes(closed, minutes);

    // Counts the store did not take stay in the tracker for the next minute; the tick goes on to alerts.
    await d.slos.record(countAt, values, dtSeconds, opts.shareFaster).catch((err: unknown) => {
      if (!(err instanceof StoreUnavailable)) throw err;
    });
    if (opts.alerts === false) return;
    const statuses = d.slos.status(t);
    const latest: Record<string, SignalPoint | null> = {};
    for (const s of d.catalog.services) latest[s.id] = d.history.latest(s.id);
    for (const change of await d.alerts.evaluate(t, latest, burnObservations(statuses))) {
      d.alertChannel.publish(change);
      await recordAlertChange({ ctx: d.incidents, change, at: t }).catch(unlessOutage(d.logger, "could not record alert on incidents"));
    }
    d.sloChannel.maybePublish(t, d.tickMs, statuses);
  }

  /**
   * Pushed points, in time order, as `record` with `alerts: false, board: false` would record each
   * one (history, minute rollups, SLO counts with the exact latency shares), but with one
   * `service:<id>` tick per service (its newest point) and one store write for the closed minutes:
   * push ingest at 100,000 samples/s (BENCHMARKS.md) cannot afford a frame and a write per sample.
   * Returns the points the history took (a point not newer than a service's newest is skipped).
   */
  async recordPushed(points: readonly PushedPoint[], opts: Pick<RecordOptions, "replica"> = {}): Promise<number> {
    const d = this.d;
    const publish = !opts.replica || opts.replica.publish;
    const closed: SignalMinute[] = [];
    const newest = new Map<string, PushedPoint>();
    let taken = 0;
    const closedSli: SliRow[] = [];
    for (const p of points) {
      const id = p.service;
      if (!d.history.record(id, p.t, p.values)) continue;
      taken++;
      const dtSeconds = p.intervalMs / 1000;
      const countAt = p.t - p.intervalMs / 2;
      const done = d.rollup.add(id, countAt, p.values, dtSeconds);
      if (done) closed.push(done);
      newest.set(id, p);
      d.freshness?.note(id, p.intervalMs);
      // Synchronous unless a minute closes (SloTracker.count): no promise per sample.
      closedSli.length = 0;
      d.slos.count(countAt, id, p.values, dtSeconds, p.shareFaster, closedSli);
      if (closedSli.length === 0) continue;
      try {
        await d.slos.persistClosed(closedSli, countAt, !opts.replica);
      } catch (err) {
        // Counts the store did not take stay in the tracker for the next minute (as in `record`).
        if (opts.replica || !(err instanceof StoreUnavailable)) throw err;
      }
    }
    if (publish) {
      for (const [id, p] of newest) d.board.publishServiceTick(id, p.t, roundValues(p.values));
      if (newest.size) d.board.publishDrillsIfChanged();
    }
    const minutes = d.history.takeClosedMinutes();
    if (opts.replica) {
      if (publish && newest.size) {
        const t = Math.max(...[...newest.values()].map((p) => p.t));
        d.sloChannel.maybePublish(t, d.tickMs, d.slos.status(t));
      }
      return taken;
    }
    await this.writeMinutes(closed, minutes);
    return taken;
  }

  /**
   * The closed minute rollups and the history's closed minutes, in one transaction (the history's
   * minute store is this store, lib/server/root.ts). During a store outage the history's minutes
   * go back to its outbox and are written with the next ones (the rollups are lost, as before).
   */
  private async writeMinutes(closed: SignalMinute[], minutes: MinutePoint[]): Promise<void> {
    if (closed.length === 0 && minutes.length === 0) return;
    try {
      await upsertSignalMinutes(this.d.store, closed, minutes);
    } catch (err) {
      if (err instanceof StoreUnavailable) this.d.history.requeueMinutes(minutes);
      unlessOutage(this.d.logger, "could not store minute rollups")(err);
    }
  }

  /** Writes what is only in memory (the open minute rollups and history minutes), at shutdown. */
  async flush(): Promise<void> {
    await upsertSignalMinutes(this.d.store, this.d.rollup.flush(), [...this.d.history.takeClosedMinutes(), ...this.d.history.openMinutes()]);
  }
}
