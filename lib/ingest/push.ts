import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { PointValues } from "../signals/contract";
import type { ServiceCatalog } from "../signals/catalog";
import type { BoardChannels } from "../signals/channels";
import type { SignalHistory } from "../signals/history";
import { roundValues } from "../signals/round";
import type { SignalValues } from "../signals/types";
import { ingestKey, parseBatch } from "./convert";
import type { PushOwnership } from "./ownership";
import type { Recorder } from "./recorder";
import type { PushRelay } from "./relay";
import { insertIngestSamples } from "./repo";

/** What push ingest runs against. */
export type IngestCtx = {
  store: Store;
  clock: Clock;
  catalog: ServiceCatalog;
  history: SignalHistory;
  recorder: Recorder;
  board: BoardChannels;
  ownership: PushOwnership;
  /** Several instances (lib/server/root.ts, cluster mode): the stored samples go to every instance through the bus. */
  relay?: Pick<PushRelay, "share">;
};

export type IngestResult = { accepted: number; duplicates: number; late: number };

/**
 * Push ingest: validates the whole batch (nothing is written when any sample is bad), stores the
 * samples idempotently on (service, t), then applies the new ones in time order exactly as a
 * tick would. A sample not newer than what the service already shows is stored but counted as
 * late and not applied (live state only moves forward). With several instances the stored samples
 * are applied on every instance through the bus instead (lib/ingest/relay.ts), the leader writing.
 */
export async function ingestBatch({ ctx, body }: { ctx: IngestCtx; body: unknown }): Promise<IngestResult> {
  const now = ctx.clock.now();
  const samples = parseBatch(body, { now, hasService: (id) => ctx.catalog.has(id), last: (id) => ctx.history.latest(id) });
  const fresh = await insertIngestSamples(
    ctx.store,
    samples.map((s) => ({ service: s.service, t: s.t, intervalMs: s.intervalMs, sample: s.raw })),
    now,
  );
  if (ctx.relay) {
    const stored = samples.filter((s) => fresh.has(ingestKey(s.service, s.t))).map((s) => ({ service: s.service, t: s.t, intervalMs: s.intervalMs, raw: s.raw }));
    const r = stored.length > 0 ? await ctx.relay.share(stored, now) : { accepted: 0, late: 0 };
    return { accepted: r.accepted, duplicates: samples.length - fresh.size, late: r.late };
  }
  let accepted = 0;
  let late = 0;
  // The board gets one tick per request: each fed service's newest point.
  const newest: Record<string, SignalValues> = {};
  let newestT = -Infinity;
  for (const s of samples) {
    if (!fresh.has(ingestKey(s.service, s.t))) continue;
    const latest = ctx.history.latest(s.service);
    if (latest && s.t <= latest.t) {
      late++;
      continue;
    }
    ctx.ownership.claim(s.service, now);
    await ctx.recorder.record(s.t, { [s.service]: s.values }, s.intervalMs / 1000, {
      alerts: false,
      countAt: s.t - s.intervalMs / 2,
      board: false,
      ...(s.shareFaster ? { shareFaster: { [s.service]: s.shareFaster } } : {}),
    });
    newest[s.service] = s.values;
    newestT = s.t; // samples come sorted by t
    accepted++;
  }
  if (accepted > 0) {
    const points: Record<string, PointValues> = {};
    for (const [id, v] of Object.entries(newest)) points[id] = roundValues(v);
    ctx.board.publishBoardTick(newestT, points, { partial: true });
  }
  return { accepted, duplicates: samples.length - fresh.size, late };
}
