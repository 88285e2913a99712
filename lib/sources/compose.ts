import type { Logger } from "../log";
import type { DrillEffect } from "../drills/types";
import type { SloConfig } from "../slo/schema";
import type { SimulatedService } from "../simulator/config";
import { prometheusSettings, simulatorSeed, type PrometheusSettings, type ServiceSourceKind, type SourceConfig } from "./config";
import { PrometheusSource } from "./prometheus";
import { SimulatorSource } from "./simulator-source";
import { SourceSet, type PulledSource } from "./set";

type SourcesConfig = { source: SourceConfig; prometheus?: Omit<PrometheusSettings, "kind">; services: readonly (SimulatedService & { id: string })[] };

/**
 * One source per kind in use, each feeding only its own services (lib/sources/set.ts): the
 * simulator over the simulator-fed services, Prometheus limited to the Prometheus-fed ones.
 * Push-fed services get no pulled source, so nothing simulated or backfilled reaches them.
 */
export function createSources(opts: {
  config: SourcesConfig;
  bySource: Record<ServiceSourceKind, string[]>;
  drills: (from: number) => readonly DrillEffect[];
  logger: Logger;
}): SourceSet {
  const { config, bySource, logger } = opts;
  const pulled: PulledSource[] = [];
  if (bySource.simulator.length > 0) {
    const ids = new Set(bySource.simulator);
    const services = config.services.filter((s) => ids.has(s.id));
    pulled.push({ source: new SimulatorSource({ seed: simulatorSeed(config), services, drills: opts.drills }), services: bySource.simulator });
  }
  if (bySource.prometheus.length > 0) {
    const prom = prometheusSettings(config);
    if (!prom?.url) throw new Error("prometheus.url: the Prometheus source needs a url (in the config or PROMETHEUS_URL)");
    pulled.push({ source: new PrometheusSource({ config: { ...prom, url: prom.url }, serviceIds: bySource.prometheus }), services: bySource.prometheus });
  }
  return new SourceSet({
    pulled,
    services: bySource,
    onBackfillError: (kind, err) => logger.warn({ source: kind, err: String(err) }, "history backfill from a source failed; its services start without it"),
  });
}

/**
 * What the SLO backfill reads (lib/sources/backfill.ts): from the sources' own counters when
 * every SLO's service is counted by one (Prometheus; a push-fed service gets nothing), else from
 * the sampled values of the pulled sources (a push-fed service again gets nothing).
 */
export function sloBackfillSource(set: SourceSet, slos: readonly SloConfig[]): Pick<PulledSource["source"], "backfillMinutes" | "sloCountsRangeMany"> {
  const countable = slos.every((slo) => set.countsEvents(slo.service) || !set.sourceOf(slo.service));
  return {
    backfillMinutes: (from, to, stepMs) => set.backfillMinutes(from, to, stepMs),
    ...(countable && set.get("prometheus") ? { sloCountsRangeMany: (items, from, to, stepMs) => set.countsMany(items, from, to, stepMs) } : {}),
  };
}
