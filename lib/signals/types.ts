import { z } from "zod";

/**
 * The golden signals of one service at one instant, in display units:
 * latency percentiles in milliseconds, traffic in requests per second,
 * errors and saturation in percent (0–100).
 */
export const SIGNALS = [
  "p50",
  "p95",
  "p99",
  "p999",
  "rps",
  "errorPct",
  "error5xxPct",
  "cpuPct",
  "memPct",
  "poolPct",
] as const;

export type SignalName = (typeof SIGNALS)[number];
export const SignalNameSchema = z.enum(SIGNALS);

export type SignalValues = Record<SignalName, number>;

/** One sample: `t` is the sample time in epoch milliseconds. */
export type SignalPoint = SignalValues & { t: number };

export const SIGNAL_META: Record<
  SignalName,
  { label: string; short: string; unit: "ms" | "req/s" | "%"; group: "latency" | "traffic" | "errors" | "saturation" }
> = {
  p50: { label: "Latency p50", short: "p50", unit: "ms", group: "latency" },
  p95: { label: "Latency p95", short: "p95", unit: "ms", group: "latency" },
  p99: { label: "Latency p99", short: "p99", unit: "ms", group: "latency" },
  p999: { label: "Latency p99.9", short: "p99.9", unit: "ms", group: "latency" },
  rps: { label: "Traffic", short: "req/s", unit: "req/s", group: "traffic" },
  errorPct: { label: "Errors", short: "err %", unit: "%", group: "errors" },
  error5xxPct: { label: "5xx errors", short: "5xx %", unit: "%", group: "errors" },
  cpuPct: { label: "CPU", short: "CPU", unit: "%", group: "saturation" },
  memPct: { label: "Memory", short: "mem", unit: "%", group: "saturation" },
  poolPct: { label: "Connection pool", short: "pool", unit: "%", group: "saturation" },
};

export const SIGNAL_STATES = ["ok", "warn", "critical"] as const;
export type SignalState = (typeof SIGNAL_STATES)[number];

/** Overall status shown in the banner. `UNKNOWN` when no current data. */
export type OverallStatus = "HEALTHY" | "DEGRADED" | "CRITICAL" | "UNKNOWN";

/**
 * Threshold for one signal. By default a value at or above `warn` is warn and at
 * or above `critical` is critical; with `below: true` the direction flips (e.g. a
 * traffic drop).
 */
export const ThresholdSchema = z
  .object({
    warn: z.number().finite().optional(),
    critical: z.number().finite().optional(),
    below: z.boolean().optional(),
  })
  .strict()
  .refine((t) => t.warn !== undefined || t.critical !== undefined, {
    message: "a threshold needs warn, critical or both",
  })
  .refine(
    (t) =>
      t.warn === undefined ||
      t.critical === undefined ||
      (t.below ? t.critical <= t.warn : t.critical >= t.warn),
    { message: "critical must be at least as severe as warn" },
  );
export type Threshold = z.infer<typeof ThresholdSchema>;

export const ThresholdsSchema = z.partialRecord(SignalNameSchema, ThresholdSchema);
export type Thresholds = z.infer<typeof ThresholdsSchema>;
