import { z } from "zod";

/**
 * Game-day drills: faults injected into simulated services (docs/api.md drills).
 * - latency: latency × magnitude (default 5)
 * - errors: magnitude % of requests fail with 5xx (default 20)
 * - traffic: traffic × magnitude (10 or 20; default 10), saturating the service
 * - saturation: CPU / memory / connection pool pushed to magnitude % (default 95)
 * - dependency-outage: the target goes down; services that depend on it degrade
 */
export const DRILL_KINDS = ["latency", "errors", "traffic", "saturation", "dependency-outage"] as const;
export const DrillKindSchema = z.enum(DRILL_KINDS);
export type DrillKind = z.infer<typeof DrillKindSchema>;

export const DRILL_DEFAULT_MAGNITUDE: Record<DrillKind, number> = {
  latency: 5,
  errors: 20,
  traffic: 10,
  saturation: 95,
  "dependency-outage": 100,
};

export const DRILL_META: Record<DrillKind, { label: string; magnitudeLabel: string; min: number; max: number }> = {
  latency: { label: "Latency injection", magnitudeLabel: "latency ×", min: 1.1, max: 100 },
  errors: { label: "Error spike", magnitudeLabel: "% of requests failing", min: 0.1, max: 100 },
  traffic: { label: "Traffic surge", magnitudeLabel: "traffic ×", min: 1.1, max: 50 },
  saturation: { label: "Saturation", magnitudeLabel: "% saturation", min: 50, max: 100 },
  "dependency-outage": { label: "Dependency outage", magnitudeLabel: "% unavailable", min: 1, max: 100 },
};

/** A drill as the simulator needs it: what, where, how hard, and when. Times in epoch ms. */
export const DrillEffectSchema = z.object({
  id: z.string(),
  kind: DrillKindSchema,
  target: z.string(),
  magnitude: z.number(),
  startedAt: z.number(),
  /** Planned end (startedAt + duration). */
  endsAt: z.number(),
  /** Set when stopped early. */
  stoppedAt: z.number().nullable(),
});
export type DrillEffect = z.infer<typeof DrillEffectSchema>;

export const DrillSchema = DrillEffectSchema.extend({ createdBy: z.string(), note: z.string() });
export type Drill = z.infer<typeof DrillSchema>;

/** A drill in GET /api/v1/drills: with whether it is running now. */
export const ListedDrillSchema = DrillSchema.extend({ active: z.boolean() });
export const DrillListSchema = z.object({ drills: z.array(ListedDrillSchema) });
export const DrillAnswerSchema = z.object({ drill: DrillSchema });

/** Input of `POST /api/v1/drills`. */
export const StartDrillInputSchema = z
  .object({
    kind: DrillKindSchema,
    target: z.string().min(1).max(100),
    durationSeconds: z.number().int().min(10).max(6 * 3600).default(300),
    magnitude: z.number().finite().positive().optional(),
    note: z.string().max(2000).default(""),
  })
  .strict();
export type StartDrillInput = z.input<typeof StartDrillInputSchema>;

/** What a drill kind is called on screen ("Error spike"); an unknown kind by its name. */
export function drillKindLabel(kind: string): string {
  return DRILL_META[kind as DrillKind]?.label ?? kind;
}

export function drillEnd(d: DrillEffect): number {
  return d.stoppedAt !== null ? Math.min(d.stoppedAt, d.endsAt) : d.endsAt;
}

export function isDrillActive(d: DrillEffect, now: number): boolean {
  return d.startedAt <= now && now < drillEnd(d);
}
