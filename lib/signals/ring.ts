import { SIGNALS, type SignalName, type SignalPoint, type SignalValues } from "./types";

type Column = Float32Array | Float64Array;

/** Points a ring holds before it first grows. */
const INITIAL_POINTS = 64;

/**
 * Columnar ring of signal points with strictly increasing `t`, holding at most `capacity`.
 * Times are float64s; values are float64s, or with `compact` float32s (7 significant digits, the
 * screen shows 4) except the newest point, which is also kept whole, so what alerts and the API's
 * `latest` read is exactly what was recorded. A compact point is 8 + 10 × 4 = 48 bytes instead of
 * 88: an hour of 1-s ticks is 173 KB, the memory a kept (Prometheus- or push-fed) service holds
 * whatever the uptime (lib/signals/history.ts; BENCHMARKS.md "Kept history per service"). Its arrays start small and double as points come: a
 * ring allocated at full size for each of 1,000 Prometheus-fed services (a week of minutes, then in
 * memory, ≈ 0.9 MB each) cost 3.6 s of the start-up's CPU and 1.3 GB before any point was in it
 * (BENCHMARKS.md "Estate size", `--source prometheus`).
 */
export class SeriesRing {
  readonly capacity: number;
  private t: Float64Array;
  private cols: Record<SignalName, Column>;
  /** The same columns in SIGNALS order, for the hot push loop. */
  private colList: Column[];
  private readonly Col: typeof Float32Array | typeof Float64Array;
  /** Values are float32s (but the newest). */
  readonly compact: boolean;
  /** The newest point's values, whole (SIGNALS order). */
  private readonly newest = new Float64Array(SIGNALS.length);
  /** Length of the arrays now (≤ capacity). */
  private alloc: number;
  private head = 0;
  private count = 0;

  constructor(capacity: number, opts: { compact?: boolean } = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("ring capacity must be a positive integer");
    this.capacity = capacity;
    this.compact = opts.compact === true;
    this.Col = this.compact ? Float32Array : Float64Array;
    this.alloc = Math.min(capacity, INITIAL_POINTS);
    this.t = new Float64Array(this.alloc);
    this.cols = {} as Record<SignalName, Column>;
    for (const s of SIGNALS) this.cols[s] = new this.Col(this.alloc);
    this.colList = SIGNALS.map((s) => this.cols[s]);
  }

  /** Doubles the arrays (up to capacity), the points moved to the start in logical order. */
  private grow(): void {
    const size = Math.min(this.capacity, this.alloc * 2);
    const move = <A extends Column>(from: A, to: A): A => {
      for (let i = 0; i < this.count; i++) to[i] = from[this.physical(i)];
      return to;
    };
    this.t = move(this.t, new Float64Array(size));
    const cols = {} as Record<SignalName, Column>;
    for (const s of SIGNALS) cols[s] = move(this.cols[s], new this.Col(size));
    this.cols = cols;
    this.colList = SIGNALS.map((s) => cols[s]);
    this.alloc = size;
    this.head = this.count % size;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends a point. A point with the same `t` as the newest replaces it (idempotent
   * re-delivery); an older point is refused and `false` returned.
   */
  push(t: number, values: SignalValues): boolean {
    const last = this.lastT();
    if (last !== null && t < last) return false;
    let idx: number;
    if (last !== null && t === last) {
      idx = (this.head - 1 + this.alloc) % this.alloc;
    } else {
      if (this.count === this.alloc && this.alloc < this.capacity) this.grow();
      idx = this.head;
      this.head = (this.head + 1) % this.alloc;
      if (this.count < this.alloc) this.count++;
    }
    this.t[idx] = t;
    const cols = this.colList;
    const newest = this.newest;
    for (let i = 0; i < cols.length; i++) {
      const v = values[SIGNALS[i]];
      cols[i][idx] = v;
      newest[i] = v;
    }
    return true;
  }

  lastT(): number | null {
    return this.count === 0 ? null : this.t[(this.head - 1 + this.alloc) % this.alloc];
  }

  firstT(): number | null {
    return this.count === 0 ? null : this.t[this.physical(0)];
  }

  latest(): SignalPoint | null {
    return this.count === 0 ? null : this.pointAt(this.count - 1);
  }

  /** The i-th oldest point (0 = oldest). */
  pointAt(i: number): SignalPoint {
    const idx = this.physical(i);
    const p = { t: this.t[idx] } as SignalPoint;
    if (i === this.count - 1) for (let k = 0; k < SIGNALS.length; k++) p[SIGNALS[k]] = this.newest[k];
    else for (const s of SIGNALS) p[s] = this.cols[s][idx];
    return p;
  }

  timeAt(i: number): number {
    return this.t[this.physical(i)];
  }

  valueAt(i: number, s: SignalName): number {
    return i === this.count - 1 ? this.newest[SIGNALS.indexOf(s)] : this.cols[s][this.physical(i)];
  }

  /** Logical index of the first point with t ≥ from (binary search). */
  lowerBound(from: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private physical(i: number): number {
    const start = (this.head - this.count + this.alloc) % this.alloc;
    return (start + i) % this.alloc;
  }
}
