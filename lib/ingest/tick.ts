import type { Job } from "../jobs";
import type { Logger } from "../log";
import type { BoardChannels } from "../signals/channels";
import type { SignalValues } from "../signals/types";
import type { MetricSource } from "../sources/types";
import type { PushOwnership } from "./ownership";
import type { Recorder } from "./recorder";

/**
 * The tick: every `tickMs`, sample the configured source for every service and record it. A
 * failing source keeps the last data on the board (it turns stale) and says why; it recovers by
 * itself. Ticks only move forward: a tick at or before the last one is ignored.
 */
export class TickJob implements Job {
  readonly name = "tick";
  readonly aligned = true;
  readonly everyMs: number;
  private readonly source: MetricSource;
  private readonly recorder: Recorder;
  private readonly board: BoardChannels;
  private readonly ownership: PushOwnership;
  private readonly logger: Logger;
  private readonly onSample?: (ms: number, ok: boolean) => void;
  private lastTick: number | null = null;
  private lastError: string | null = null;

  constructor(opts: {
    tickMs: number;
    source: MetricSource;
    recorder: Recorder;
    board: BoardChannels;
    ownership: PushOwnership;
    logger: Logger;
    /** Told how long each sample took (all signal queries in parallel) and whether it worked. */
    onSample?: (ms: number, ok: boolean) => void;
  }) {
    this.everyMs = opts.tickMs;
    this.source = opts.source;
    this.recorder = opts.recorder;
    this.board = opts.board;
    this.ownership = opts.ownership;
    this.logger = opts.logger;
    this.onSample = opts.onSample;
  }

  /** The history is filled up to `t` (start-up backfill): the first live tick comes after it. */
  resumeAfter(t: number): void {
    this.lastTick = t;
  }

  async run(t: number): Promise<void> {
    if (this.lastTick !== null && t <= this.lastTick) return;
    this.lastTick = t;
    let values: Record<string, SignalValues>;
    const began = performance.now();
    try {
      values = await this.source.sampleAll(t);
      this.onSample?.(performance.now() - began, true);
    } catch (err) {
      this.onSample?.(performance.now() - began, false);
      this.board.publishSourceStatus();
      if (this.lastError === null) this.logger.warn({ err: String(err) }, "metric source failed; keeping the last data");
      this.lastError = String(err);
      return;
    }
    if (this.lastError !== null) this.logger.info({ after: this.lastError }, "metric source recovered");
    this.lastError = null;
    this.board.publishSourceStatus();
    this.ownership.dropPushed(values, t);
    await this.recorder.record(t, values);
  }
}
