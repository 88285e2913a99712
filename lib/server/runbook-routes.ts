import { z } from "zod";
import type { HttpApi } from "./http";
import type { WarRoomRuntime } from "./runtime";
import { NotFound, parseOrInvalid } from "../errors";
import { checkRunbookStep, runbookSteps } from "../incidents/service";
import { writerOf } from "./incident-routes";

const ListQuerySchema = z
  .object({
    q: z.string().optional(),
    service: z.string().min(1).max(200).optional(),
    alert: z.string().min(1).max(500).optional(),
  })
  .strict();

/** The runbook routes (docs/runbooks-contract.md): thin adapters over lib/runbooks and lib/incidents. */
export function addRunbookRoutes(api: HttpApi, rt: WarRoomRuntime): void {
  const library = rt.runbooks;

  api.add("GET", "/api/v1/runbooks", ({ query }) => {
    const { q, service, alert } = parseOrInvalid(ListQuerySchema, Object.fromEntries(query), "query parameters", { firstIssue: false });
    if (q !== undefined) return { body: { query: q.slice(0, 200), hits: library.search(q, 20) } };
    if (service !== undefined && alert !== undefined) {
      const forAlert = new Set(library.byAlert(alert).map((s) => s.slug));
      return { body: { runbooks: library.byService(service).filter((s) => forAlert.has(s.slug)) } };
    }
    if (service !== undefined) return { body: { runbooks: library.byService(service) } };
    if (alert !== undefined) return { body: { runbooks: library.byAlert(alert) } };
    return { body: library.list() };
  });

  api.add("GET", "/api/v1/runbooks/*", ({ params }) => {
    const slug = (params["*"] ?? "").replace(/\/+$/, "").replace(/\.md$/, "");
    const runbook = library.get(slug);
    if (!runbook) throw new NotFound(`no runbook "${slug}"`);
    return { body: { runbook } };
  });

  api.add("GET", "/api/v1/incidents/:id/runbook-steps", async ({ params, query }) => ({
    body: { checks: await runbookSteps({ ctx: rt.incidents, runbooks: library, incidentId: params.id, query: Object.fromEntries(query) }) },
  }));

  api.add("POST", "/api/v1/incidents/:id/runbook-steps", async (req) => ({
    status: 201,
    body: await checkRunbookStep({ ctx: rt.incidents, runbooks: library, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }),
  }));
}
