import { z } from "zod";
import type { HttpApi } from "./http";
import type { IncidentCtx } from "../incidents/context";
import type { RunbookLibrary } from "../runbooks/library";
import { NotFound, parseOrInvalid } from "../errors";
import { checkRunbookStep, runbookSteps } from "../incidents/service";
import { writerOf } from "./incident-routes";
import { RunbookDetailSchema, RunbookListSchema } from "../runbooks/contract";
import { RunbookCheckSchema, RunbookStepsSchema, TimelineEntrySchema } from "../incidents/contract";
import { RunbookStepInputSchema, RunbookStepsQuerySchema } from "../incidents/runbook-steps";

const ListQuerySchema = z
  .object({
    q: z.string().optional(),
    service: z.string().min(1).max(200).optional(),
    alert: z.string().min(1).max(500).optional(),
    /** With `alert`: the slug the alert's runbook_url names (it counts as listing the alert). */
    runbook: z.string().min(1).max(500).optional(),
  })
  .strict();

/** The runbook routes (docs/runbooks-contract.md): thin adapters over lib/runbooks and lib/incidents. */
export function addRunbookRoutes(api: HttpApi, ctx: { runbooks: RunbookLibrary; incidents: IncidentCtx }): void {
  const library = ctx.runbooks;

  api.add("GET", "/api/v1/runbooks", ({ query }) => {
    const { q, service, alert, runbook } = parseOrInvalid(ListQuerySchema, Object.fromEntries(query), "query parameters", { firstIssue: false });
    if (q !== undefined) return { body: { query: q.slice(0, 200), hits: library.search(q, 20) } };
    // An alert's runbooks, best first for its service (lib/runbooks/rank.ts).
    if (alert !== undefined && (service !== undefined || runbook !== undefined)) return { body: { runbooks: library.forAlert({ alert, service, runbook }) } };
    if (service !== undefined) return { body: { runbooks: library.byService(service) } };
    if (alert !== undefined) return { body: { runbooks: library.byAlert(alert) } };
    return { body: library.list() };
  }, {
    summary: "Runbooks by title (with invalid files), or search hits with `q`, or those for a service or alert",
    description:
      "With `q`: `{ query, hits }` (≤ 20, best first; any text, cut to 200 characters; title ×4, tags/services/alerts ×2, body; prefix and typo tolerant). With `service` or `alert` (for ErrorBudgetBurn:<slo>:<rule> also runbooks listing the SLO id): `{ runbooks }`. With `alert` and `service` (and `runbook`, the slug its runbook_url names): the alert's runbooks ranked for the service — listing the alert and the service first, generic ones (with `<service>` placeholders) after the service's own, other services' last. Otherwise `{ runbooks, invalid }`.",
    query: ListQuerySchema,
    response: RunbookListSchema,
    errors: { 400: "Unknown query parameter" },
  });

  api.add("GET", "/api/v1/runbooks/*", ({ params }) => {
    const slug = (params["*"] ?? "").replace(/\/+$/, "").replace(/\.md$/, "");
    const runbook = library.get(slug);
    if (!runbook) throw new NotFound(`no runbook "${slug}"`);
    return { body: { runbook } };
  }, {
    summary: "One runbook: markdown body, table of contents and checklist. The slug may contain slashes (checkout/high-latency).",
    wildcard: "slug",
    response: RunbookDetailSchema,
    errors: { 404: "No such runbook" },
  });

  api.add("GET", "/api/v1/incidents/:id/runbook-steps", async ({ params, query }) => ({
    body: { checks: await runbookSteps({ ctx: ctx.incidents, runbooks: library, incidentId: params.id, query: Object.fromEntries(query) }) },
  }), {
    summary: "Every step of a runbook with its tick state in this incident",
    query: RunbookStepsQuerySchema,
    response: RunbookStepsSchema,
    errors: { 400: "runbook missing", 404: "No such incident or runbook" },
  });

  api.add("POST", "/api/v1/incidents/:id/runbook-steps", async (req) => ({
    status: 201,
    body: await checkRunbookStep({ ctx: ctx.incidents, runbooks: library, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }),
  }), {
    summary: "Tick or untick a runbook step; adds a runbook-step timeline entry in the same transaction",
    author: true,
    body: RunbookStepInputSchema,
    status: 201,
    response: z.object({ check: RunbookCheckSchema, entry: TimelineEntrySchema }),
    errors: { 400: "Invalid input or no such step", 404: "No such incident or runbook", 409: "Incident resolved or closed", 413: "Body too large", 415: "Not JSON" },
  });
}
