import { SIGNALS, type SignalName, type SignalPoint, type SignalValues } from "./types";

/**
 * Fixed-capacity columnar ring of signal points with strictly increasing `t`.
 * Memory is allocated once: (1 + signals) × capacity × 8 bytes.
 */
export class SeriesRing {
  readonly capacity: number;
  private readonly t: Float64Array;
  private readonly cols: Record<SignalName, Float64Array>;
  /** The same columns in SIGNALS order, for the hot push loop. */
  private readonly colList: Float64Array[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("ring capacity must be a positive integer");
    this.capacity = capacity;
    this.t = new Float64Array(capacity);
    this.cols = {} as Record<SignalName, Float64Array>;
    for (const s of SIGNALS) this.cols[s] = new Float64Array(capacity);
    this.colList = SIGNALS.map((s) => this.cols[s]);
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
      idx = (this.head - 1 + this.capacity) % this.capacity;
    } else {
      idx = this.head;
      this.head = (this.head + 1) % this.capacity;
      if (this.count < this.capacity) this.count++;
    }
    this.t[idx] = t;
    const cols = this.colList;
    for (let i = 0; i < cols.length; i++) cols[i][idx] = values[SIGNALS[i]];
    return true;
  }

  lastT(): number | null {
    return this.count === 0 ? null : this.t[(this.head - 1 + this.capacity) % this.capacity];
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
    for (const s of SIGNALS) p[s] = this.cols[s][idx];
    return p;
  }

  timeAt(i: number): number {
    return this.t[this.physical(i)];
  }

  valueAt(i: number, s: SignalName): number {
    return this.cols[s][this.physical(i)];
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
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return (start + i) % this.capacity;
  }
}
