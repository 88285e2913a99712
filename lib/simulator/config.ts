import { z } from "zod";

/** How the simulator shapes one service. Every field has a sensible default. */
export const SimulationSchema = z
  .object({
    /** Mean traffic at the daily average, requests per second. */
    baseRps: z.number().positive().max(1e7).default(200),
    /** Median latency in ms in normal operation. */
    latencyMs: z.number().positive().max(60_000).default(40),
    /** Log-normal shape (sigma of ln latency); 0.5 gives p99 ≈ 3.2 × p50. */
    latencySigma: z.number().positive().max(3).default(0.55),
    /** Background error ratio in percent. */
    errorPct: z.number().min(0).max(100).default(0.05),
    /** Requests per second at which CPU reaches 100%. */
    capacityRps: z.number().positive().max(1e8).optional(),
    /** Baseline memory use in percent. */
    memoryPct: z.number().min(0).max(100).default(45),
    /** Connection pool size (connections). */
    poolSize: z.number().int().positive().max(100_000).default(50),
    /** Peak-to-mean ratio of the daily cycle (0 = flat). */
    diurnalAmplitude: z.number().min(0).max(0.95).default(0.45),
  })
  .strict();
export type Simulation = z.output<typeof SimulationSchema>;

/** What the simulator needs of a configured service (lib/config/schema.ts ServiceSchema has more). */
export type SimulatedService = { id: string; dependsOn: readonly string[]; simulation: Simulation };
