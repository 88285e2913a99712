import type { Job } from "../jobs";
import type { Logger } from "../log";
import type { BoardChannels } from "../signals/channels";
import type { SignalValues } from "../signals/types";
import type { Sampled } from "../sources/set";
import type { Recorder } from "./recorder";

/**
 * `leader`: samples, records and writes. `follower`: the leader's ticks arrive through the broker.
 * `standalone`: a follower cut off from the broker samples for its own viewers, writing nothing.
 */
export type TickRole = "leader" | "follower" | "standalone";

/** What the leader sends the followers each tick (lib/server/root.ts). */
export type ReplicatedTick = { t: number; values: Record<string, SignalValues> };

/**
 * The tick: every `tickMs`, sample the pulled sources (simulator, Prometheus) for the services
 * each feeds, record what came, and evaluate SLOs and alerts over whatever data every service has
 * (lib/ingest/recorder.ts). A failing source only leaves its own services without a new point
 * (they turn stale and the board says why); the tick still evaluates alerts, SLO status and the
 * `slos` channel for all. Ticks only move forward: a tick at or before the last one is ignored.
 */
export class TickJob implements Job {
  readonly name = "tick";
  readonly aligned = true;
  readonly everyMs: number;
  private readonly source: { sample(t: number): Promise<Sampled> };
  private readonly recorder: Recorder;
  private readonly board: BoardChannels;
  private readonly logger: Logger;
  private readonly onSample?: (ms: number, ok: boolean) => void;
  private lastTick: number | null = null;
  private lastError: string | null = null;
  private readonly role: () => TickRole;
  private readonly replicate?: (tick: ReplicatedTick) => Promise<void>;

  constructor(opts: {
    tickMs: number;
    source: { sample(t: number): Promise<Sampled> };
    recorder: Recorder;
    board: BoardChannels;
    logger: Logger;
    /** Told how long each sample took (all signal queries in parallel) and whether it worked. */
    onSample?: (ms: number, ok: boolean) => void;
    /** Several instances: who samples (default: this one, as the only instance). */
    role?: () => TickRole;
    /** The leader sends each sampled tick to the followers before recording it. */
    replicate?: (tick: ReplicatedTick) => Promise<void>;
  }) {
    this.role = opts.role ?? (() => "leader");
    this.replicate = opts.replicate;
    this.everyMs = opts.tickMs;
    this.source = opts.source;
    this.recorder = opts.recorder;
    this.board = opts.board;
    this.logger = opts.logger;
    this.onSample = opts.onSample;
  }

  /** The history is filled up to `t` (start-up backfill): the first live tick comes after it. */
  resumeAfter(t: number): void {
    this.lastTick = t;
  }

  /** The newest tick this instance recorded (its own or the leader's). */
  get last(): number | null {
    return this.lastTick;
  }

  /**
   * A follower records the leader's tick (it came through the broker) in memory, exactly as the
   * leader recorded it; if elected it carries on from there.
   */
  async applyReplicated(tick: ReplicatedTick): Promise<void> {
    if (this.lastTick !== null && tick.t <= this.lastTick) return;
    this.lastTick = tick.t;
    await this.recorder.record(tick.t, tick.values, undefined, { replica: { publish: false } });
  }

  async run(t: number): Promise<void> {
    const role = this.role();
    // A follower gets the leader's ticks through the broker (applyReplicated).
    if (role === "follower") return;
    if (this.lastTick !== null && t <= this.lastTick) return;
    this.lastTick = t;
    const began = performance.now();
    const { values, failures } = await this.source.sample(t);
    this.onSample?.(performance.now() - began, failures.length === 0);
    const error = failures.length ? failures.map((f) => `${f.kind}: ${f.error}`).join("; ") : null;
    if (error !== null && this.lastError === null) this.logger.warn({ err: error }, "metric source failed; keeping the last data");
    if (error === null && this.lastError !== null) this.logger.info({ after: this.lastError }, "metric source recovered");
    this.lastError = error;
    // The lease may have moved while the source answered: only a current leader records.
    if (role === "leader" && this.role() !== "leader") {
      this.logger.warn({ t }, "lost the leader lease while sampling: this tick is left to the new leader");
      return;
    }
    // No board tick without points (everything push-fed, or the only source down): the board turns stale.
    const board = Object.keys(values).length > 0 ? {} : { board: false };
    if (role === "leader") {
      // Before the frames built from it, on the same connection: followers update first.
      await this.replicate?.({ t, values }).catch((err: unknown) => this.logger.warn({ err: String(err) }, "could not send the tick to the other instances"));
      this.board.publishSourceStatus();
      await this.recorder.record(t, values, undefined, board);
    } else {
      this.board.publishSourceStatus();
      await this.recorder.record(t, values, undefined, { ...board, replica: { publish: true } });
    }
  }
}
