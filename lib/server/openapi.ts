import { z } from "zod";
import type { RouteDoc, RouteInfo } from "./http";
import { IDEMPOTENCY_KEY_PARAMETER } from "./idempotency";
import { ErrorBodySchema } from "../errors";
import { AlertSchema } from "../alerts/model";
import { DrillSchema, StartDrillInputSchema } from "../drills/types";
import { ActionItemSchema, EntryRevisionSchema, IncidentMetricsSchema, IncidentSchema, RunbookCheckSchema, RunbookStepStateSchema, TimelineEntrySchema } from "../incidents/contract";
import { CreateActionItemSchema, CreateEntrySchema, CreateIncidentSchema, PatchActionItemSchema, PatchEntrySchema, PatchIncidentSchema } from "../incidents/schemas";
import { RunbookStepInputSchema } from "../incidents/runbook-steps";
import { SampleSchema } from "../ingest/schema";
import { WebhookPayloadSchema } from "../alerts/alertmanager";
import { CreatePostmortemSchema, ImpactReportSchema, PatchPostmortemSchema, PostmortemSchema, TemplateInfoSchema } from "../postmortems/contract";
import { InvalidRunbookSchema, RunbookSchema, RunbookSummarySchema, SearchHitSchema } from "../runbooks/contract";
import { ServiceInfoSchema, SeriesSchema } from "../signals/contract";
import { SloStatusSchema } from "../slo/contract";

/**
 * The OpenAPI 3.1 document, generated from the route table (each route's RouteDoc) and the zod
 * contracts with zod's own z.toJSONSchema: limits and enums come from the schemas themselves.
 */

/** Named schemas under components.schemas; a route's schema that contains one refers to it. */
const RESOURCES: Record<string, z.ZodType> = {
  Error: ErrorBodySchema,
  Service: ServiceInfoSchema,
  Series: SeriesSchema,
  Drill: DrillSchema,
  Alert: AlertSchema,
  SloStatus: SloStatusSchema,
  Incident: IncidentSchema,
  TimelineEntry: TimelineEntrySchema,
  EntryRevision: EntryRevisionSchema,
  ActionItem: ActionItemSchema,
  IncidentMetrics: IncidentMetricsSchema,
  RunbookSummary: RunbookSummarySchema,
  Runbook: RunbookSchema,
  InvalidRunbook: InvalidRunbookSchema,
  SearchHit: SearchHitSchema,
  RunbookCheck: RunbookCheckSchema,
  RunbookStepState: RunbookStepStateSchema,
  Postmortem: PostmortemSchema,
  ImpactReport: ImpactReportSchema,
  PostmortemTemplate: TemplateInfoSchema,
};

/** Named request shapes (JSON Schema of what they accept: fields with defaults are optional). */
const INPUTS: Record<string, z.ZodType> = {
  StartDrill: StartDrillInputSchema,
  CreateIncident: CreateIncidentSchema,
  PatchIncident: PatchIncidentSchema,
  CreateEntry: CreateEntrySchema,
  PatchEntry: PatchEntrySchema,
  CreateActionItem: CreateActionItemSchema,
  PatchActionItem: PatchActionItemSchema,
  RunbookStepInput: RunbookStepInputSchema,
  IngestSample: SampleSchema,
  AlertmanagerWebhook: WebhookPayloadSchema,
  CreatePostmortem: CreatePostmortemSchema,
  PatchPostmortem: PatchPostmortemSchema,
};

const HealthSchema = z.looseObject({ status: z.string() });

/** Served by lib/server/server.ts outside the JSON API router (load balancers probe them). */
export const HEALTH_ROUTES: readonly RouteInfo[] = [
  { method: "GET", path: "/health/live", doc: { summary: "Process alive (no dependency checks)", response: HealthSchema } },
  {
    method: "GET",
    path: "/health/ready",
    doc: { summary: "Store reachable (source and broker reported as degraded)", response: HealthSchema, errors: { 503: { description: "Not ready", schema: HealthSchema } } },
  },
  { method: "GET", path: "/health", doc: { summary: "Version, commit, uptime, dependency and connection states", response: HealthSchema } },
];

type JsonSchema = Record<string, unknown>;
type Schemas = Map<z.ZodType, string>;

