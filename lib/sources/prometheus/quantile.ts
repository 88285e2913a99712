/**
 * PromQL's `histogram_quantile` over one service's buckets, computed here instead of in
 * Prometheus: the source asks for the bucket rates once (`sum by (service, le) (rate(…_bucket))`)
 * and takes all four percentiles from them, where four `histogram_quantile` queries made Prometheus
 * aggregate the same bucket series four times per tick (BENCHMARKS.md "Estate size").
 *
 * The same steps as Prometheus' `bucketQuantile` (promql/quantile.go): buckets sorted by bound;
 * no `+Inf` bucket → NaN; buckets of the same bound merged; counts made monotonic (rates of
 * cumulative buckets are not always, through scrape timing); fewer than two buckets → NaN; no
 * observations → NaN; a rank in the `+Inf` bucket gives the highest finite bound; a rank in the
 * first bucket interpolates from 0 (or gives its bound when that is ≤ 0); else linear
 * interpolation inside the bucket holding the rank.
 */

/** One bucket of one service at one time: its upper bound (seconds, may be +Inf) and cumulative count (or rate). */
export type Bucket = { le: number; count: number };

/** The `le` label as a number (Go's ParseFloat forms: `+Inf`, `1e-3`, `0.5`); NaN when it is not one, and such a series is skipped as Prometheus skips it. */
export function parseLe(s: string | undefined): number {
  if (s === undefined || s === "" || s.trim() !== s) return NaN;
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) return special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  // Go reads no 0x/0o/0b integers (JavaScript's Number does), nor "Infinity" spelled as a number here.
  if (/^[+-]?0[xob]/i.test(s)) return NaN;
  return Number(s);
}

/** The q-quantile (0 ≤ q ≤ 1) of `buckets`, which it sorts and may change (merges, monotonic counts): pass a fresh array. */
export function histogramQuantile(q: number, buckets: Bucket[]): number {
  return histogramQuantiles([q], buckets)[0];
}

/** Several quantiles of the same buckets (sorted and merged once); NaN for each when there are none to give. */
export function histogramQuantiles(qs: readonly number[], buckets: Bucket[]): number[] {
  const b = prepare(buckets);
  return qs.map((q) => (Number.isNaN(q) ? NaN : q < 0 ? -Infinity : q > 1 ? Infinity : b ? quantileOfPrepared(q, b) : NaN));
}

/** Sorted, merged, monotonic buckets ending in +Inf, or null when no quantile can come of them. */
function prepare(buckets: Bucket[]): Bucket[] | null {
  if (buckets.length === 0) return null;
  buckets.sort((a, b) => a.le - b.le);
  if (buckets[buckets.length - 1].le !== Infinity) return null;
  // Merge buckets of the same bound ("1" and "1.0" from different series): their counts add up.
  const merged: Bucket[] = [];
  for (const x of buckets) {
    const last = merged[merged.length - 1];
    if (last && last.le === x.le) last.count += x.count;
    else merged.push({ le: x.le, count: x.count });
  }
  let max = -Infinity;
  for (const x of merged) {
    if (x.count > max) max = x.count;
    else if (x.count < max) x.count = max;
  }
  return merged.length < 2 ? null : merged;
}

function quantileOfPrepared(q: number, b: Bucket[]): number {
  const observations = b[b.length - 1].count;
  // As in Prometheus, only 0 is checked: a NaN count makes the rank NaN and ends in the +Inf bucket.
  if (observations === 0) return NaN;
  let rank = q * observations;
  // The first bucket (before the last) whose count reaches the rank, as sort.Search does.
  let lo = 0;
  let hi = b.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid].count >= rank) hi = mid;
    else lo = mid + 1;
  }
  const i = lo;
  if (i === b.length - 1) return b[b.length - 2].le;
  if (i === 0 && b[0].le <= 0) return b[0].le;
  let start = 0;
  let count = b[i].count;
  if (i > 0) {
    start = b[i - 1].le;
    count -= b[i - 1].count;
    rank -= b[i - 1].count;
  }
  return start + (b[i].le - start) * (rank / count);
}
