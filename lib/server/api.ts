import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { HttpApi } from "./http";
import type { WarRoom } from "./root";
import { Invalid, NotFound, parseOrInvalid } from "../errors";
import { MAX_SERIES_POINTS } from "../signals/history";
import { serviceStates } from "../signals/state";
import { serviceStale } from "../signals/freshness";
import { roundValues } from "../signals/round";
import type { Logger } from "../log";
import { openApiDocument } from "./openapi";
import { DrillAnswerSchema, DrillListSchema, StartDrillInputSchema, isDrillActive } from "../drills/types";
import { BoardFrameSchema, ServiceDetailSchema, ServiceListSchema, SignalHistorySchema } from "../signals/contract";
import { BurndownSchema, SloStatusSchema } from "../slo/contract";
import { AlertSchema } from "../alerts/model";
import { addIncidentRoutes } from "./incident-routes";
import { addRunbookRoutes } from "./runbook-routes";
import { addIntegrationRoutes } from "./integration-routes";
import { addRemoteWriteRoute } from "./remote-write-route";
import { addPostmortemRoutes } from "./postmortem-routes";
import { addAuthRoutes } from "./auth-routes";
import { addAlertRoutes } from "./alert-routes";
import { visibleAlerts } from "../alerts/inhibition";
import { createApiAccess } from "./access";
import { addNotificationRoutes, addStatusUpdateRoutes } from "./comms-routes";
import { addStatusRoutes } from "./status-routes";
import { addGameDayRoutes } from "./gameday-routes";

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

const noService = { 404: "No such service" };
const noSlo = { 404: "No such SLO" };
const written = { 400: "Invalid input", 413: "Body too large", 415: "Not JSON" };
const drillBody = DrillAnswerSchema;

function parseQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.output<T> {
  return parseOrInvalid(schema, Object.fromEntries(query), "query parameters", { firstIssue: false });
}

/**
 * Every /api/v1 route; each a thin adapter over its domain's verbs, handed only the part of the
 * war room (lib/server/root.ts) its domain needs.
 */