/** Converts every named and route schema in one pass, so nested named schemas become $refs. */
function convert(named: Record<string, z.ZodType>, extra: Iterable<z.ZodType>, io: "input" | "output") {
  const registry = z.registry<{ id: string }>();
  const ids: Schemas = new Map();
  for (const [id, schema] of Object.entries(named)) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  let n = 0;
  for (const schema of extra) {
    if (ids.has(schema)) continue;
    const id = `route-${io}-${n++}`;
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
    // zod closes output objects (parsing strips unknown keys); an answer may gain fields, so leave them open.
    override: ({ jsonSchema }) => {
      if (io === "output" && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  }) as { schemas: Record<string, JsonSchema> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const named$ = new Set(Object.keys(named));
  /** The schema of a route: a $ref when it is a named one, else inline. */
  const of = (schema: z.ZodType): JsonSchema => {
    const id = ids.get(schema)!;
    return named$.has(id) ? { $ref: `#/components/schemas/${id}` } : schemas[id];
  };
  return { components: Object.fromEntries(Object.entries(schemas).filter(([id]) => named$.has(id))), of };
}

const json = (schema: JsonSchema, description: string) => ({ description, content: { "application/json": { schema } } });

function pathOf(route: RouteInfo): { path: string; params: string[] } {
  const params: string[] = [];
  const path = route.path
    .replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      params.push(name);
      return `{${name}}`;
    })
    .replace(/\*$/, () => {
      const name = route.doc.wildcard ?? "path";
      params.push(name);
      return `{${name}}`;
    });
  return { path, params };
}

function queryParameters(query: z.ZodObject): JsonSchema[] {
  const schema = z.toJSONSchema(query, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", ...(schema.required?.includes(name) ? { required: true } : {}), schema: rest, ...(description ? { description } : {}) };
  });
}

function operation(route: RouteInfo, outputs: (s: z.ZodType) => JsonSchema, inputs: (s: z.ZodType) => JsonSchema, api: boolean): JsonSchema {
  const d: RouteDoc = route.doc;
  const { params } = pathOf(route);
  const parameters = [
    ...params.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...(d.query ? queryParameters(d.query) : []),
    ...(d.author ? [{ name: "X-War-Room-User", in: "header", schema: { type: "string" }, description: "display name of the author (URI-encoded)" }] : []),
    ...(d.idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : []),
  ];
  const status = d.status ?? 200;
  const ok = d.produces
    ? { description: "OK", content: { [d.produces]: { schema: { type: "string" } } } }
    : json(d.response ? outputs(d.response) : { type: "object" }, status === 201 ? "Created" : "OK");
  const responses: Record<string, unknown> = { [status]: ok };
  for (const [code, e] of Object.entries(d.errors ?? {})) {
    responses[code] = typeof e === "string" ? json({ $ref: "#/components/schemas/Error" }, e) : json(outputs(e.schema), e.description);
  }
  // Any API route (lib/server/http.ts): draining, over capacity, or the database cannot be reached.
  if (api) responses["503"] ??= json({ $ref: "#/components/schemas/Error" }, "Unavailable: shutting down, over capacity or shed under overload (`unavailable`, `details.reason` event_loop_delay|queue_time|queue_full when shed), or the database cannot be reached and nothing was saved (`store_unavailable`); retry after `Retry-After` seconds");
  return {
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(d.body ? { requestBody: { required: !d.bodyOptional, content: { "application/json": { schema: inputs(d.body) } } } } : {}),
    responses,
  };
}

function build(routes: readonly RouteInfo[]): object {
  const all = [...routes, ...HEALTH_ROUTES];
  const outSchemas = all.flatMap((r) => [r.doc.response, ...Object.values(r.doc.errors ?? {}).map((e) => (typeof e === "string" ? undefined : e.schema))]).filter((s) => s !== undefined);
  const outputs = convert(RESOURCES, outSchemas, "output");
  const inputs = convert(INPUTS, all.flatMap((r) => (r.doc.body ? [r.doc.body] : [])), "input");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of all) {
    const { path } = pathOf(route);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, outputs.of, inputs.of, !HEALTH_ROUTES.includes(route));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "War Room API",
      version: "1",
      description:
        "Live golden signals, drills, SLOs with error budgets, alerts, incidents, runbooks, postmortems, push ingest and the Alertmanager receiver. Own metrics at /metrics; the simulator as a scrape target at /sim/metrics. Live updates: WebSocket /ws, see docs/protocol.md.",
    },
    servers: [{ url: "/" }],
    paths,
    components: { schemas: { ...outputs.components, ...inputs.components } },
  };
}

const cache = new WeakMap<readonly RouteInfo[], object>();

/** The OpenAPI 3.1 document served at /api/v1/openapi.json, for the routes of one HttpApi. */
export function openApiDocument(routes: readonly RouteInfo[]): object {
  let doc = cache.get(routes);
  if (!doc) cache.set(routes, (doc = build(routes)));
  return doc;
}
