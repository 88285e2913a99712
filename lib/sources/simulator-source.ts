import type { MetricSource } from "./types";
import type { SignalValues } from "../signals/types";
import type { SourceStatus } from "../signals/contract";
import type { DrillEffect } from "../drills/types";
import { Simulator } from "../simulator";
import type { SimulatedService } from "../simulator/config";
import type { HistoryDeriver } from "../signals/derive";

/** The embedded default source: simulated services with drills applied. */
export class SimulatorSource implements MetricSource {
  readonly kind = "simulator";
  private readonly sim: Simulator;
  private readonly drills: (from: number) => readonly DrillEffect[];
  private lastSuccessAt: number | null = null;

  constructor(opts: { seed: number; services: readonly SimulatedService[]; drills: (from: number) => readonly DrillEffect[] }) {
    this.sim = new Simulator({ seed: opts.seed, services: opts.services });
    this.drills = opts.drills;
  }

  async sampleAll(t: number): Promise<Record<string, SignalValues>> {
    const out = this.sim.sampleAll(t, this.drills(t - 60_000));
    this.lastSuccessAt = t;
    return out;
  }

  async backfillMinutes(from: number, to: number, stepMs = 60_000) {
    const drills = this.drills(from);
    const out: Record<string, { t: number; values: SignalValues }[]> = {};
    for (let t = from; t < to; t += stepMs) {
      // The middle of the step stands for it.
      const all = this.sim.sampleAll(t + stepMs / 2, drills);
      for (const [id, values] of Object.entries(all)) (out[id] ??= []).push({ t, values });
    }
    return out;
  }

  /** Sampled tick by tick, exactly as the live ticks will be. */
  async backfillTicks(from: number, to: number, stepMs: number) {
    const out: { t: number; values: Record<string, SignalValues> }[] = [];
    for (let t = from; t < to; t += stepMs) out.push({ t, values: await this.sampleAll(t) });
    return out;
  }

  /** Its history is a pure function of time and the drills (kept in the store): derived, not kept (lib/signals/derive.ts). */
  readonly deriver: HistoryDeriver = {
    derives: (id) => this.sim.has(id),
    sample: (id, times) => {
      if (times.length === 0) return [];
      const drills = this.drills(times[0] - 60_000);
      return times.map((t) => this.sim.sample(id, t, drills));
    },
  };

  status(): SourceStatus {
    return { kind: this.kind, state: "ok", lastSuccessAt: this.lastSuccessAt };
  }
}
