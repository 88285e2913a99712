import { SampleSchema } from "../ingest/schema";
import { WebhookPayloadSchema } from "../alerts/alertmanager";
import { CreatePostmortemSchema, PatchPostmortemSchema } from "../postmortems/service";
import { ref, json, err, input } from "./openapi-parts";

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const user = { name: "X-War-Room-User", in: "header", schema: { type: "string" }, description: "display name of the author (URI-encoded)" };

/** Push ingest, the Alertmanager receiver and postmortems in the OpenAPI document (docs/api.md). */
export const integrationPaths = {
  "/api/v1/ingest": {
    post: {
      summary: "Push a batch of samples per service and interval (idempotent on service + t)",
      description:
        "Counts cover the interval of `intervalSeconds` ENDING at `t`. The whole batch is validated first; any bad sample rejects it with every problem listed (`samples[i].field`) and nothing is written. A (service, t) already stored is a duplicate and changes nothing. A sample not newer than the service's newest point is stored but `late` (not applied). A pushed service ignores the configured source for 5 minutes after its last sample.",
      requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["samples"], properties: { samples: { type: "array", maxItems: 10_000, items: ref("IngestSample") } } } } } },
      responses: {
        200: json({ type: "object", properties: { accepted: { type: "integer" }, duplicates: { type: "integer" }, late: { type: "integer" } } }),
        400: err("Invalid batch: details lists each problem with its path"),
        413: err("Body over 1 MiB"),
      },
    },
  },
  "/api/v1/integrations/alertmanager": {
    post: {
      summary: "Alertmanager webhook receiver (payload version 4)",
      description:
        "Alerts are deduplicated by fingerprint and resolved when Alertmanager resolves them. Labels `service` (else `job`) and `severity` map to service and tier (configurable under integrations.alertmanager). With ALERTMANAGER_WEBHOOK_SECRET set, send `Authorization: Bearer <secret>`.",
      requestBody: { required: true, content: { "application/json": { schema: ref("AlertmanagerWebhook") } } },
      responses: {
        200: json({ type: "object", properties: { changes: { type: "integer" }, declared: { type: "array", items: { type: "object", properties: { id: { type: "string" }, number: { type: "integer" } } } }, truncatedAlerts: { type: "integer" } } }),
        400: err("Invalid payload (wrong version, missing fields, unknown status)"),
        401: err("Missing or wrong secret"),
      },
    },
  },
  "/api/v1/postmortem-templates": {
    get: {
      summary: "Postmortem templates (built-in and team) and team template files that failed validation",
      responses: { 200: json({ type: "object", properties: { templates: { type: "array", items: { type: "object" } }, invalid: { type: "array", items: { type: "object" } } } }) },
    },
  },
  "/api/v1/incidents/{id}/postmortem": {
    post: {
      summary: "Draft the postmortem from the incident with a template; impact computed from the recorded metrics",
      parameters: [idParam, user],
      requestBody: { content: { "application/json": { schema: input(CreatePostmortemSchema) } } },
      responses: {
        201: json({ type: "object", properties: { postmortem: ref("Postmortem") } }, "Drafted"),
        400: err("Unknown or invalid template; the template needs an end time and the incident is not resolved (details.code needs_end_time lists the placeholders)"),
        404: err("No such incident"),
        409: err("The incident already has a postmortem"),
      },
    },
    get: {
      summary: "The postmortem of an incident",
      parameters: [idParam],
      responses: { 200: json({ type: "object", properties: { postmortem: ref("Postmortem") } }), 404: err("No incident or no postmortem yet") },
    },
    patch: {
      summary: "Save an edit and/or change the review state (draft, in-review, published); compare-and-set on version",
      description: "A stale `version` is a 409 whose details.current is the stored postmortem. Publishing needs a resolved incident and closes it in the same transaction; a published postmortem is read-only.",
      parameters: [idParam, user],
      requestBody: { required: true, content: { "application/json": { schema: input(PatchPostmortemSchema) } } },
      responses: {
        200: json({ type: "object", properties: { postmortem: ref("Postmortem"), incident: { oneOf: [{ type: "null" }, { type: "object" }] } } }),
        400: err("Invalid change"),
        404: err("No incident or no postmortem"),
        409: err("Stale version, published postmortem, or an open incident on publish"),
        413: err("Body over 1 MiB"),
      },
    },
  },
  "/api/v1/incidents/{id}/postmortem.md": {
    get: {
      summary: "The postmortem as a Markdown file (Content-Disposition: attachment)",
      parameters: [idParam],
      responses: { 200: { description: "Markdown", content: { "text/markdown": { schema: { type: "string" } } } }, 404: err("No incident or no postmortem") },
    },
  },
};

export const integrationSchemas = {
  IngestSample: input(SampleSchema),
  AlertmanagerWebhook: input(WebhookPayloadSchema),
  Postmortem: {
    type: "object",
    properties: {
      incidentId: { type: "string" },
      template: { type: "string" },
      status: { enum: ["draft", "in-review", "published"] },
      body: { type: "string", description: "Markdown" },
      impact: { type: "object", description: "The impact report the draft was computed from (lib/postmortems/impact.ts ImpactReport)" },
      version: { type: "integer" },
      createdAt: { type: "integer" },
      createdBy: { type: "string" },
      updatedAt: { type: "integer" },
      updatedBy: { type: "string" },
      publishedAt: { type: ["integer", "null"] },
    },
  },
};
