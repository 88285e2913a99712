import { CreateActionItemSchema, CreateEntrySchema, CreateIncidentSchema, PatchActionItemSchema, PatchEntrySchema, PatchIncidentSchema } from "../incidents/schemas";
import { ENTRY_KINDS, ENTRY_SOURCES, ITEM_PRIORITIES, ITEM_STATUSES, ITEM_TYPES, ROLES, SEVERITIES, STATUSES } from "../incidents/model";
import { ref, json, err, input } from "./openapi-parts";

const body = (name: string) => ({ required: true, content: { "application/json": { schema: ref(name) } } });
const path = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const author = { name: "X-War-Room-User", in: "header", schema: { type: "string" }, description: "display name of the author" };
const time = { type: "number", description: "epoch ms (UTC)" };
const nullableTime = { type: ["number", "null"], description: "epoch ms (UTC)" };
const conflict = err("Stale version: `details.current` holds the current state");
const writeErrors = { 400: err("Invalid input (nothing written)"), 404: err("No such incident, entry or item"), 413: err("Body too large"), 415: err("Not JSON") };

/** Incident paths of the OpenAPI document (docs/incidents-contract.md). */
export const incidentPaths = {
  "/api/v1/incidents": {
    get: {
      summary: "Incidents, newest first",
      parameters: [
        { name: "status", in: "query", schema: { type: "string", enum: ["active", "resolved", "closed", "all"], default: "all" } },
        { name: "severity", in: "query", schema: { type: "string", enum: SEVERITIES } },
        { name: "service", in: "query", schema: { type: "string" } },
        { name: "drill", in: "query", schema: { type: "string", enum: ["true", "false"] } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
      ],
      responses: { 200: json({ type: "object", properties: { incidents: { type: "array", items: ref("Incident") } } }), 400: err("Bad query") },
    },
    post: {
      summary: "Declare an incident (committed before the 201)",
      parameters: [author],
      requestBody: body("CreateIncident"),
      responses: { 201: json({ type: "object", properties: { incident: ref("Incident") } }, "Declared"), ...writeErrors },
    },
  },
  "/api/v1/incidents/{id}": {
    get: {
      summary: "One incident with its timeline (by occurredAt), action items and MTTD/MTTA/MTTR",
      parameters: [path("id")],
      responses: {
        200: json({ type: "object", properties: { incident: ref("Incident"), timeline: { type: "array", items: ref("TimelineEntry") }, actionItems: { type: "array", items: ref("ActionItem") }, metrics: ref("IncidentMetrics") } }),
        404: err("No such incident"),
      },
    },
    patch: {
      summary: "Change status, severity, title, summary or roles of the version you saw",
      parameters: [path("id"), author],
      requestBody: body("PatchIncident"),
      responses: { 200: json({ type: "object", properties: { incident: ref("Incident") } }), 409: conflict, ...writeErrors },
    },
  },
  "/api/v1/incidents/{id}/timeline": {
    post: {
      summary: "Add a note, decision or action",
      parameters: [path("id"), author],
      requestBody: body("CreateEntry"),
      responses: { 201: json({ type: "object", properties: { entry: ref("TimelineEntry") } }, "Added"), ...writeErrors },
    },
  },
  "/api/v1/incidents/{id}/timeline/{eid}": {
    patch: {
      summary: "Edit an entry's body or time, or pin it (system entries: pin only)",
      parameters: [path("id"), path("eid"), author],
      requestBody: body("PatchEntry"),
      responses: { 200: json({ type: "object", properties: { entry: ref("TimelineEntry") } }), 409: conflict, ...writeErrors },
    },
  },
  "/api/v1/incidents/{id}/action-items": {
    post: {
      summary: "Add an action item",
      parameters: [path("id"), author],
      requestBody: body("CreateActionItem"),
      responses: { 201: json({ type: "object", properties: { item: ref("ActionItem") } }, "Added"), ...writeErrors },
    },
  },
  "/api/v1/incidents/{id}/action-items/{aid}": {
    patch: {
      summary: "Change an action item of the version you saw",
      parameters: [path("id"), path("aid"), author],
      requestBody: body("PatchActionItem"),
      responses: { 200: json({ type: "object", properties: { item: ref("ActionItem") } }), 409: conflict, ...writeErrors },
    },
  },
};

export const incidentSchemas = {
  Incident: {
    type: "object",
    properties: {
      id: { type: "string" },
      number: { type: "integer", description: 'shown as "INC-<number>"' },
      title: { type: "string" },
      severity: { type: "string", enum: SEVERITIES },
      status: { type: "string", enum: STATUSES },
      services: { type: "array", items: { type: "string" } },
      drill: { type: "boolean" },
      summary: { type: "string" },
      startedAt: time,
      detectedAt: time,
      acknowledgedAt: nullableTime,
      identifiedAt: nullableTime,
      mitigatedAt: nullableTime,
      resolvedAt: nullableTime,
      closedAt: nullableTime,
      createdAt: time,
      createdBy: { type: "string" },
      roles: { type: "array", items: { type: "object", properties: { role: { type: "string", enum: ROLES }, name: { type: "string" } } } },
      version: { type: "integer" },
    },
  },
  TimelineEntry: {
    type: "object",
    properties: {
      id: { type: "string" },
      incidentId: { type: "string" },
      kind: { type: "string", enum: ENTRY_KINDS },
      body: { type: "string", description: "markdown" },
      occurredAt: time,
      recordedAt: time,
      author: { type: "string" },
      source: { type: "string", enum: ENTRY_SOURCES },
      pinned: { type: "boolean" },
      version: { type: "integer" },
      snapshot: {
        type: "object",
        description: "golden signals of the incident's services when the entry was written",
        properties: { t: time, services: { type: "object", additionalProperties: { type: "object", properties: { p99: { type: "number" }, rps: { type: "number" }, errorPct: { type: "number" }, saturationPct: { type: "number" } } } } },
      },
    },
  },
  ActionItem: {
    type: "object",
    properties: {
      id: { type: "string" },
      incidentId: { type: "string" },
      title: { type: "string" },
      owner: { type: "string" },
      dueAt: nullableTime,
      priority: { type: "string", enum: ITEM_PRIORITIES },
      type: { type: "string", enum: ITEM_TYPES },
      status: { type: "string", enum: ITEM_STATUSES },
      ticketUrl: { type: ["string", "null"] },
      createdAt: time,
      createdBy: { type: "string" },
      version: { type: "integer" },
    },
  },
  IncidentMetrics: { type: "object", properties: { mttdMs: { type: "number" }, mttaMs: { type: ["number", "null"] }, mttrMs: { type: ["number", "null"] } } },
  CreateIncident: input(CreateIncidentSchema),
  PatchIncident: input(PatchIncidentSchema),
  CreateEntry: input(CreateEntrySchema),
  PatchEntry: input(PatchEntrySchema),
  CreateActionItem: input(CreateActionItemSchema),
  PatchActionItem: input(PatchActionItemSchema),
};
