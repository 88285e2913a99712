import { z } from "zod";
import { SEVERITIES } from "../severity";

/** Runbooks as GET /api/v1/runbooks and /api/v1/runbooks/{slug} serve them (docs/runbooks-contract.md). */

const strings = z.array(z.string());

export const RunbookSummarySchema = z.object({
  slug: z.string(),
  title: z.string(),
  services: strings,
  alerts: strings,
  severity: z.enum(SEVERITIES).nullable(),
  owner: z.string().nullable(),
  lastReviewed: z.string().nullable().meta({ description: "YYYY-MM-DD" }),
  stale: z.boolean().meta({ description: "last reviewed more than 90 days ago, or never" }),
  tags: strings,
  steps: z.number().int().meta({ description: "number of checklist items" }),
});
export type RunbookSummary = z.infer<typeof RunbookSummarySchema>;

export const TocEntrySchema = z.object({ depth: z.number().int(), text: z.string(), id: z.string() });
export type TocEntry = z.infer<typeof TocEntrySchema>;
export const ChecklistItemSchema = z.object({ index: z.number().int(), text: z.string() });
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

export const RunbookSchema = RunbookSummarySchema.extend({
  markdown: z.string().meta({ description: "body without front matter" }),
  toc: z.array(TocEntrySchema),
  checklist: z.array(ChecklistItemSchema),
});
export type Runbook = z.infer<typeof RunbookSchema>;

export const InvalidRunbookSchema = z.object({ path: z.string(), reason: z.string() });
export type InvalidRunbook = z.infer<typeof InvalidRunbookSchema>;

export const SearchHitSchema = RunbookSummarySchema.extend({
  score: z.number(),
  match: z.array(z.object({ field: z.string(), terms: strings })),
  snippet: z.string().meta({ description: "plain text, ≤ 200 characters" }),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

/** GET /api/v1/runbooks: by title with invalid files; search hits with `q`; or those for a service and/or alert. */
export const RunbookIndexSchema = z.object({ runbooks: z.array(RunbookSummarySchema), invalid: z.array(InvalidRunbookSchema) });
export const RunbookSearchSchema = z.object({ query: z.string(), hits: z.array(SearchHitSchema) });
export const RunbookMatchesSchema = z.object({ runbooks: z.array(RunbookSummarySchema) });
export const RunbookListSchema = z.union([RunbookIndexSchema, RunbookSearchSchema, RunbookMatchesSchema]);
export const RunbookDetailSchema = z.object({ runbook: RunbookSchema });
