/**
 * Fan-out in slices. A frame for 10,000 sockets costs 10,000 socket writes; done in one
 * event-loop turn that blocks HTTP, incoming messages and the next tick for as long. The
 * dispatcher sends at most `sliceSize` per turn and yields (setImmediate) in between, so I/O is
 * served between slices. Jobs run strictly in the order they were queued, so two frames of the
 * same channel reach every socket in publish order (docs/architecture.md "Send path").
 */
export type FanOutJob = {
  /** Goes through at most `budget` targets; returns how many it went through (all of `budget` unless it finished). */
  step(budget: number, onError: (err: unknown) => void): number;
  readonly done: boolean;
};

export type DispatcherOptions = {
  /** Sends per event-loop turn (default 1024: ≈ 13–20 ms of socket writes on the 2-core machine; 256 gave 3× the p99 at 10,000 viewers, BENCHMARKS.md). */
  sliceSize?: number;
  /** How the next slice is scheduled (tests inject their own). */
  defer?: (fn: () => void) => void;
  /** A send that threw (that target is skipped; the fan-out goes on). */
  onError?: (err: unknown) => void;
};

export class Dispatcher {
  private readonly sliceSize: number;
  private readonly defer: (fn: () => void) => void;
  private readonly queue: FanOutJob[] = [];
  private scheduled = false;
  private slicesRun = 0;
  private readonly onError: (err: unknown) => void;

  constructor(opts: DispatcherOptions = {}) {
    this.sliceSize = Math.max(1, opts.sliceSize ?? 1024);
    this.defer = opts.defer ?? ((fn) => setImmediate(fn));
    this.onError = opts.onError ?? (() => {});
  }

  /** Queues a job. With nothing queued before it, its first slice runs now (small fan-outs finish synchronously). */
  enqueue(job: FanOutJob): void {
    this.queue.push(job);
    if (!this.scheduled && this.queue.length === 1) this.pump();
  }

  /** Jobs not finished yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Event-loop turns that sent something (for /metrics and tests). */
  get slices(): number {
    return this.slicesRun;
  }

  private pump(): void {
    let budget = this.sliceSize;
    this.slicesRun++;
    while (budget > 0 && this.queue.length > 0) {
      const job = this.queue[0];
      const used = job.step(budget, this.onError);
      budget -= used;
      if (job.done) this.queue.shift();
      else if (used === 0) break;
    }
    if (this.queue.length === 0) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.pump();
    });
  }
}

/** Goes through `targets` in order, calling `deliver` for each. */
export class ListFanOut<T> implements FanOutJob {
  private next = 0;
  constructor(
    private readonly targets: readonly T[],
    private readonly deliver: (target: T) => void,
  ) {}

  get done(): boolean {
    return this.next >= this.targets.length;
  }

  step(budget: number, onError: (err: unknown) => void): number {
    const from = this.next;
    const end = Math.min(this.targets.length, from + budget);
    while (this.next < end) {
      const target = this.targets[this.next++];
      try {
        this.deliver(target);
      } catch (err) {
        onError(err);
      }
    }
    return end - from;
  }
}

/** A dispatcher that sends everything at once (tests of channel logic, and one-off tools). */
export const inlineDispatcher = new Dispatcher({ sliceSize: Number.MAX_SAFE_INTEGER });
