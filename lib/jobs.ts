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
   * Runs at whole multiples of `everyMs` on the clock, never overlapping itself and never
   * skipping a slot: a slot that came while the loop was late or the last run was still busy is
   * run as soon as possible, with its own `t`, one after another until the job is on time again
   * (at most `maxCatchUp` slots; beyond that the clock jumped, and it resumes at the current slot).
   * Otherwise the job runs every `everyMs` from start without holding the process open.
   */
  readonly aligned?: boolean;
  run(t: number): Promise<void> | void;
};

/** Timers the scheduler uses (tests inject their own with a manual clock). */
export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const nodeTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Late slots an aligned job still runs one by one (a minute of 1 s ticks); more means the clock jumped. */
export const MAX_CATCH_UP = 60;

export type SchedulerStats = { late: number; skipped: number };

/** Runs jobs on timers; `stop()` clears every timer, so nothing runs after shutdown begins. */
export class Scheduler {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timerApi: Timers;
  /** Aligned jobs' pending timeouts (timerApi) and the others' intervals. */
  private readonly timers = new Map<string, unknown>();
  private readonly intervals = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Set<string>();
  private readonly counts: SchedulerStats = { late: 0, skipped: 0 };

  constructor(opts: { clock: Clock; logger: Logger; timers?: Timers }) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.timerApi = opts.timers ?? nodeTimers;
  }

  /** Aligned slots that ran after the next slot was already due (caught up), and slots given up after a clock jump. */
  stats(): SchedulerStats {
    return { ...this.counts };
  }

  start(jobs: readonly Job[]): void {
    for (const job of jobs) {
      if (this.timers.has(job.name) || this.intervals.has(job.name)) throw new Error(`job "${job.name}" is already scheduled`);
      if (job.aligned) this.scheduleAligned(job);
      else {
        const timer = setInterval(() => void this.runOnce(job, this.clock.now()), job.everyMs);
        timer.unref();
        this.intervals.set(job.name, timer);
      }
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) this.timerApi.clearTimeout(timer);
    for (const timer of this.intervals.values()) clearInterval(timer);
    this.timers.clear();
    this.intervals.clear();
  }

  /** Waits for `slot` (the next whole multiple after now at start), runs it, then the one after. */
  private scheduleAligned(job: Job, slot?: number): void {
    const every = job.everyMs;
    const now = this.clock.now();
    let t = slot ?? Math.floor(now / every) * every + every;
    const behind = Math.floor((now - t) / every);
    if (behind > MAX_CATCH_UP) {
      const resume = Math.floor(now / every) * every;
      this.counts.skipped += (resume - t) / every;
      this.logger.warn({ job: job.name, skipped: (resume - t) / every }, `${job.name}: the clock jumped ahead; resuming at the current slot`);
      t = resume;
    } else if (t - now > every) {
      // The clock stepped back: the next slot after now, not a wait of the step's length.
      t = Math.floor(now / every) * every + every;
    }
    // A slot already due runs after a zero timeout, so I/O is served between catch-up runs.
    const handle: unknown = this.timerApi.setTimeout(async () => {
      if (this.timers.get(job.name) !== handle) return;
      if (this.clock.now() - t >= every) this.counts.late++;
      await this.runOnce(job, t);
      if (this.timers.get(job.name) === handle) this.scheduleAligned(job, t + every);
    }, Math.max(0, t - now));
    this.timers.set(job.name, handle);
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
