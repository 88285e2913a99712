import type { Counts } from "./math";
import type { Sli } from "./schema";
import type { SignalValues } from "../signals/types";

const Z99 = 2.3263478740408408;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Share of requests faster than `thresholdMs`, assuming log-normal latency fitted to the
 * sample's p50 and p99 (the shape the simulator and most request latencies have).
 */
export function shareFasterThan(values: Pick<SignalValues, "p50" | "p99">, thresholdMs: number): number {
  const { p50, p99 } = values;
  if (!(p50 > 0) || !(thresholdMs > 0)) return p50 > 0 ? 0 : 1;
  const sigma = p99 > p50 ? (Math.log(p99) - Math.log(p50)) / Z99 : 0;
  if (sigma === 0) return thresholdMs > p50 ? 1 : 0;
  return normalCdf((Math.log(thresholdMs) - Math.log(p50)) / sigma);
}

/**
 * Good and total events of an SLI over `seconds` of a sample. No traffic gives {0, 0}.
 * `shareFaster`, when the sample carries a latency histogram, gives the share of requests at or
 * below a threshold from it.
 */
export function sliCounts(sli: Sli, values: SignalValues, seconds: number, shareFaster?: (thresholdMs: number) => number): Counts {
  const total = Math.max(0, values.rps) * seconds;
  if (total === 0) return { good: 0, total: 0 };
  switch (sli.kind) {
    case "ratio": {
      const badPct = sli.good === "non-5xx" ? values.error5xxPct : values.errorPct;
      return { good: total * (1 - Math.min(100, Math.max(0, badPct)) / 100), total };
    }
    case "latency":
      // A histogram (pushed buckets) counts exactly; otherwise the log-normal fit of p50 and p99.
      return { good: total * (shareFaster ? Math.min(1, Math.max(0, shareFaster(sli.thresholdMs))) : shareFasterThan(values, sli.thresholdMs)), total };
  }
}
