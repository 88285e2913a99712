import { Unavailable } from "../errors";

/**
 * Load shedding (SPEC §10, §11 "Overload"): beyond capacity a request gets 503 + Retry-After at
 * once instead of waiting behind everyone else, so the process keeps answering health checks and
 * sending ticks. Two signals, because either can saturate first:
 * - event-loop delay: the main thread itself is the bottleneck (parsing, JSON, rendering);
 * - queue time: requests wait for one of `maxConcurrent` slots (the store is the bottleneck:
 *   SQLite runs one statement at a time in its worker, lib/store/sqlite-worker-client.ts).
 * Health checks, /metrics and WebSocket traffic never come here (isShedExempt, lib/server/server.ts).
 */
export type ShedReason = "event_loop_delay" | "queue_time" | "queue_full";
export const SHED_REASONS: readonly ShedReason[] = ["event_loop_delay", "queue_time", "queue_full"];

export type ShedLimits = {
  /** Shed when the event-loop delay kept over the last timer firings is above this (ms); 0 turns the check off. */
  maxEventLoopDelayMs: number;
  /** Shed a request that waited longer than this for a slot (ms). */
  maxQueueMs: number;
  /** Requests served at once; the rest wait in order. */
  maxConcurrent: number;
  /** Requests allowed to wait; beyond it a request is shed at once. */
  maxQueued: number;
};

export const SHED_LIMITS: ShedLimits = { maxEventLoopDelayMs: 100, maxQueueMs: 500, maxConcurrent: 64, maxQueued: 1024 };
/** What a shed request is told: retry in a second (the queue bound makes recovery sub-second). */
export const SHED_RETRY_AFTER_SECONDS = 1;

const EXEMPT = new Set(["/health", "/health/live", "/health/ready", "/metrics", "/sim/metrics"]);

/** Probes and scrapes are answered first and never shed: a liveness probe that times out restarts the pod mid-incident. */
export function isShedExempt(path: string): boolean {
  return EXEMPT.has(path);
}

export type Admission = { release(): void };
export type Shed = { shed: ShedReason; error: Unavailable };

type Waiter = { at: number; resolve: (a: Admission | Shed) => void };

export class LoadShedder {
  readonly limits: ShedLimits;
  readonly shedCounts: Record<ShedReason, number> = { event_loop_delay: 0, queue_time: 0, queue_full: 0 };
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly lag: () => number;
  private readonly now: () => number;
  private readonly onShed?: (reason: ShedReason) => void;

  constructor(opts: { lag: () => number; now: () => number; limits?: Partial<ShedLimits>; onShed?: (reason: ShedReason) => void }) {
    this.lag = opts.lag;
    this.now = opts.now;
    this.limits = { ...SHED_LIMITS, ...opts.limits };
    this.onShed = opts.onShed;
  }

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a slot (release it when the answer is sent) or with why the request is shed. */
  admit(): Promise<Admission | Shed> {
    const { maxEventLoopDelayMs, maxConcurrent, maxQueued, maxQueueMs } = this.limits;
    const lag = this.lag();
    if (maxEventLoopDelayMs > 0 && lag > maxEventLoopDelayMs) return Promise.resolve(this.shed("event_loop_delay", `event-loop delay ${Math.round(lag)} ms`));
    const head = this.queue[0];
    // The queue is already slower than the bound: this one would wait as long, so it is told now (CoDel's idea).
    const slow = head !== undefined && this.now() - head.at > maxQueueMs;
    this.expire();
    if (slow) return Promise.resolve(this.shed("queue_time", `requests wait over ${maxQueueMs} ms`));
    if (this.running < maxConcurrent && this.queue.length === 0) return Promise.resolve(this.slot());
    if (this.queue.length >= maxQueued) return Promise.resolve(this.shed("queue_full", `${this.queue.length} requests waiting`));
    return new Promise((resolve) => this.queue.push({ at: this.now(), resolve }));
  }

  /** Sheds waiters past the bound even when no slot frees (a stuck store); the server calls it on a timer. */
  expire(): void {
    const { maxQueueMs } = this.limits;
    const now = this.now();
    while (this.queue.length > 0 && now - this.queue[0].at > maxQueueMs) {
      const w = this.queue.shift()!;
      w.resolve(this.shed("queue_time", `waited ${Math.round(now - w.at)} ms for a slot`));
    }
  }

  private slot(): Admission {
    this.running++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        this.pump();
      },
    };
  }

  private pump(): void {
    this.expire();
    while (this.running < this.limits.maxConcurrent && this.queue.length > 0) this.queue.shift()!.resolve(this.slot());
  }

  private shed(reason: ShedReason, why: string): Shed {
    this.shedCounts[reason]++;
    this.onShed?.(reason);
    return { shed: reason, error: new Unavailable(`server is overloaded (${why}); retry shortly`, SHED_RETRY_AFTER_SECONDS, "unavailable", { reason }) };
  }
}

/**
 * Event-loop delay as a timer sees it: how late a 20 ms interval fired, as the least lateness of
 * the last `window` firings. A loop that is overloaded is late at every firing; one long task
 * (a big server render, a GC pause, a moment descheduled on a busy machine) makes one firing
 * late and is not overload, so it does not shed the requests right behind it.
 */
export class EventLoopLag {
  private last = 0;
  private readonly recent: number[];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs = 20,
    private readonly now: () => number = () => performance.now(),
    window = 4,
  ) {
    this.recent = new Array<number>(window).fill(0);
  }

  start(): void {
    if (this.timer) return;
    this.last = this.now();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One timer firing (tests call it with an injected clock). */
  sample(): void {
    const t = this.now();
    this.recent[this.next] = Math.max(0, t - this.last - this.intervalMs);
    this.next = (this.next + 1) % this.recent.length;
    this.last = t;
  }

  /** The delay in ms the loop has kept over the last firings. */
  get ms(): number {
    return Math.min(...this.recent);
  }
}
