import { z } from "zod";
import { RunSchema } from "./model";

/** The plan resources as the API serves them (lib/server/gameday-routes.ts) and the pages read them (components/gamedays/api.ts). */
export const PlanSummarySchema = z.object({
  slug: z.string(),
  title: z.string(),
  objective: z.string(),
  owner: z.string(),
  services: z.array(z.string()),
  prerequisites: z.array(z.string()),
  hypothesis: z.array(z.string()),
  abort: z.array(z.string()),
  steps: z.array(z.object({ n: z.number(), at: z.number(), kind: z.string(), text: z.string() })),
  expectedAlerts: z.array(z.string()),
  runbooks: z.array(z.string()),
  maxDurationMs: z.number(),
  plannedMs: z.number(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;
export const TrendPointSchema = z.object({ run: z.string(), startedAt: z.number(), verdict: z.string(), timeToDetectMs: z.number().nullable(), timeToRecoverMs: z.number().nullable() });
export type TrendPoint = z.infer<typeof TrendPointSchema>;
export const PlanListSchema = z.object({ plans: z.array(PlanSummarySchema.extend({ running: z.string().nullable() })), invalid: z.array(z.object({ path: z.string(), problems: z.array(z.object({ line: z.number(), message: z.string() })) })) });
export const PlanDetailSchema = z.object({ plan: PlanSummarySchema, runs: z.array(RunSchema), trend: z.array(TrendPointSchema) });
