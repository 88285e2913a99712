import type { DrillEffect } from "../drills/types";
import type { SimulatedService } from "./config";
import { SimExporter } from "./exposition";
import { Simulator } from "./simulator";

/**
 * `GET /sim/metrics`: the simulated services (same seed and drills as the simulator source) in
 * the Prometheus text format, so a real Prometheus can scrape them. Counters start at the first
 * scrape and advance one tick at a time up to now.
 */
export class SimScrapeTarget {
  private readonly opts: { seed: number; services: readonly SimulatedService[]; tickMs: number; drills: (from: number) => readonly DrillEffect[] };
  private state: { sim: Simulator; exporter: SimExporter; at: number } | null = null;

  constructor(opts: { seed: number; services: readonly SimulatedService[]; tickMs: number; drills: (from: number) => readonly DrillEffect[] }) {
    this.opts = opts;
  }

  render(nowMs: number): string {
    const { tickMs } = this.opts;
    const now = Math.floor(nowMs / tickMs) * tickMs;
    this.state ??= { sim: new Simulator({ seed: this.opts.seed, services: this.opts.services }), exporter: new SimExporter(), at: now - tickMs };
    const ex = this.state;
    // After a long pause only the last hour is counted (rates stay right; the gap is not replayed).
    for (let t = Math.max(ex.at, now - 3600_000) + tickMs; t <= now; t += tickMs) {
      ex.exporter.advance(t, ex.sim.sampleAll(t, this.opts.drills(t - 60_000)), tickMs / 1000);
    }
    ex.at = now;
    return ex.exporter.render();
  }
}
