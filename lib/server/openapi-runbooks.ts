import { z } from "zod";
import { SEVERITIES } from "../incidents/model";
import { RunbookStepInputSchema } from "../incidents/runbook-steps";
import { ref, json, err } from "./openapi-parts";

const strings = { type: "array", items: { type: "string" } };

/** Runbook paths of the OpenAPI document (docs/runbooks-contract.md). */
export const runbookPaths = {
  "/api/v1/runbooks": {
    get: {
      summary: "Runbooks by title (with invalid files), or search hits with `q`, or those for a service or alert",
      description: "With `q`: `{ query, hits }` (≤ 20, best first; any text, cut to 200 characters). With `service` and/or `alert`: `{ runbooks }`. Otherwise `{ runbooks, invalid }`.",
      parameters: [
        { name: "q", in: "query", schema: { type: "string" }, description: "full-text search (title ×4, tags/services/alerts ×2, body); prefix and typo tolerant" },
        { name: "service", in: "query", schema: { type: "string" } },
        { name: "alert", in: "query", schema: { type: "string" }, description: "alert name; for ErrorBudgetBurn:<slo>:<rule> also runbooks listing the SLO id" },
      ],
      responses: {
        200: json({
          oneOf: [
            { type: "object", properties: { runbooks: { type: "array", items: ref("RunbookSummary") }, invalid: { type: "array", items: ref("InvalidRunbook") } } },
            { type: "object", properties: { query: { type: "string" }, hits: { type: "array", items: ref("SearchHit") } } },
          ],
        }),
        400: err("Unknown query parameter"),
      },
    },
  },
  "/api/v1/runbooks/{slug}": {
    get: {
      summary: "One runbook: markdown body, table of contents and checklist. The slug may contain slashes (checkout/high-latency).",
      parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
      responses: { 200: json({ type: "object", properties: { runbook: ref("Runbook") } }), 404: err("No such runbook") },
    },
  },
  "/api/v1/incidents/{id}/runbook-steps": {
    get: {
      summary: "Every step of a runbook with its tick state in this incident",
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "string" } },
        { name: "runbook", in: "query", required: true, schema: { type: "string" } },
      ],
      responses: {
        200: json({ type: "object", properties: { checks: { type: "array", items: ref("RunbookStepState") } } }),
        400: err("runbook missing"),
        404: err("No such incident or runbook"),
      },
    },
    post: {
      summary: "Tick or untick a runbook step; adds a runbook-step timeline entry in the same transaction",
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "string" } },
        { name: "X-War-Room-User", in: "header", schema: { type: "string" }, description: "display name of the author" },
      ],
      requestBody: { required: true, content: { "application/json": { schema: ref("RunbookStepInput") } } },
      responses: {
        201: json({ type: "object", properties: { check: ref("RunbookCheck"), entry: ref("TimelineEntry") } }, "Recorded"),
        400: err("Invalid input or no such step"),
        404: err("No such incident or runbook"),
        409: err("Incident resolved or closed"),
        413: err("Body too large"),
        415: err("Not JSON"),
      },
    },
  },
};

const summary = {
  slug: { type: "string" },
  title: { type: "string" },
  services: strings,
  alerts: strings,
  severity: { type: ["string", "null"], enum: [...SEVERITIES, null] },
  owner: { type: ["string", "null"] },
  lastReviewed: { type: ["string", "null"], description: "YYYY-MM-DD" },
  stale: { type: "boolean", description: "last reviewed more than 90 days ago, or never" },
  tags: strings,
  steps: { type: "integer", description: "number of checklist items" },
};

export const runbookSchemas = {
  RunbookSummary: { type: "object", properties: summary },
  Runbook: {
    type: "object",
    properties: {
      ...summary,
      markdown: { type: "string", description: "body without front matter" },
      toc: { type: "array", items: { type: "object", properties: { depth: { type: "integer" }, text: { type: "string" }, id: { type: "string" } } } },
      checklist: { type: "array", items: { type: "object", properties: { index: { type: "integer" }, text: { type: "string" } } } },
    },
  },
  InvalidRunbook: { type: "object", properties: { path: { type: "string" }, reason: { type: "string" } } },
  SearchHit: {
    type: "object",
    properties: {
      ...summary,
      score: { type: "number" },
      match: { type: "array", items: { type: "object", properties: { field: { type: "string" }, terms: strings } } },
      snippet: { type: "string", description: "plain text, ≤ 200 characters" },
    },
  },
  RunbookCheck: { type: "object", properties: { runbook: { type: "string" }, index: { type: "integer" }, checked: { type: "boolean" }, by: { type: "string" }, at: { type: "number" } } },
  RunbookStepState: {
    type: "object",
    properties: { index: { type: "integer" }, text: { type: "string" }, checked: { type: "boolean" }, by: { type: ["string", "null"] }, at: { type: ["number", "null"] } },
  },
  RunbookStepInput: z.toJSONSchema(RunbookStepInputSchema, { io: "input" }),
};
