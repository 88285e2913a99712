import { z } from "zod";
import { StartDrillInputSchema } from "../drills/types";
import { SIGNALS } from "../signals/types";
import { AlertSchema } from "../alerts/model";
import { incidentPaths, incidentSchemas } from "./openapi-incidents";
import { runbookPaths, runbookSchemas } from "./openapi-runbooks";
import { integrationPaths, integrationSchemas } from "./openapi-integrations";
import { err, json } from "./openapi-parts";

const series = {
  type: "object",
  description: "Columnar series: `t` (epoch ms) and one array per signal, all of equal length",
  properties: Object.fromEntries([["t", { type: "array", items: { type: "number" } }], ...SIGNALS.map((s) => [s, { type: "array", items: { type: "number" } }])]),
};

let cached: object | null = null;

/** The OpenAPI 3.1 document served at /api/v1/openapi.json. */
export function openApiDocument(): object {
  cached ??= {
    openapi: "3.1.0",
    info: { title: "War Room API", version: "1", description: "Live golden signals, drills, SLOs with error budgets, alerts, incidents, runbooks, postmortems, push ingest and the Alertmanager receiver. Own metrics at /metrics; the simulator as a scrape target at /sim/metrics. Live updates: WebSocket /ws, see docs/protocol.md." },
    servers: [{ url: "/" }],
    paths: {
      "/api/v1/services": { get: { summary: "List services", responses: { 200: json({ type: "object", properties: { services: { type: "array", items: { $ref: "#/components/schemas/Service" } } } }) } } },
      "/api/v1/services/{id}": {
        get: {
          summary: "One service with its newest point and states",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: json({ type: "object" }), 404: err("No such service") },
        },
      },
      "/api/v1/services/{id}/signals": {
        get: {
          summary: "Signal history in buckets of `step` seconds (at most 2000 points)",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "from", in: "query", schema: { type: "string" }, description: "epoch ms or ISO 8601; default to − 15 min" },
            { name: "to", in: "query", schema: { type: "string" }, description: "epoch ms or ISO 8601; default now" },
            { name: "step", in: "query", schema: { type: "integer", minimum: 1 }, description: "seconds; default gives ≤ 600 points" },
          ],
          responses: {
            200: json({ type: "object", properties: { serviceId: { type: "string" }, from: { type: "number" }, to: { type: "number" }, step: { type: "number" }, series } }),
            400: err("Bad range or step"),
            404: err("No such service"),
          },
        },
      },
      "/api/v1/drills": {
        get: {
          summary: "Recent drills, newest first",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 } }],
          responses: { 200: json({ type: "object", properties: { drills: { type: "array", items: { $ref: "#/components/schemas/Drill" } } } }) },
        },
        post: {
          summary: "Start a drill (written to the store before the 201)",
          parameters: [{ name: "X-War-Room-User", in: "header", schema: { type: "string" }, description: "display name of the author" }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/StartDrill" } } } },
          responses: {
            201: json({ type: "object", properties: { drill: { $ref: "#/components/schemas/Drill" } } }, "Started"),
            400: err("Invalid input"),
            409: err("Too many drills running"),
            413: err("Body too large"),
            415: err("Not JSON"),
          },
        },
      },
      "/api/v1/drills/{id}/stop": {
        post: {
          summary: "Stop a running drill early",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: json({ type: "object", properties: { drill: { $ref: "#/components/schemas/Drill" } } }), 404: err("No such drill"), 409: err("Drill already ended") },
        },
      },
      "/api/v1/slos": {
        get: { summary: "Every SLO with budget, burn rates per window, time to exhaustion and burn-alert states", responses: { 200: json({ type: "object", properties: { slos: { type: "array", items: { $ref: "#/components/schemas/SloStatus" } } } }) } },
      },
      "/api/v1/slos/{id}": {
        get: {
          summary: "One SLO",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: json({ type: "object", properties: { slo: { $ref: "#/components/schemas/SloStatus" } } }), 404: err("No such SLO") },
        },
      },
      "/api/v1/slos/{id}/burndown": {
        get: {
          summary: "Budget remaining over the SLO window and the ideal line (≤ ~500 points)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: json({
              type: "object",
              properties: {
                slo: { type: "string" },
                from: { type: "number" },
                to: { type: "number" },
                points: { type: "array", items: { type: "object", properties: { t: { type: "number" }, remaining: { type: ["number", "null"] }, ideal: { type: "number" } } } },
              },
            }),
            404: err("No such SLO"),
          },
        },
      },
      "/api/v1/alerts": {
        get: {
          summary: "Firing, pending and recently resolved alerts (threshold and burn-rate)",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 }, description: "resolved alerts to return" }],
          responses: {
            200: json({
              type: "object",
              properties: {
                firing: { type: "array", items: { $ref: "#/components/schemas/Alert" } },
                pending: { type: "array", items: { $ref: "#/components/schemas/Alert" } },
                resolved: { type: "array", items: { $ref: "#/components/schemas/Alert" } },
              },
            }),
          },
        },
      },
      ...incidentPaths,
      ...runbookPaths,
      ...integrationPaths,
      "/health/live": { get: { summary: "Process alive (no dependency checks)", responses: { 200: json({ type: "object" }) } } },
      "/health/ready": { get: { summary: "Store, source and broker reachable", responses: { 200: json({ type: "object" }), 503: json({ type: "object" }, "Not ready") } } },
      "/health": { get: { summary: "Version, commit, uptime, dependency and connection states", responses: { 200: json({ type: "object" }) } } },
    },
    components: {
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, details: {} } } },
        },
        Service: { type: "object", properties: { id: { type: "string" }, name: { type: "string" }, team: { type: "string" }, dependsOn: { type: "array", items: { type: "string" } }, thresholds: { type: "object" } } },
        Drill: {
          type: "object",
          properties: {
            id: { type: "string" },
            kind: { type: "string" },
            target: { type: "string" },
            magnitude: { type: "number" },
            startedAt: { type: "number" },
            endsAt: { type: "number" },
            stoppedAt: { type: ["number", "null"] },
            createdBy: { type: "string" },
            note: { type: "string" },
          },
        },
        StartDrill: z.toJSONSchema(StartDrillInputSchema, { io: "input" }),
        Alert: z.toJSONSchema(AlertSchema),
        ...incidentSchemas,
        ...runbookSchemas,
        ...integrationSchemas,
        SloStatus: {
          type: "object",
          description: "Ratios are null when the window had no traffic (\"no data\"); budgetRemaining may be negative.",
          properties: {
            id: { type: "string" },
            service: { type: "string" },
            name: { type: "string" },
            sli: { type: "object" },
            target: { type: "number" },
            window: { type: "string", enum: ["7d", "28d", "30d", "calendar-month"] },
            windowFrom: { type: "number" },
            windowMs: { type: "number" },
            good: { type: "number" },
            total: { type: "number" },
            bad: { type: "number" },
            allowedBad: { type: "number" },
            errorRatio: { type: ["number", "null"] },
            budgetConsumed: { type: ["number", "null"] },
            budgetRemaining: { type: ["number", "null"] },
            burnRates: { type: "object", additionalProperties: { type: ["number", "null"] }, description: "5m, 30m, 1h, 2h, 6h, 1d, 3d and window" },
            timeToExhaustionMs: { type: ["number", "null"] },
            burnAlerts: { type: "array", items: { type: "object" } },
          },
        },
      },
    },
  };
  return cached;
}
