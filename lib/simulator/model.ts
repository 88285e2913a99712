import type { SimulatedService } from "./config";
import { byteUnit, hash, hashString } from "./noise";
import { MINUTE } from "./calendar";

/** A service this one calls, directly (hops = 1) or through others. */
export type Dependency = {
  /** How much of the dependency's trouble reaches this service: 1 direct, halved per extra hop. */
  reach: number;
  /** Share of this service's requests that fail when the dependency is fully down (0–1). */
  outageErrorShare: number;
  /** The dependency's median latency, to add its slowness to ours. */
  latencyMs: number;
  /** Rough share of our requests that call it (0.05–1), from the two services' traffic. */
  callShare: number;
};

/** Everything about one service that does not depend on time, computed once. */
export type ServiceModel = {
  id: string;
  /** Seeds every random stream of this service. */
  key: number;
  baseRps: number;
  latencyMs: number;
  latencySigma: number;
  errorFrac: number;
  capacityRps: number;
  memoryPct: number;
  poolSize: number;
  diurnalAmplitude: number;
  /** Utilisation at baseRps, where p50 equals latencyMs. */
  baseUtilisation: number;
  baseQueueFactor: number;
  /** Share of background errors that are 5xx (the rest are 4xx-like). */
  background5xxShare: number;
  /** Heap sawtooth: period and phase of the garbage collector's cycle. */
  gcPeriodMs: number;
  gcPhaseMs: number;
  dependencies: ReadonlyMap<string, Dependency>;
};

export const MAX_UTILISATION = 0.97;
const MAX_HOPS = 3;
const SEED_STREAM = 0x5eed;
const TRAIT_STREAM = 0x7a17;
const OUTAGE_SHARE_STREAM = 0x0a7e;

/** M/M/1 waiting-time factor, capped so overload stays finite. */
export function queueFactor(utilisation: number): number {
  return 1 / (1 - Math.min(Math.max(utilisation, 0), MAX_UTILISATION));
}

export function buildModels(seed: number, services: readonly SimulatedService[]): ServiceModel[] {
  const byId = new Map<string, SimulatedService>();
  for (const s of services) {
    if (byId.has(s.id)) throw new Error(`duplicate service id "${s.id}"`);
    byId.set(s.id, s);
  }
  const seedKey = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  return services.map((s) => {
    const sim = s.simulation;
    const key = hash(hashString(s.id), SEED_STREAM, seedKey);
    const traits = hash(key, TRAIT_STREAM, 0);
    const capacityRps = sim.capacityRps ?? sim.baseRps * 3;
    const baseUtilisation = sim.baseRps / capacityRps;
    const gcPeriodMs = (8 + 12 * byteUnit(traits, 1)) * MINUTE;
    return {
      id: s.id,
      key,
      baseRps: sim.baseRps,
      latencyMs: sim.latencyMs,
      latencySigma: sim.latencySigma,
      errorFrac: sim.errorPct / 100,
      capacityRps,
      memoryPct: sim.memoryPct,
      poolSize: sim.poolSize,
      diurnalAmplitude: sim.diurnalAmplitude,
      baseUtilisation,
      baseQueueFactor: queueFactor(baseUtilisation),
      background5xxShare: 0.6 + 0.2 * byteUnit(traits, 0),
      gcPeriodMs,
      gcPhaseMs: gcPeriodMs * byteUnit(traits, 2),
      dependencies: dependenciesOf(s, byId, key),
    };
  });
}

/** Breadth-first over dependsOn, up to MAX_HOPS away; unknown ids and cycles are ignored. */
function dependenciesOf(
  service: SimulatedService,
  byId: ReadonlyMap<string, SimulatedService>,
  key: number,
): Map<string, Dependency> {
  const found = new Map<string, Dependency>();
  let frontier: readonly string[] = [service.id];
  for (let hops = 1; hops <= MAX_HOPS && frontier.length > 0; hops++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const depId of byId.get(id)?.dependsOn ?? []) {
        const dep = byId.get(depId);
        if (!dep || depId === service.id || found.has(depId)) continue;
        // Some callers have fallbacks or caches and suffer less: 15–40% of requests fail.
        const share = 0.15 + 0.25 * byteUnit(hash(key, OUTAGE_SHARE_STREAM, hashString(depId)), 0);
        found.set(depId, {
          reach: 0.5 ** (hops - 1),
          outageErrorShare: share,
          latencyMs: dep.simulation.latencyMs,
          callShare: Math.min(1, Math.max(0.05, dep.simulation.baseRps / service.simulation.baseRps)),
        });
        next.push(depId);
      }
    }
    frontier = next;
  }
  return found;
}
