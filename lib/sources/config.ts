import { z } from "zod";
import { PrometheusSourceSchema } from "./prometheus/config";

export const SimulatorSourceSchema = z
  .object({
    kind: z.literal("simulator"),
    /** Same seed + same clock = same numbers. */
    seed: z.number().int().default(1),
  })
  .strict();

/** Prometheus as the source; `url` may instead come from PROMETHEUS_URL (which wins). */
export const PrometheusConfigSchema = PrometheusSourceSchema.extend({
  url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }).optional(),
});

export const SourceSchema = z.discriminatedUnion("kind", [SimulatorSourceSchema, PrometheusConfigSchema]);
export type SourceConfig = z.output<typeof SourceSchema>;
