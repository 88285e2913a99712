import type { SignalValues } from "../signals/types";
import type { SourceStatus } from "../signals/contract";

/** Where golden signals come from: the simulator now; Prometheus and push ingest later. */
export interface MetricSource {
  readonly kind: string;
  /** Every service's values at tick time `t` (epoch ms). Services without data are absent. */
  sampleAll(t: number): Promise<Record<string, SignalValues>>;
  /** Points every `stepMs` (default one minute) in [from, to) for start-up backfill, per service; each stands for its step. */
  backfillMinutes(from: number, to: number, stepMs?: number): Promise<Record<string, { t: number; values: SignalValues }[]>>;
  status(): SourceStatus;
}
