import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { PointValues } from "../signals/contract";
import type { ServiceCatalog } from "../signals/catalog";
import type { BoardChannels } from "../signals/channels";
import type { SignalHistory } from "../signals/history";
import { roundValues } from "../signals/round";
import { parseBatch, type IngestSample } from "./convert";
import type { PushOwnership } from "./ownership";
import type { Recorder } from "./recorder";
import type { PushRelay } from "./relay";
import { insertIngestSamples } from "./repo";
import { NO_LAPS, type IngestStats } from "./stats";

type Laps = ReturnType<IngestStats["begin"]>;

/** What push ingest runs against. */
export type IngestCtx = {
  store: Store;
  clock: Clock;
  catalog: ServiceCatalog;
  history: SignalHistory;
  recorder: Recorder;
  board: BoardChannels;
  ownership: PushOwnership;
  /** CPU per stage (bench/ingest, /metrics). */
  stats?: IngestStats;
  /** Several instances (lib/server/root.ts, cluster mode): the stored samples go to every instance through the bus. */
  relay?: Pick<PushRelay, "share">;
};

export type IngestResult = { accepted: number; duplicates: number; late: number };

/**
 * Push ingest: validates the whole batch (nothing is written when any sample is bad or names a
 * service that is not push-fed, lib/ingest/ownership.ts), stores the
 * samples idempotently on (service, t), then applies the new ones in time order exactly as a
 * tick would. A sample not newer than what the service already shows is stored but counted as
 * late and not applied (live state only moves forward). With several instances the stored samples
 * are applied on every instance through the bus instead (lib/ingest/relay.ts), the leader writing.
 */
export async function ingestBatch({ ctx, body, laps = NO_LAPS }: { ctx: IngestCtx; body: unknown; laps?: Laps }): Promise<IngestResult> {
  const now = ctx.clock.now();
  const samples = parseBatch(body, { now, hasService: (id) => ctx.catalog.has(id), last: (id) => ctx.history.latest(id) });
  ctx.ownership.assertPushable(samples.map((s) => s.service));
  laps.lap("validate");
  const r = await storeAndApply(ctx, samples, now, laps);
  laps.done(samples.length);
  return r;
}

/**
 * Stores validated samples (sorted by t) idempotently in one transaction, then applies the new
 * ones: the JSON route and remote_write (lib/ingest/remote-write/receive.ts) share it, so a 2xx
 * means the samples are stored either way.
 */
export async function storeAndApply(ctx: IngestCtx, samples: readonly IngestSample[], now: number, laps: Laps = NO_LAPS): Promise<IngestResult> {
  const fresh = await insertIngestSamples(ctx.store, samples, now);
  laps.lap("store");
  if (ctx.relay) {
    const stored = samples.filter((_, i) => fresh[i]).map((s) => ({ service: s.service, t: s.t, intervalMs: s.intervalMs, raw: s.raw }));
    const r = stored.length > 0 ? await ctx.relay.share(stored, now) : { accepted: 0, late: 0 };
    laps.lap("apply");
    return { accepted: r.accepted, duplicates: samples.length - stored.length, late: r.late };
  }
  let late = 0;
  // Samples come sorted by t: per service, the newest t so far decides what is late.
  const newestT = new Map<string, number>();
  const points: IngestSample[] = [];
  let duplicates = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!fresh[i]) {
      duplicates++;
      continue;
    }
    let last = newestT.get(s.service);
    if (last === undefined) last = ctx.history.latest(s.service)?.t ?? -Infinity;
    if (s.t <= last) {
      late++;
      continue;
    }
    newestT.set(s.service, s.t);
    points.push(s);
  }
  const accepted = points.length > 0 ? await ctx.recorder.recordPushed(points) : 0;
  // The board gets one tick per request: each fed service's newest point.
  if (accepted > 0) {
    const board: Record<string, PointValues> = {};
    let t = -Infinity;
    for (let i = points.length - 1; i >= 0; i--) {
      const p = points[i];
      if (board[p.service]) continue;
      board[p.service] = roundValues(p.values);
      t = Math.max(t, p.t);
    }
    ctx.board.publishBoardTick(t, board, { partial: true });
  }
  laps.lap("apply");
  return { accepted, duplicates, late };
}
