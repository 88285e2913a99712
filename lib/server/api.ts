import { z } from "zod";
import { HttpApi } from "./http";
import type { WarRoom } from "./root";
import { Invalid, NotFound, issuesToDetails } from "../errors";
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
  const r = schema.safeParse(Object.fromEntries(query));
  if (!r.success) throw new Invalid("invalid query parameters", issuesToDetails(r.error.issues));
  return r.data;
}

/**
 * Every /api/v1 route; each a thin adapter over its domain's verbs, handed only the part of the
 * war room (lib/server/root.ts) its domain needs.
 */
export function createApi(wr: WarRoom, logger: Logger, opts: { alertmanagerSecret?: string } = {}): HttpApi {
  const api = new HttpApi({ logger });
  const { catalog, history, clock, tickMs, slos, alertChannel } = wr;
  const drillService = wr.drills;

  api.add("GET", "/api/v1/openapi.json", () => ({ body: openApiDocument() }));

  api.add("GET", "/api/v1/services", () => ({ body: { services: catalog.services } }));

  api.add("GET", "/api/v1/services/:id", ({ params }) => {
    const service = catalog.get(params.id);
    if (!service) throw new NotFound(`no service "${params.id}"`);
    const p = history.latest(service.id);
    return {
      body: {
        service,
        latest: p ? { t: p.t, ...roundValues(p) } : null,
        state: p ? serviceStates(p, service.thresholds) : null,
      },
    };
  });

  api.add("GET", "/api/v1/services/:id/signals", ({ params, query }) => {
    const service = catalog.get(params.id);
    if (!service) throw new NotFound(`no service "${params.id}"`);
    const q = parseQuery(SignalsQuerySchema, query);
    const to = q.to ?? clock.now();
    const from = q.from ?? to - 15 * 60_000;
    if (from >= to) throw new Invalid("from must be before to", [{ path: "from", message: "must be before to" }]);
    const span = (to - from) / 1000;
    const step = q.step ?? Math.max(tickMs / 1000, Math.ceil(span / 600));
    if (step < 1) throw new Invalid("step must be at least 1 second", [{ path: "step", message: "at least 1" }]);
    if (span / step > MAX_SERIES_POINTS) {
      throw new Invalid(`too many points: ${Math.ceil(span / step)} > ${MAX_SERIES_POINTS}; use a larger step`, [
        { path: "step", message: `at least ${Math.ceil(span / MAX_SERIES_POINTS)} for this range` },
      ]);
    }
    const series = history.query(service.id, from, to, step);
    return { body: { serviceId: service.id, from, to, step, series } };
  });

  api.add("GET", "/api/v1/drills", ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const now = clock.now();
    const drills = drillService.list(limit).map((d) => ({ ...d, active: isDrillActive(d, now) }));
    return { body: { drills } };
  });

  api.add("POST", "/api/v1/drills", async ({ body, author }) => {
    const drill = await drillService.start(await body(), author);
    logger.info({ drill: drill.id, kind: drill.kind, target: drill.target, author }, "drill started");
    return { status: 201, body: { drill } };
  });

  api.add("POST", "/api/v1/drills/:id/stop", async ({ params, author }) => {
    const drill = await drillService.stop(params.id);
    logger.info({ drill: drill.id, author }, "drill stopped");
    return { body: { drill } };
  });

  api.add("GET", "/api/v1/slos", () => ({ body: { slos: slos.status(clock.now()) } }));

  api.add("GET", "/api/v1/slos/:id", ({ params }) => {
    const slo = slos.status(clock.now()).find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo } };
  });

  api.add("GET", "/api/v1/slos/:id/burndown", async ({ params }) => {
    const slo = slos.status(clock.now()).find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo: slo.id, ...(await slos.burndown(slo.id, clock.now())) } };
  });

  api.add("GET", "/api/v1/alerts", async ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const snap = alertChannel.snapshot();
    return {
      body: {
        firing: snap.alerts.filter((a) => a.state === "firing"),
        pending: snap.alerts.filter((a) => a.state === "pending"),
        resolved: snap.resolved.slice(0, limit),
      },
    };
  });

  addIncidentRoutes(api, wr.incidents);
  addRunbookRoutes(api, { runbooks: wr.runbooks, incidents: wr.incidents });
  addIntegrationRoutes(api, { ingest: wr.ingest, alertmanager: wr.alertmanager, alertmanagerSecret: opts.alertmanagerSecret });
  addPostmortemRoutes(api, wr.postmortems);

  return api;
}
