import { z } from "zod";
import type { HttpApi } from "./http";
import { NotFound, parseOrInvalid } from "../errors";
import type { PlanLibrary } from "../gamedays/library";
import type { GameDays } from "../gamedays/service";
import { AbortRunInputSchema, RunAnswerSchema, RunSchema, type Run } from "../gamedays/model";
import type { Plan } from "../gamedays/plan";
import { PlanDetailSchema, PlanListSchema, PlanSummarySchema } from "../gamedays/contract";

export type GameDayRoutesCtx = { plans: PlanLibrary; service: GameDays };

const StepParamSchema = z.object({ n: z.coerce.number().int().min(1).max(1000) });

const summary = (p: Plan): z.infer<typeof PlanSummarySchema> => ({
  slug: p.slug,
  title: p.title,
  objective: p.objective,
  owner: p.owner,
  services: p.services,
  prerequisites: p.prerequisites,
  hypothesis: p.hypothesis.map((c) => c.text),
  abort: p.abort.map((c) => c.text),
  steps: p.steps.map((s) => ({ n: s.n, at: s.at, kind: s.kind, text: s.text })),
  expectedAlerts: p.expectedAlerts,
  runbooks: p.runbooks,
  maxDurationMs: p.maxDurationMs,
  plannedMs: p.plannedMs,
});

/** Oldest first: how detection and recovery moved over the plan's runs. */
const trendOf = (runs: readonly Run[]) =>
  runs
    .filter((r) => r.status !== "running")
    .map((r) => ({ run: r.id, startedAt: r.startedAt, verdict: r.verdict, timeToDetectMs: r.measurements.timeToDetectMs, timeToRecoverMs: r.measurements.timeToRecoverMs }))
    .reverse();

const runErrors = { 404: "No such game day or run" };

/** Game days (docs/api.md "Game days"): thin adapters over lib/gamedays/service.ts. */
export function addGameDayRoutes(api: HttpApi, ctx: GameDayRoutesCtx): void {
  const plan = (slug: string) => {
    const p = ctx.plans.get(slug);
    if (!p) throw new NotFound(`no game day "${slug}"`);
    return p;
  };

  api.add("GET", "/api/v1/gamedays", async () => {
    const running = new Map((await ctx.service.running()).map((r) => [r.plan, r.id]));
    return { body: { plans: ctx.plans.list().map((p) => ({ ...summary(p), running: running.get(p.slug) ?? null })), invalid: ctx.plans.invalid() } };
  }, { summary: "Game-day plans from the plan folder, with the run in progress of each, and the files that failed validation (file:line problems)", response: PlanListSchema });

  api.add("GET", "/api/v1/gamedays/:plan", async ({ params }) => {
    const p = plan(params.plan);
    const runs = await ctx.service.list(p.slug);
    return { body: { plan: summary(p), runs, trend: trendOf(runs) } };
  }, { summary: "One plan with its runs (newest first) and its time-to-detect / recovery trend (oldest first)", response: PlanDetailSchema, errors: { 404: "No such game day" } });

  api.add("POST", "/api/v1/gamedays/:plan/runs", async ({ params, author }) => ({ status: 201, body: { run: await ctx.service.start(params.plan, author) } }), {
    summary: "Start a run: a drill incident is declared and the run stored before the 201; its steps start on the game-day job's ticks",
    author: true,
    status: 201,
    response: RunAnswerSchema,
    errors: { 400: "The plan file is invalid (details.problems: file:line)", 404: "No such game day", 409: "A real SEV1/SEV2 is open, or a run already holds one of the plan's services" },
  });

  api.add("GET", "/api/v1/gamedays/:plan/runs/:run", async ({ params }) => ({ body: { run: await ctx.service.get(params.plan, params.run) } }), {
    summary: "One run: state, steps, probes, measurements and verdict",
    response: RunAnswerSchema,
    errors: runErrors,
  });

  api.add("POST", "/api/v1/gamedays/:plan/runs/:run/steps/:n/done", async ({ params, author }) => {
    const { n } = parseOrInvalid(StepParamSchema, { n: params.n }, "step number");
    return { body: { run: await ctx.service.stepDone(params.plan, params.run, n, author) } };
  }, {
    summary: "Tick a manual step (its time and who ticked it are recorded)",
    author: true,
    response: RunAnswerSchema,
    errors: { 400: "Not a manual step", ...runErrors, 409: "Already ticked, not due yet, or the run has ended" },
  });

  api.add("POST", "/api/v1/gamedays/:plan/runs/:run/abort", async ({ params, author, body }) => {
    const { reason } = parseOrInvalid(AbortRunInputSchema, (await body()) ?? {}, "abort");
    return { body: { run: await ctx.service.abort(params.plan, params.run, reason, author) } };
  }, {
    summary: "Abort a run: every drill of the run is stopped at once and the run marked Stopped",
    author: true,
    body: AbortRunInputSchema,
    bodyOptional: true,
    response: RunAnswerSchema,
    errors: { 400: "Invalid input", ...runErrors, 409: "The run already ended" },
  });

  api.add("POST", "/api/v1/gamedays/:plan/runs/:run/report", async ({ params, author }) => ({ status: 201, body: { run: await ctx.service.draftReport(params.plan, params.run, author) } }), {
    summary: "Draft the game-day report from the ended run (Objective, Hypothesis, Timeline, Measurements, Result, Findings, Action items)",
    author: true,
    status: 201,
    response: RunAnswerSchema,
    errors: { ...runErrors, 409: "The run is still going" },
  });

  api.add("GET", "/api/v1/incidents/:id/gameday", async ({ params }) => ({ body: { run: await ctx.service.ofIncident(params.id) } }), {
    summary: "The game-day run whose drill incident this is (null for any other incident)",
    response: z.object({ run: RunSchema.nullable() }),
  });

  api.add("GET", "/api/v1/gamedays/:plan/runs/:run/report.md", async ({ params }) => {
    const run = await ctx.service.get(params.plan, params.run);
    if (!run.report) throw new NotFound("no report drafted for this run yet: POST …/report first");
    return { text: run.report.markdown, headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="gameday-${run.plan}-${run.id.slice(0, 8)}.md"` } };
  }, { summary: "The game-day report as a Markdown file", produces: "text/markdown", errors: { 404: "No such run, or no report drafted" } });
}
