import type { BoardChannels } from "../signals/channels";
import type { PointValues } from "../signals/contract";
import type { SignalHistory } from "../signals/history";
import { roundValues } from "../signals/round";
import type { SignalPoint, SignalValues } from "../signals/types";
import { shareFasterOf, toSignals } from "./convert";
import type { PushedPoint, Recorder } from "./recorder";
import type { Sample } from "./schema";
import type { TickRole } from "./tick";

/** A pushed sample as stored in `ingest_samples` and as sent to the other instances: the raw sample, the end of its interval and its length. */
export type StoredSample = { service: string; t: number; intervalMs: number; raw: Sample };

/**
 * Fresh samples of one push request, or one part of them (lib/ingest/relay.ts cuts big requests
 * into parts so a bus message stays bounded). `receivedAt` is the receiving instance's clock.
 */
export type PushedBatch = { id: string; part: number; parts: number; receivedAt: number; samples: readonly StoredSample[] };

export type Applied = { accepted: number; late: number; done: Promise<void> };

/** Board ticks of batches whose last part has not come yet; more than this many are dropped oldest first. */
const OPEN_BATCHES = 32;

/**
 * Applies pushed batches to this instance, in the order they are given (with several instances:
 * the order of the bus, the same on every instance). Which sample is accepted or late, the values
 * it turns into are decided at once, when the batch arrives, so a tick or
 * the next batch coming right after it sees them; the recording itself runs one batch after
 * another. `role` says how (the tick's roles, lib/ingest/tick.ts): `leader` records fully (history,
 * minute rollups and SLO counts written, service ticks and one board tick per request published),
 * `follower` in memory only (the leader's frames reach its viewers), `standalone` in memory and
 * to this instance's own viewers.
 */
export class PushApplier {
  private readonly d: { history: SignalHistory; recorder: Recorder; board: BoardChannels; onError: (err: unknown) => void };
  private queue: Promise<void> = Promise.resolve();
  /** Per service, the newest accepted sample not recorded yet (the history has it once its batch is recorded). */
  private readonly ahead = new Map<string, SignalPoint>();
  /** Per request id, the newest point of each service so far (board tick after the last part). */
  private readonly open = new Map<string, { t: number; points: Record<string, PointValues> }>();

  constructor(deps: { history: SignalHistory; recorder: Recorder; board: BoardChannels; onError: (err: unknown) => void }) {
    this.d = deps;
  }

  apply(batch: PushedBatch, role: TickRole): Applied {
    const before = new Map<string, SignalPoint | null>();
    const newest = new Map<string, number>();
    const todo: { s: StoredSample; values: SignalValues }[] = [];
    let late = 0;
    for (const s of [...batch.samples].sort((a, b) => a.t - b.t)) {
      // As lib/ingest/convert.ts parseBatch: a sample that leaves something out keeps the value from before the batch.
      let prev = before.get(s.service);
      if (prev === undefined) {
        prev = this.ahead.get(s.service) ?? this.d.history.latest(s.service);
        before.set(s.service, prev);
      }
      const newestT = newest.get(s.service) ?? prev?.t;
      if (newestT !== undefined && s.t <= newestT) {
        late++;
        continue;
      }
      newest.set(s.service, s.t);
      // Pushed values are not what the simulator derives: this service's history is kept from now on.
      this.d.history.keep(s.service, s.t);
      const last = prev;
      todo.push({ s, values: toSignals(s.raw, () => last) });
    }
    const marks = new Map<string, SignalPoint>();
    for (const { s, values } of todo) marks.set(s.service, { ...values, t: s.t });
    for (const [id, p] of marks) this.ahead.set(id, p);
    const run = async () => {
      try {
        await this.record(batch, todo, role);
      } catch (err) {
        this.d.onError(err);
      } finally {
        for (const [id, p] of marks) if (this.ahead.get(id) === p) this.ahead.delete(id);
      }
    };
    const done = this.queue.then(run);
    this.queue = done;
    return { accepted: todo.length, late, done };
  }

  private async record(batch: PushedBatch, todo: readonly { s: StoredSample; values: SignalValues }[], role: TickRole): Promise<void> {
    const points: PushedPoint[] = todo.map(({ s, values }) => {
      const p: PushedPoint = { service: s.service, t: s.t, values, intervalMs: s.intervalMs };
      const shareFaster = shareFasterOf(s.raw);
      if (shareFaster) p.shareFaster = shareFaster;
      return p;
    });
    await this.d.recorder.recordPushed(points, role === "leader" ? {} : { replica: { publish: role === "standalone" } });
    // The board gets one tick per request: each fed service's newest point.
    let board = this.open.get(batch.id);
    this.open.delete(batch.id);
    for (const { s, values } of todo) {
      board ??= { t: -Infinity, points: {} };
      board.points[s.service] = roundValues(values);
      board.t = Math.max(board.t, s.t);
    }
    if (!board) return;
    if (batch.part < batch.parts - 1) {
      this.open.set(batch.id, board);
      if (this.open.size > OPEN_BATCHES) this.open.delete(this.open.keys().next().value!);
      return;
    }
    if (role !== "follower") this.d.board.publishBoardTick(board.t, board.points, { partial: true });
  }
}
