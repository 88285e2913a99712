import type { SimulatedService } from "./config";
import type { DrillEffect } from "../drills/types";
import type { SignalValues } from "../signals/types";
import { drillWeight, impactOn } from "./drill-impact";
import { goldenSignals } from "./golden";
import { buildModels, type ServiceModel } from "./model";

export type SimulatorOptions = { seed: number; services: readonly SimulatedService[] };

/**
 * Golden signals of simulated services as a pure function of (seed, config, t, drills):
 * no state and no clock, so history can be backfilled for any past instant and replayed.
 */
export class Simulator {
  private readonly models: readonly ServiceModel[];
  private readonly byId: ReadonlyMap<string, ServiceModel>;

  constructor(opts: SimulatorOptions) {
    this.models = buildModels(opts.seed, opts.services);
    this.byId = new Map(this.models.map((m) => [m.id, m]));
  }

  has(serviceId: string): boolean {
    return this.byId.has(serviceId);
  }

  /** Signals of one service at t (epoch ms); drills outside their window (+ ramp-out) have no effect. */
  sample(serviceId: string, t: number, drills: readonly DrillEffect[]): SignalValues {
    const model = this.byId.get(serviceId);
    if (!model) throw new Error(`unknown service "${serviceId}"`);
    assertTime(t);
    return goldenSignals(model, t, impactOn(model, t, drills));
  }

  /** Signals of every service at t, keyed by id; identical to calling sample() for each. */
  sampleAll(t: number, drills: readonly DrillEffect[]): Record<string, SignalValues> {
    assertTime(t);
    const live = drills.filter((d) => drillWeight(d, t) > 0);
    const out: Record<string, SignalValues> = {};
    for (const m of this.models) out[m.id] = goldenSignals(m, t, impactOn(m, t, live));
    return out;
  }
}

function assertTime(t: number): void {
  if (!Number.isFinite(t)) throw new Error(`sample time must be a finite epoch-ms number, got ${t}`);
}
