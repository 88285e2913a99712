import { SIGNALS, type SignalName, type SignalValues } from "./types";

/**
 * Combines consecutive points into one (minute rollups, chart downsampling).
 * Errors are weighted by traffic so the result equals failed/total requests; latency
 * percentiles are traffic-weighted means (an approximation: exact merging needs the
 * histograms); traffic and saturation are plain means.
 */
const TRAFFIC_WEIGHTED: ReadonlySet<SignalName> = new Set(["p50", "p95", "p99", "p999", "errorPct", "error5xxPct"]);

export class Aggregator {
  private n = 0;
  private weight = 0;
  private readonly sums = new Float64Array(SIGNALS.length);
  private readonly plain = new Float64Array(SIGNALS.length);

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
  }

  result(): SignalValues {
    const out = {} as SignalValues;
    for (let i = 0; i < SIGNALS.length; i++) {
      const s = SIGNALS[i];
      if (TRAFFIC_WEIGHTED.has(s)) out[s] = this.weight > 0 ? this.sums[i] / this.weight : this.plain[i] / Math.max(1, this.n);
      else out[s] = this.sums[i] / Math.max(1, this.n);
    }
    return out;
  }

  reset(): void {
    this.n = 0;
    this.weight = 0;
    this.sums.fill(0);
    this.plain.fill(0);
  }
}
