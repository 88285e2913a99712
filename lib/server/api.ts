import { z } from "zod";
import { HttpApi } from "./http";
import type { WarRoomRuntime } from "./runtime";
import { Invalid, NotFound, parseOrInvalid } from "../errors";
import { MAX_SERIES_POINTS } from "../signals/history";
import { serviceStates } from "../signals/state";
import { roundValues } from "../signals/round";
import type { Logger } from "../log";
import { openApiDocument } from "./openapi";
import { isDrillActive } from "../drills/types";
import { addIncidentRoutes } from "./incident-routes";
import { addRunbookRoutes } from "./runbook-routes";
import { addIntegrationRoutes } from "./integration-routes";
import { addPostmortemRoutes } from "./postmortem-routes";

const time = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

const SignalsQuerySchema = z
  .object({
    from: time.optional(),
    to: time.optional(),
    step: z.string().regex(/^\d{1,7}$/, "step is whole seconds").transform(Number).optional(),
  })
  .strict();

const LimitSchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }).strict();

function parseQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.output<T> {
  return parseOrInvalid(schema, Object.fromEntries(query), "query parameters", { firstIssue: false });
}

/** Every /api/v1 route; each a thin adapter over the runtime's verbs. */
export function createApi(rt: WarRoomRuntime, logger: Logger, opts: { alertmanagerSecret?: string } = {}): HttpApi {
  const api = new HttpApi({ logger });

  api.add("GET", "/api/v1/openapi.json", () => ({ body: openApiDocument() }));

  api.add("GET", "/api/v1/services", () => ({ body: { services: rt.services } }));

  api.add("GET", "/api/v1/services/:id", ({ params }) => {
    const service = rt.service(params.id);
    if (!service) throw new NotFound(`no service "${params.id}"`);
    const p = rt.history.latest(service.id);
    return {
      body: {
        service,
        latest: p ? { t: p.t, ...roundValues(p) } : null,
        state: p ? serviceStates(p, service.thresholds) : null,
      },
    };
  });

  api.add("GET", "/api/v1/services/:id/signals", ({ params, query }) => {
    const service = rt.service(params.id);
    if (!service) throw new NotFound(`no service "${params.id}"`);
    const q = parseQuery(SignalsQuerySchema, query);
    const to = q.to ?? rt.clock.now();
    const from = q.from ?? to - 15 * 60_000;
    if (from >= to) throw new Invalid("from must be before to", [{ path: "from", message: "must be before to" }]);
    const span = (to - from) / 1000;
    const step = q.step ?? Math.max(rt.tickMs / 1000, Math.ceil(span / 600));
    if (step < 1) throw new Invalid("step must be at least 1 second", [{ path: "step", message: "at least 1" }]);
    if (span / step > MAX_SERIES_POINTS) {
      throw new Invalid(`too many points: ${Math.ceil(span / step)} > ${MAX_SERIES_POINTS}; use a larger step`, [
        { path: "step", message: `at least ${Math.ceil(span / MAX_SERIES_POINTS)} for this range` },
      ]);
    }
    const series = rt.history.query(service.id, from, to, step);
    return { body: { serviceId: service.id, from, to, step, series } };
  });

  api.add("GET", "/api/v1/drills", ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const now = rt.clock.now();
    const drills = rt.drills.list(limit).map((d) => ({ ...d, active: isDrillActive(d, now) }));
    return { body: { drills } };
  });

  api.add("POST", "/api/v1/drills", async ({ body, author }) => {
    const drill = await rt.drills.start(await body(), author);
    logger.info({ drill: drill.id, kind: drill.kind, target: drill.target, author }, "drill started");
    return { status: 201, body: { drill } };
  });

  api.add("POST", "/api/v1/drills/:id/stop", async ({ params, author }) => {
    const drill = await rt.drills.stop(params.id);
    logger.info({ drill: drill.id, author }, "drill stopped");
    return { body: { drill } };
  });

  api.add("GET", "/api/v1/slos", () => ({ body: { slos: rt.sloStatus() } }));

  api.add("GET", "/api/v1/slos/:id", ({ params }) => {
    const slo = rt.sloStatus().find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo } };
  });

  api.add("GET", "/api/v1/slos/:id/burndown", async ({ params }) => {
    const slo = rt.sloStatus().find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo: slo.id, ...(await rt.slos.burndown(slo.id, rt.clock.now())) } };
  });

  api.add("GET", "/api/v1/alerts", async ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const snap = rt.alertsSnapshot();
    return {
      body: {
        firing: snap.alerts.filter((a) => a.state === "firing"),
        pending: snap.alerts.filter((a) => a.state === "pending"),
        resolved: snap.resolved.slice(0, limit),
      },
    };
  });

  addIncidentRoutes(api, rt);
  addRunbookRoutes(api, rt);
  addIntegrationRoutes(api, rt, opts);
  addPostmortemRoutes(api, rt);

  return api;
}
