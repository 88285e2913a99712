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
  url: PrometheusSourceSchema.shape.url.optional(),
});

/** The top-level `prometheus:` section: Prometheus settings for services that name `source: prometheus` when the global source is not Prometheus. */
export const PrometheusSectionSchema = PrometheusConfigSchema.omit({ kind: true });

/** Services are fed only by push ingest (POST /api/v1/ingest, remote_write). */
export const PushSourceSchema = z.object({ kind: z.literal("push") }).strict();
/** No default: every service names its own `source`. */
export const NoSourceSchema = z.object({ kind: z.literal("none") }).strict();

/** The kinds one service can be fed by. */
export const SERVICE_SOURCES = ["simulator", "prometheus", "push"] as const;
export type ServiceSourceKind = (typeof SERVICE_SOURCES)[number];
export const ServiceSourceSchema = z.enum(SERVICE_SOURCES, { error: `source must be one of ${SERVICE_SOURCES.join(", ")}` });

const asObject = (v: unknown) => (typeof v === "string" ? { kind: v } : v);

/** The global `source`: an object with `kind`, or just the kind (`source: push`). */
export const SourceSchema = z.preprocess(
  asObject,
  z.discriminatedUnion("kind", [SimulatorSourceSchema, PrometheusConfigSchema, PushSourceSchema, NoSourceSchema], {
    error: "source.kind must be one of simulator, prometheus, push, none",
  }),
);
export type SourceConfig = z.output<typeof SourceSchema>;
export type PrometheusSettings = z.output<typeof PrometheusConfigSchema>;

type SourcedConfig = {
  source: SourceConfig;
  prometheus?: z.output<typeof PrometheusSectionSchema>;
  services: readonly { id: string; source?: ServiceSourceKind }[];
};

/** The source feeding one service: its own `source`, else the global one (`none` when neither names one). */
export function sourceOf(config: SourcedConfig, service: { source?: ServiceSourceKind }): ServiceSourceKind | "none" {
  return service.source ?? config.source.kind;
}

/** Service ids per source kind, in config order. */
export function servicesBySource(config: SourcedConfig): Record<ServiceSourceKind, string[]> {
  const out: Record<ServiceSourceKind, string[]> = { simulator: [], prometheus: [], push: [] };
  for (const s of config.services) {
    const kind = sourceOf(config, s);
    if (kind !== "none") out[kind].push(s.id);
  }
  return out;
}

/** The Prometheus settings in force: the global source when it is Prometheus, else the `prometheus:` section. */
export function prometheusSettings(config: SourcedConfig): PrometheusSettings | null {
  if (config.source.kind === "prometheus") return config.source;
  return config.prometheus ? { ...config.prometheus, kind: "prometheus" } : null;
}

/** The simulator seed: from the global source when it is the simulator. */
export function simulatorSeed(config: SourcedConfig): number {
  return config.source.kind === "simulator" ? config.source.seed : 1;
}

/** Problems of the source choice (path + reason), checked when the config is validated (lib/config/schema.ts). */
export function sourceProblems(config: SourcedConfig): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (config.source.kind === "prometheus" && config.prometheus) {
    problems.push({ path: ["prometheus"], message: "the Prometheus settings are given twice (source.kind: prometheus and a prometheus: section); keep one" });
  }
  const hasPrometheus = prometheusSettings(config) !== null;
  config.services.forEach((s, i) => {
    const kind = sourceOf(config, s);
    if (kind === "none") problems.push({ path: ["services", i, "source"], message: 'required when the global source is "none": simulator, prometheus or push' });
    if (kind === "prometheus" && !hasPrometheus) {
      problems.push({ path: ["services", i, "source"], message: '"prometheus" needs Prometheus settings: add a prometheus: section with its url (or set source.kind: prometheus)' });
    }
  });
  return problems;
}
