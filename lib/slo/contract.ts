import { z } from "zod";
import { BURN_WINDOWS, type BurnWindow } from "./math";
import { SliSchema, SloWindowSchema } from "./schema";

/** SLO status as GET /api/v1/slos and the `slos` channel carry it; types are inferred from these schemas. */

const ratio = z.number().nullable();
const BurnWindowSchema = z.enum(BURN_WINDOWS);

export const BurnSeveritySchema = z.enum(["page", "ticket"]);
export type BurnSeverity = z.infer<typeof BurnSeveritySchema>;

export const BurnRateRuleSchema = z.object({
  /** Stable name, e.g. "page-1h-5m". */
  id: z.string(),
  severity: BurnSeveritySchema,
  longWindow: BurnWindowSchema,
  shortWindow: BurnWindowSchema,
  /** Burn rate both windows must reach for the rule to fire. */
  factor: z.number(),
  /** Share of the budget spent within the long window at exactly `factor` (0.02 = 2%). */
  budgetConsumedAtAlert: z.number(),
  /** Time the whole budget lasts at exactly `factor`: SLO window / factor. */
  exhaustionMs: z.number(),
});
export type BurnRateRule = z.infer<typeof BurnRateRuleSchema>;

export const BurnAlertStatusSchema = z.object({ rule: BurnRateRuleSchema, firing: z.boolean(), longBurn: ratio, shortBurn: ratio });
export type BurnAlertStatus = z.infer<typeof BurnAlertStatusSchema>;

export const SloStatusSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    name: z.string(),
    description: z.string().optional(),
    sli: SliSchema,
    target: z.number(),
    window: SloWindowSchema,
    windowFrom: z.number(),
    windowMs: z.number(),
    good: z.number(),
    total: z.number(),
    /** Bad events in the window, and how many the target allows for the traffic seen. */
    bad: z.number(),
    allowedBad: z.number(),
    errorRatio: ratio,
    budgetConsumed: ratio,
    budgetRemaining: ratio,
    burnRates: z
      .object({ ...(Object.fromEntries(BURN_WINDOWS.map((w) => [w, ratio])) as Record<BurnWindow, typeof ratio>), window: ratio })
      .meta({ description: "5m, 30m, 1h, 2h, 6h, 1d, 3d and window" }),
    timeToExhaustionMs: ratio,
    burnAlerts: z.array(BurnAlertStatusSchema),
  })
  .meta({ description: 'Ratios are null when the window had no traffic ("no data"); budgetRemaining may be negative.' });
export type SloStatus = z.infer<typeof SloStatusSchema>;

/** GET /api/v1/slos/{id}/burndown: budget remaining over the SLO window and the ideal line (≤ ~500 points). */
export const BurndownSchema = z.object({
  slo: z.string(),
  from: z.number(),
  to: z.number(),
  points: z.array(z.object({ t: z.number(), remaining: z.number().nullable(), ideal: z.number() })),
});

/**
 * One SLO on the `slos` channel (lib/slo/wire.ts): its status without the burn-alert rules, which
 * the frame's `policies` carries once; `policy` indexes them and `firing` names the rules that fire.
 */
export const SloRowSchema = SloStatusSchema.omit({ burnAlerts: true }).extend({ policy: z.number().int().nonnegative(), firing: z.array(z.string()) });
const policies = z.array(z.array(BurnRateRuleSchema)).meta({ description: "Each distinct list of burn-rate rules once; SLOs refer to one by index" });
/** `slos` snapshot: every SLO. */
export const SlosSnapshotSchema = z.object({ policies, slos: z.array(SloRowSchema) });
/** `slos` update: only the SLOs whose shown figures moved since the last update, and the ids no longer configured (docs/protocol.md). */
export const SlosUpdateSchema = z.object({ policies, slos: z.array(SloRowSchema), removed: z.array(z.string()).optional() });

/** `slos:worst` (docs/protocol.md): what the board's banner shows, without every SLO: the one with the least budget left, and how many there are. */
export const SloWorstSchema = z.object({ worst: SloStatusSchema.nullable(), total: z.number() });
export type SloWorst = z.infer<typeof SloWorstSchema>;
