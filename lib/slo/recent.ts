import type { Counts } from "./math";

const MINUTE = 60_000;

/**
 * Per-minute counts of one SLO over the last `minutes` minutes (the burn windows), indexed by
 * minute number. Kept as bad and total in Float32Arrays, with no per-slot minute stamp (slots are
 * cleared as the newest minute advances): 8 bytes a minute instead of 24, because a large estate
 * holds thousands (§11: ≤ 300 KB per service). Float32 keeps ~7 significant digits of each
 * minute's bad events, so burn rates are exact to that precision; budgets over the SLO window come
 * from the store in Float64 (lib/slo/tracker.ts).
 */
export class MinuteRing {
  private readonly bad: Float32Array;
  private readonly total: Float32Array;
  /** Newest minute number held; slots of minutes in (newest − size, newest] are valid. */
  private newest = -Infinity;
  /** Bumped by every change except to the newest minute, which ticks add to all the time. */
  private version = 0;
  private cache: { key: string; sums: Counts[] } | null = null;

  /** `slab` (2 × size floats from `offset`) lets thousands of rings share one allocation. */
  constructor(
    readonly size: number,
    slab?: { buffer: Float32Array; offset: number },
  ) {
    const buf = slab?.buffer ?? new Float32Array(2 * size);
    const at = slab?.offset ?? 0;
    this.bad = buf.subarray(at, at + size);
    this.total = buf.subarray(at + size, at + 2 * size);
  }

  add(start: number, c: Counts): void {
    const m = Math.floor(start / MINUTE);
    if (m > this.newest) {
      const clearFrom = Math.max(this.newest + 1, m - this.size + 1);
      for (let k = clearFrom; k <= m; k++) {
        const i = k % this.size;
        this.bad[i] = 0;
        this.total[i] = 0;
      }
      this.newest = m;
      this.version++;
    } else if (m <= this.newest - this.size) return;
    else if (m < this.newest) this.version++;
    const i = m % this.size;
    this.bad[i] += Math.max(0, c.total - c.good);
    this.total[i] += c.total;
  }

  /**
   * Sums of the windows [now − w, now] for each length in `windowsMs` (whole minutes, ascending):
   * the minutes before the newest are summed once per minute (cached), the newest one added live,
   * so the status of thousands of SLOs every tick does not walk three days of minutes each time.
   */
  windows(now: number, windowsMs: readonly number[]): Counts[] {
    const last = Math.min(Math.floor(now / MINUTE), this.newest);
    const key = `${now % MINUTE === 0}:${Math.floor(now / MINUTE)}:${last}:${this.version}:${windowsMs.join(",")}`;
    if (this.cache?.key !== key) {
      const sums: Counts[] = [];
      let bad = 0;
      let total = 0;
      let m = last === this.newest ? last - 1 : last;
      const oldest = this.newest - this.size + 1;
      for (const w of windowsMs) {
        const first = Math.max(Math.ceil((now - w) / MINUTE), oldest);
        for (; m >= first; m--) {
          const i = m % this.size;
          bad += this.bad[i];
          total += this.total[i];
        }
        sums.push({ good: total - bad, total });
      }
      this.cache = { key, sums };
    }
    const i = this.newest % this.size;
    const live = last === this.newest;
    return this.cache.sums.map((c, k) => {
      const inWindow = live && Math.ceil((now - windowsMs[k]) / MINUTE) <= last;
      if (!inWindow) return { good: c.good, total: c.total };
      return { good: c.good + this.total[i] - this.bad[i], total: c.total + this.total[i] };
    });
  }

  /** Sum of minutes in [from, to). */
  sum(from: number, to: number): Counts {
    let bad = 0;
    let total = 0;
    const last = Math.min(Math.floor((to - 1) / MINUTE), this.newest);
    for (let m = Math.max(Math.ceil(from / MINUTE), this.newest - this.size + 1); m <= last; m++) {
      const i = m % this.size;
      bad += this.bad[i];
      total += this.total[i];
    }
    return { good: total - bad, total };
  }
}
