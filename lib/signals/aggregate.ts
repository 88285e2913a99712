import { SIGNALS, type SignalName, type SignalValues } from "./types";

/**
 * Combines consecutive points into one (minute rollups, chart downsampling).
 * By default errors are weighted by traffic so the result equals failed/total requests; latency
 * percentiles are traffic-weighted means (an approximation: exact merging needs the
 * histograms); traffic and saturation are plain means.
 *
 * With `peaks` (what the history API and its charts use, lib/signals/history.ts): latency and
 * error signals keep the bucket's highest value instead, so a coarse step cannot average a
 * 9.9 % error spike down to 1.5 % on the 7 d chart (issue #16); traffic and saturation stay means.
 */
const TRAFFIC_WEIGHTED: ReadonlySet<SignalName> = new Set(["p50", "p95", "p99", "p999", "errorPct", "error5xxPct"]);

export class Aggregator {
  private n = 0;
  private weight = 0;
  private readonly sums = new Float64Array(SIGNALS.length);
  private readonly plain = new Float64Array(SIGNALS.length);
  private readonly max = new Float64Array(SIGNALS.length).fill(-Infinity);

  constructor(private readonly opts: { peaks?: boolean } = {}) {}

  get count(): number {
    return this.n;
  }

  add(values: SignalValues): void {
    const w = values.rps > 0 ? values.rps : 0;
    this.n++;
    this.weight += w;
    for (let i = 0; i < SIGNALS.length; i++) {
      const s = SIGNALS[i];
      this.sums[i] += TRAFFIC_WEIGHTED.has(s) ? values[s] * w : values[s];
    }
    // Kept for windows without traffic, where weighted means are undefined.
    for (let i = 0; i < SIGNALS.length; i++) this.plain[i] += values[SIGNALS[i]];
    if (this.opts.peaks) for (let i = 0; i < SIGNALS.length; i++) if (values[SIGNALS[i]] > this.max[i]) this.max[i] = values[SIGNALS[i]];
  }

  result(): SignalValues {
    const out = {} as SignalValues;
    for (let i = 0; i < SIGNALS.length; i++) {
      const s = SIGNALS[i];
      if (this.opts.peaks && TRAFFIC_WEIGHTED.has(s) && this.n > 0 && Number.isFinite(this.max[i])) out[s] = this.max[i];
      else if (TRAFFIC_WEIGHTED.has(s)) out[s] = this.weight > 0 ? this.sums[i] / this.weight : this.plain[i] / Math.max(1, this.n);
      else out[s] = this.sums[i] / Math.max(1, this.n);
    }
    return out;
  }

  reset(): void {
    this.n = 0;
    this.weight = 0;
    this.sums.fill(0);
    this.plain.fill(0);
    this.max.fill(-Infinity);
  }
}
