import { z } from "zod";

/** A game-day run as the API, the live channel and the store carry it (docs/api.md "Game days"). */
export const RUN_STATUSES = ["running", "completed", "stopped"] as const;
/** Pass / Fail once completed, Stopped when aborted, Awaited while it runs (LitmusChaos' words). */
export const VERDICTS = ["awaited", "pass", "fail", "stopped"] as const;
export const STEP_STATES = ["pending", "active", "waiting", "done", "missed", "skipped"] as const;

const ConditionSchema = z.object({
  text: z.string(),
  target: z.union([
    z.object({ kind: z.literal("service"), id: z.string(), signal: z.string() }),
    z.object({ kind: z.literal("slo"), id: z.string(), signal: z.string() }),
  ]),
  op: z.enum(["<", "<=", ">", ">="]),
  value: z.number(),
  forMs: z.number(),
});

export const RunStepSchema = z.object({
  n: z.number().int(),
  at: z.number(),
  kind: z.enum(["observe", "drill", "expect", "manual", "traffic"]),
  text: z.string(),
  state: z.enum(STEP_STATES),
  startedAt: z.number().nullable(),
  doneAt: z.number().nullable(),
  doneBy: z.string().nullable(),
  drillId: z.string().nullable(),
  /** Why a step was missed or skipped (an expected alert that never fired, a run stopped first). */
  note: z.string().nullable(),
});
export type RunStep = z.infer<typeof RunStepSchema>;

export const ProbeSchema = z.object({
  kind: z.enum(["hypothesis", "abort"]),
  condition: ConditionSchema,
  value: z.number().nullable(),
  /** Hypothesis: inside the steady state now. Abort: tripped (true for its `for`). */
  holds: z.boolean(),
  trueSince: z.number().nullable(),
  /** Hypothesis only: time outside the steady state, and when it first and last left it. */
  brokenMs: z.number(),
  firstBrokenAt: z.number().nullable(),
  lastBrokenAt: z.number().nullable(),
  worst: z.number().nullable(),
  /** Hypothesis only: probes with a value (over the run, and while the fault ran), and time without one. Defaults: runs stored before they were counted. */
  samples: z.number().default(0),
  faultSamples: z.number().default(0),
  noDataMs: z.number().default(0),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const LoadLevelSchema = z.object({
  step: z.number().int(),
  target: z.string(),
  factor: z.number(),
  from: z.number(),
  to: z.number().nullable(),
  samples: z.number(),
  p99Max: z.number().nullable(),
  p99Mean: z.number().nullable(),
  errorPctMean: z.number().nullable(),
  errorPctMax: z.number().nullable(),
});
export type LoadLevel = z.infer<typeof LoadLevelSchema>;

export const MeasurementsSchema = z.object({
  faultStartedAt: z.number().nullable(),
  faultEndedAt: z.number().nullable(),
  /** The last manual step ticked after the fault began, else the fault's end. */
  mitigationAt: z.number().nullable(),
  /** First probe after the mitigation with every hypothesis condition inside the steady state. */
  recoveredAt: z.number().nullable(),
  timeToDetectMs: z.number().nullable(),
  /** Null when nobody acknowledged the run's incident (no guess is made). */
  timeToAcknowledgeMs: z.number().nullable(),
  timeToMitigateMs: z.number().nullable(),
  timeToRecoverMs: z.number().nullable(),
  requestsFailed: z.number(),
  budgetBurned: z.array(z.object({ slo: z.string(), pct: z.number().nullable() })),
  levels: z.array(LoadLevelSchema),
  alerts: z.array(z.object({ name: z.string(), firedAt: z.number().nullable() })),
  /** Expected alerts that never fired during the run: a detection gap. */
  missedAlerts: z.array(z.string()),
});
export type Measurements = z.infer<typeof MeasurementsSchema>;

export const ConditionResultSchema = z.object({ what: z.string(), pass: z.boolean(), detail: z.string() });

/** What the run keeps of its plan, so a plan edited during a run (or a restart) does not change it. */
export const RunSpecSchema = z.object({
  objective: z.string(),
  owner: z.string(),
  prerequisites: z.array(z.string()),
  runbooks: z.array(z.string()),
  expectedAlerts: z.array(z.string()),
  plannedMs: z.number(),
  maxDurationMs: z.number(),
  /** lib/gamedays/steps.ts Step, as parsed. */
  steps: z.array(z.looseObject({ n: z.number(), at: z.number(), kind: z.string(), text: z.string() })),
});

export const RunSchema = z.object({
  id: z.string(),
  plan: z.string(),
  planTitle: z.string(),
  services: z.array(z.string()),
  incidentId: z.string(),
  incidentNumber: z.number().int(),
  status: z.enum(RUN_STATUSES),
  verdict: z.enum(VERDICTS),
  startedAt: z.number(),
  startedBy: z.string(),
  /** Guardrail: the run ends by itself at this time. */
  endsBy: z.number(),
  endedAt: z.number().nullable(),
  stopReason: z.string().nullable(),
  steps: z.array(RunStepSchema),
  probes: z.array(ProbeSchema),
  measurements: MeasurementsSchema,
  results: z.array(ConditionResultSchema),
  /** Budget consumed per SLO of the plan's services when the run began (for `budgetBurned`). */
  budgetAtStart: z.record(z.string(), z.number().nullable()),
  spec: RunSpecSchema,
  /** The game-day report, drafted in one action once the run has ended (Markdown). */
  report: z.object({ markdown: z.string(), draftedAt: z.number(), draftedBy: z.string() }).nullable(),
  version: z.number().int(),
});
export type Run = z.infer<typeof RunSchema>;
export type RunStatus = Run["status"];

export const RunAnswerSchema = z.object({ run: RunSchema });
export const RunListSchema = z.object({ runs: z.array(RunSchema) });
export const StartRunInputSchema = z.object({ note: z.string().max(2000).optional() }).strict();
export const AbortRunInputSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
