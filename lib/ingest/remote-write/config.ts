import { z } from "zod";
import { PrometheusMetricsSchema } from "../../sources/prometheus/config";

/**
 * `integrations.remoteWrite` (README "Prometheus remote_write"): which series feed which signal
 * (the Prometheus source's names and defaults, lib/sources/prometheus/config.ts) and the bounds
 * that keep the per-series state small.
 */
export const RemoteWriteConfigSchema = z
  .object({
    /** Label that carries the service id. Default: the Prometheus source's `serviceLabel`, else `service`. */
    serviceLabel: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "serviceLabel must be a Prometheus label name")
      .optional(),
    /** Metric names and status-code classes. Default: the Prometheus source's `metrics`, else its defaults. */
    metrics: PrometheusMetricsSchema.optional(),
    /** Distinct series (label sets of mapped metrics) kept per service; new ones beyond are refused. */
    maxSeriesPerService: z.number().int().min(10).max(1_000_000).default(10_000),
    /** Distinct series kept over all services. */
    maxSeries: z.number().int().min(10).max(10_000_000).default(200_000),
    /** The state of a series not seen for this long is dropped (it stops counting toward the bounds). */
    seriesTtlMinutes: z.number().int().min(1).max(24 * 60).default(10),
  })
  .strict();
export type RemoteWriteConfig = z.output<typeof RemoteWriteConfigSchema>;

/** What the mapper needs, resolved against the Prometheus source's settings. */
export type RemoteWriteRules = {
  serviceLabel: string;
  metrics: z.output<typeof PrometheusMetricsSchema>;
  maxSeriesPerService: number;
  maxSeries: number;
  seriesTtlMs: number;
};

export function remoteWriteRules(cfg: RemoteWriteConfig, prometheus?: { serviceLabel: string; metrics: z.output<typeof PrometheusMetricsSchema> }): RemoteWriteRules {
  return {
    serviceLabel: cfg.serviceLabel ?? prometheus?.serviceLabel ?? "service",
    metrics: cfg.metrics ?? prometheus?.metrics ?? PrometheusMetricsSchema.parse({}),
    maxSeriesPerService: cfg.maxSeriesPerService,
    maxSeries: cfg.maxSeries,
    seriesTtlMs: cfg.seriesTtlMinutes * 60_000,
  };
}

/** A Prometheus (RE2) code class such as `5..|429` as a JS regex, fully anchored as Prometheus anchors it. */
export const codeClass = (re: string): RegExp => new RegExp(`^(?:${re})$`);