export function createApi(wr: WarRoom, logger: Logger, opts: { alertmanagerSecret?: string; addressOf?: (req: IncomingMessage) => string } = {}): HttpApi {
  const api = new HttpApi({ logger, access: createApiAccess({ auth: wr.auth, logger, alertmanagerSecret: opts.alertmanagerSecret, addressOf: opts.addressOf }), settled: () => wr.hub.settled() });
  const { catalog, history, clock, tickMs, freshness, slos, alertChannel } = wr;
  const drillService = wr.drills;

  api.add("GET", "/api/v1/openapi.json", () => ({ body: openApiDocument(api.routes()) }), { summary: "This document (OpenAPI 3.1)" });

  api.add("GET", "/api/v1/board", () => ({ body: wr.board.boardFrame(), headers: { "cache-control": "no-store" } }), {
    summary: "The board snapshot with its `board` channel position (the page's first data, and the fallback when WebSockets are blocked)",
    response: BoardFrameSchema,
  });

  api.add("GET", "/api/v1/services", () => ({ body: { services: catalog.services } }), {
    summary: "List services",
    response: ServiceListSchema,
  });

  api.add("GET", "/api/v1/services/:id", ({ params }) => {
    const service = catalog.get(params.id);
    if (!service) throw new NotFound(`no service "${params.id}"`);
    const p = history.latest(service.id);
    // The board's rule (lib/signals/freshness.ts): stale values keep `latest` but have no state.
    const stale = serviceStale(freshness, wr.board.sourceState(), service, p?.t ?? null, clock.now());
    return {
      body: {
        service,
        latest: p ? { t: p.t, ...roundValues(p) } : null,
        state: p && !stale ? serviceStates(p, service.thresholds) : null,
        stale,
      },
    };
  }, { summary: "One service with its newest point and states", response: ServiceDetailSchema, errors: noService });

  api.add("GET", "/api/v1/services/:id/signals", async ({ params, query }) => {
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
    const series = await history.query(service.id, from, to, step);
    return { body: { serviceId: service.id, from, to, step, series } };
  }, {
    summary: "Signal history in buckets of `step` seconds (at most 2000 points)",
    description: "`from` and `to` are epoch ms or ISO 8601 (default: the last 15 minutes); `step` is whole seconds (default gives ≤ 600 points).",
    query: SignalsQuerySchema,
    response: SignalHistorySchema,
    errors: { 400: "Bad range or step", ...noService },
  });

  api.add("GET", "/api/v1/drills", ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const now = clock.now();
    const drills = drillService.list(limit).map((d) => ({ ...d, active: isDrillActive(d, now) }));
    return { body: { drills } };
  }, { summary: "Recent drills, newest first", query: LimitSchema, response: DrillListSchema });

  api.add("POST", "/api/v1/drills", async ({ body, author }) => {
    const drill = await drillService.start(await body(), author);
    logger.info({ drill: drill.id, kind: drill.kind, target: drill.target, author }, "drill started");
    return { status: 201, body: { drill } };
  }, {
    summary: "Start a drill (written to the store before the 201)",
    author: true,
    body: StartDrillInputSchema,
    status: 201,
    response: drillBody,
    errors: { ...written, 409: "Too many drills running" },
  });

  api.add("POST", "/api/v1/drills/:id/stop", async ({ params, author }) => {
    const drill = await drillService.stop(params.id);
    logger.info({ drill: drill.id, author }, "drill stopped");
    return { body: { drill } };
  }, { summary: "Stop a running drill early", response: drillBody, errors: { 404: "No such drill", 409: "Drill already ended" } });

  api.add("GET", "/api/v1/slos", () => ({ body: { slos: slos.status(clock.now()) } }), {
    summary: "Every SLO with budget, burn rates per window, time to exhaustion and burn-alert states",
    response: z.object({ slos: z.array(SloStatusSchema) }),
  });

  api.add("GET", "/api/v1/slos/:id", ({ params }) => {
    const slo = slos.status(clock.now()).find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo } };
  }, { summary: "One SLO", response: z.object({ slo: SloStatusSchema }), errors: noSlo });

  api.add("GET", "/api/v1/slos/:id/burndown", async ({ params }) => {
    const slo = slos.status(clock.now()).find((s) => s.id === params.id);
    if (!slo) throw new NotFound(`no SLO "${params.id}"`);
    return { body: { slo: slo.id, ...(await slos.burndown(slo.id, clock.now())) } };
  }, { summary: "Budget remaining over the SLO window and the ideal line (≤ ~500 points)", response: BurndownSchema, errors: noSlo });

  api.add("GET", "/api/v1/alerts", async ({ query }) => {
    const { limit } = parseQuery(LimitSchema, query);
    const snap = alertChannel.snapshot();
    // Lower tiers hidden while a higher one of the same rule fires; silenced alerts apart (not firing for anyone).
    const shown = visibleAlerts(snap.alerts);
    return {
      body: {
        firing: shown.filter((a) => a.state === "firing" && !a.silence),
        pending: shown.filter((a) => a.state === "pending" && !a.silence),
        silenced: shown.filter((a) => a.silence),
        resolved: snap.resolved.slice(0, limit),
      },
    };
  }, {
    summary: "Firing, pending, silenced and recently resolved alerts (threshold and burn-rate); `limit` caps the resolved ones",
    query: LimitSchema,
    response: z.object({ firing: z.array(AlertSchema), pending: z.array(AlertSchema), silenced: z.array(AlertSchema), resolved: z.array(AlertSchema) }),
  });

  addIncidentRoutes(api, wr.incidents);
  addRunbookRoutes(api, { runbooks: wr.runbooks, incidents: wr.incidents });
  addIntegrationRoutes(api, { ingest: wr.ingest, alertmanager: wr.alertmanager, alertmanagerSecret: opts.alertmanagerSecret });
  addRemoteWriteRoute(api, wr.remoteWrite);
  addPostmortemRoutes(api, wr.postmortems);
  addAuthRoutes(api, wr.auth);
  addNotificationRoutes(api, { store: wr.store, notifications: wr.notifications });
  addStatusUpdateRoutes(api, wr.comms);
  addStatusRoutes(api, { page: wr.statusPage, subscriptions: wr.subscriptions, info: () => ({ id: "war-room", name: wr.config.statusPage.title ?? wr.config.title, url: `${wr.config.notifications.linkBase?.replace(/\/$/, "") ?? ""}/status` }) });
  addAlertRoutes(api, wr.alertActions);
  addGameDayRoutes(api, wr.gamedays);

  return api;
}
