import { z } from "zod";
import { SloWindowSchema } from "../slo/schema";

/** Postmortems, their impact report and templates as the API and the `incident:<id>` channel carry them (docs/api.md). */

/** Same list as the store's column check (lib/store/postmortems.ts). */
export const POSTMORTEM_STATUSES = ["draft", "in-review", "published"] as const;
export const PostmortemStatusSchema = z.enum(POSTMORTEM_STATUSES);
export type PostmortemStatus = z.infer<typeof PostmortemStatusSchema>;

/** A postmortem body is Markdown a person writes; 200 000 characters is a long book chapter. */
export const MAX_POSTMORTEM_CHARS = 200_000;

/** Time range of an incident, epoch ms: [from, to). */
export const ImpactWindowSchema = z.object({ from: z.number(), to: z.number() });
export type ImpactWindow = z.infer<typeof ImpactWindowSchema>;

export const SloImpactSchema = z.object({
  sloId: z.string(),
  service: z.string(),
  name: z.string(),
  target: z.number(),
  window: SloWindowSchema,
  /** Events of the SLI during the incident (rows in the incident range). */
  good: z.number(),
  total: z.number(),
  bad: z.number(),
  /** Range of the denominator (see `sloBudgetRange`) and its total events. */
  budgetFrom: z.number(),
  budgetTo: z.number(),
  budgetWindowMs: z.number(),
  windowTotal: z.number(),
  /** Errors the target allows over the window: (1 − target) × windowTotal. */
  allowedBad: z.number(),
  /** bad / allowedBad as a fraction (0.5 = half the window's budget); null without traffic. */
  budgetConsumed: z.number().nullable(),
});
export type SloImpact = z.infer<typeof SloImpactSchema>;

/** What the numbers were computed from: per-second data, minute rollups, both (minutes before the seconds), or nothing. */
export const IMPACT_RESOLUTIONS = ["seconds", "minutes", "mixed", "none"] as const;
export type ImpactResolution = (typeof IMPACT_RESOLUTIONS)[number];

export const ServiceImpactSchema = z.object({
  service: z.string(),
  /** Minute rows used (pro-rated at the edges) for the part of the window without second data. */
  minutesWithData: z.number(),
  /** Seconds of the window counted from second-resolution data (absent on postmortems drafted before it was used). */
  secondsWithData: z.number().optional(),
  /** From when second data was used (the rest of the window, before it, from minute rows); null without second data. */
  secondsFrom: z.number().nullable().optional(),
  resolution: z.enum(IMPACT_RESOLUTIONS).optional(),
  /** Highest p99 (ms) and the start of the minute it was seen in (earliest on ties). */
  peakP99Ms: z.number().nullable(),
  peakP99At: z.number().nullable(),
  /** Highest error rate (%) and the start of its minute (earliest on ties). */
  peakErrorPct: z.number().nullable(),
  peakErrorPctAt: z.number().nullable(),
  requests: z.number(),
  /** Estimated failed requests: the sum of `errors` over the incident's minutes. */
  failedRequests: z.number(),
  failed5xx: z.number(),
  /** failedRequests / requests, or null without traffic. */
  errorRatio: z.number().nullable(),
  /** The service's SLOs (empty when it has none). */
  slos: z.array(SloImpactSchema),
});
export type ServiceImpact = z.infer<typeof ServiceImpactSchema>;

export const ImpactReportSchema = z
  .object({
    window: ImpactWindowSchema,
    /** Rows counted: start in [range.from, range.to). */
    range: ImpactWindowSchema,
    durationMs: z.number(),
    /** The coarsest data any affected service needed (absent on postmortems drafted before it was reported). */
    resolution: z.enum(IMPACT_RESOLUTIONS).optional(),
    services: z.array(ServiceImpactSchema),
    totals: z.object({ requests: z.number(), failedRequests: z.number(), failed5xx: z.number() }),
  })
  .meta({ description: "The impact report the draft was computed from" });
export type ImpactReport = z.infer<typeof ImpactReportSchema>;

export const PostmortemSchema = z.object({
  incidentId: z.string(),
  template: z.string(),
  status: PostmortemStatusSchema,
  body: z.string().meta({ description: "Markdown" }),
  impact: ImpactReportSchema.nullable(),
  version: z.number().int(),
  createdAt: z.number().int(),
  createdBy: z.string(),
  updatedAt: z.number().int(),
  updatedBy: z.string(),
  publishedAt: z.number().int().nullable(),
});
export type PostmortemDocument = z.infer<typeof PostmortemSchema>;

/** The `postmortem` event on the `incident:<id>` channel: someone created or saved it. */
export const PostmortemSavedSchema = z.object({ version: z.number().int(), status: PostmortemStatusSchema, updatedBy: z.string(), updatedAt: z.number() });
export type PostmortemSaved = z.infer<typeof PostmortemSavedSchema>;

/** One entry of GET /api/v1/postmortem-templates. */
export const TemplateInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  placeholders: z.array(z.string()),
  /** Placeholders that need the incident's end time; empty when it can be drafted any time. */
  needsEndTime: z.array(z.string()),
});
export type TemplateInfo = z.infer<typeof TemplateInfoSchema>;

export const InvalidTemplateSchema = z.object({ file: z.string(), errors: z.array(z.looseObject({ message: z.string() })) });
export type InvalidTemplateInfo = z.infer<typeof InvalidTemplateSchema>;

export const TemplateListSchema = z.object({ templates: z.array(TemplateInfoSchema), invalid: z.array(InvalidTemplateSchema) });

export const CreatePostmortemSchema = z
  .object({
    template: z.string({ error: "template must be text" }).min(1, "template is required").max(100).default("default"),
    /** Timeline entries in {{timeline.entries}}: the pinned ones (default) or all. */
    timeline: z.enum(["pinned", "all"], { error: 'timeline must be "pinned" or "all"' }).default("pinned"),
  })
  .strict();

export const PatchPostmortemSchema = z
  .object({
    version: z.number({ error: "version is required (the version you edited)" }).int().min(1),
    body: z.string({ error: "body must be text" }).max(MAX_POSTMORTEM_CHARS, `body is longer than ${MAX_POSTMORTEM_CHARS} characters`).optional(),
    status: z.enum(POSTMORTEM_STATUSES, { error: `status must be one of ${POSTMORTEM_STATUSES.join(", ")}` }).optional(),
    /** Publish although sections still hold the template's prompt text (otherwise a 409 names them). */
    confirm: z.boolean({ error: "confirm must be true or false" }).optional(),
  })
  .strict()
  .refine((p) => p.body !== undefined || p.status !== undefined, { message: "nothing to change: send body, status or both" });
