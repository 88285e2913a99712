import type { Clock } from "./time";
import type { Logger } from "./log";
import { StoreUnavailable } from "./errors";

/**
 * Work the war room does on the clock: the tick, heartbeats, retention. Each job lives in its
 * domain and is started by the composition root (lib/server/root.ts), so that one elected
 * instance can run the ones that must happen once, and a test can call `run(t)` by hand.
 */
export type Job = {
  readonly name: string;
  readonly everyMs: number;
  /**
   * Runs at whole multiples of `everyMs` on the clock and never overlaps itself: a run still
   * busy when the next slot comes skips that slot. Otherwise the job runs every `everyMs` from
   * start without holding the process open.
   */
  readonly aligned?: boolean;
  run(t: number): Promise<void> | void;
};

/** Runs jobs on timers; `stop()` clears every timer, so nothing runs after shutdown begins. */
export class Scheduler {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Set<string>();

  constructor(opts: { clock: Clock; logger: Logger }) {
    this.clock = opts.clock;
    this.logger = opts.logger;
  }

  start(jobs: readonly Job[]): void {
    for (const job of jobs) {
      if (this.timers.has(job.name)) throw new Error(`job "${job.name}" is already scheduled`);
      if (job.aligned) this.scheduleAligned(job);
      else {
        const timer = setInterval(() => void this.runOnce(job, this.clock.now()), job.everyMs);
        timer.unref();
        this.timers.set(job.name, timer);
      }
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private scheduleAligned(job: Job): void {
    const now = this.clock.now();
    const next = Math.floor(now / job.everyMs) * job.everyMs + job.everyMs;
    this.timers.set(
      job.name,
      setTimeout(async () => {
        if (!this.busy.has(job.name)) await this.runOnce(job, next);
        if (this.timers.has(job.name)) this.scheduleAligned(job);
      }, Math.max(0, next - now)),
    );
  }

  private async runOnce(job: Job, t: number): Promise<void> {
    if (this.busy.has(job.name)) return;
    this.busy.add(job.name);
    try {
      await job.run(t);
    } catch (err) {
      // An unreachable store is logged once per outage by the store itself (lib/store/outage.ts).
      if (!(err instanceof StoreUnavailable)) this.logger.error({ err, job: job.name }, `${job.name} failed`);
    } finally {
      this.busy.delete(job.name);
    }
  }
}
