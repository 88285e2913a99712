import type { SignalValues } from "../signals/types";
import type { SourceStatus } from "../signals/contract";
import type { Sli } from "../slo/schema";

export type TimedValues = { t: number; values: SignalValues };

/** Circuit-breaker state of a remote source, as /health and /metrics show it. */
export type BreakerState = "closed" | "half-open" | "open";

/** Where golden signals come from: the simulator, or Prometheus. Capabilities a source may lack are optional. */
export interface MetricSource {
  readonly kind: string;
  /** Every service's values at tick time `t` (epoch ms). Services without data are absent. */
  sampleAll(t: number): Promise<Record<string, SignalValues>>;
  /** Points every `stepMs` (default one minute) in [from, to) for start-up backfill, per service; each stands for its step. */
  backfillMinutes(from: number, to: number, stepMs?: number): Promise<Record<string, TimedValues[]>>;
  /** Every service's values at each tick `from, from + stepMs, …` before `to`, in time order (start-up backfill of the live window). */
  backfillTicks(from: number, to: number, stepMs: number): Promise<{ t: number; values: Record<string, SignalValues> }[]>;
  status(): SourceStatus;
  /**
   * Good/total per `stepMs` span for each (SLI, service) pair, from the source's own counters (SLO
   * backfill), in few queries; rows per pair, in order. Absent when the source cannot count.
   */
  sloCountsRangeMany?(items: readonly { sli: Sli; service: string }[], from: number, to: number, stepMs: number): Promise<{ t: number; good: number; total: number }[][]>;
  /** Breaker state and failed-request count, for a source behind the network. */
  stats?(): { breaker: BreakerState; errors: number };
  /** Aborts in-flight work at shutdown. */
  close?(): void;
}
