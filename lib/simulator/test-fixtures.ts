import { SimulationSchema, type SimulatedService } from "./config";
import { DRILL_DEFAULT_MAGNITUDE, type DrillEffect, type DrillKind } from "../drills/types";

/** A demo-like estate: a gateway fanning out to services that share postgres and redis. */
export const demoServices: SimulatedService[] = [
  svc("api-gateway", ["checkout", "search", "auth"], { baseRps: 1200, latencyMs: 35, poolSize: 400, memoryPct: 38 }),
  svc("checkout", ["payments", "inventory", "postgres"], { baseRps: 180, latencyMs: 120, latencySigma: 0.6, poolSize: 100, errorPct: 0.1 }),
  svc("payments", ["postgres"], { baseRps: 60, latencyMs: 240, latencySigma: 0.5, poolSize: 60, errorPct: 0.08 }),
  svc("search", ["redis"], { baseRps: 450, latencyMs: 70, latencySigma: 0.7, poolSize: 150, memoryPct: 62 }),
  svc("auth", ["redis", "postgres"], { baseRps: 900, latencyMs: 18, latencySigma: 0.45, poolSize: 100 }),
  svc("inventory", ["postgres"], { baseRps: 220, latencyMs: 45, poolSize: 60 }),
  svc("postgres", [], { baseRps: 2500, latencyMs: 3, latencySigma: 0.8, poolSize: 200, memoryPct: 70, diurnalAmplitude: 0.4 }),
  svc("redis", [], { baseRps: 6000, latencyMs: 0.6, latencySigma: 0.5, poolSize: 128, memoryPct: 55, capacityRps: 40_000 }),
];

function svc(id: string, dependsOn: string[], simulation: Record<string, number>): SimulatedService {
  return { id, dependsOn, simulation: SimulationSchema.parse(simulation) };
}

/** Wednesday 2026-11-18 14:00 UTC: a weekday afternoon, near the daily peak. */
export const WEDNESDAY_2PM = Date.UTC(2026, 10, 18, 14, 0, 0);

export function drill(kind: DrillKind, target: string, over: Partial<DrillEffect> = {}): DrillEffect {
  return {
    id: `drill-${kind}-${target}`,
    kind,
    target,
    magnitude: DRILL_DEFAULT_MAGNITUDE[kind],
    startedAt: WEDNESDAY_2PM,
    endsAt: WEDNESDAY_2PM + 10 * 60_000,
    stoppedAt: null,
    ...over,
  };
}
