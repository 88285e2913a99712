import type { HttpApi } from "./http";
import { sameSecret } from "./access";
import { ingestBatch, type IngestCtx } from "../ingest/push";
import { receiveAlertmanager, type AlertmanagerCtx } from "../incidents/alertmanager";
import { Unauthorized } from "../errors";
import { DocumentedBatchSchema, IngestResultSchema } from "../ingest/schema";
import { WebhookPayloadSchema, WebhookResultSchema } from "../alerts/alertmanager";

/** Push ingest and the Alertmanager webhook receiver (docs/api.md). */
export function addIntegrationRoutes(api: HttpApi, opts: { ingest: IngestCtx; alertmanager: AlertmanagerCtx; alertmanagerSecret?: string }): void {
  api.add("POST", "/api/v1/ingest", async ({ body }) => {
    const laps = opts.ingest.stats?.begin("json");
    const parsed = await body();
    laps?.lap("parse");
    return { status: 200, body: await ingestBatch({ ctx: opts.ingest, body: parsed, laps }) };
  }, {
    summary: "Push a batch of samples per service and interval (idempotent on service + t); in oidc mode needs a token with the ingest scope",
    description:
      "Counts cover the interval of `intervalSeconds` ENDING at `t`. The whole batch is validated first; any bad sample rejects it with every problem listed (`samples[i].field`) and nothing is written. A (service, t) already stored is a duplicate and changes nothing. A sample not newer than the service's newest point is stored but `late` (not applied). Only services configured as push-fed (`source: push`) take pushes: a batch naming a service fed by the simulator or Prometheus is refused whole with 409, naming each such service and its source (lib/ingest/ownership.ts).",
    body: DocumentedBatchSchema,
    response: IngestResultSchema,
    errors: { 400: "Invalid batch: details lists each problem with its path", 409: "A service in the batch is not push-fed: details.services names each with its source; nothing applied", 413: "Body over 1 MiB" },
  });

  api.add("POST", "/api/v1/integrations/alertmanager", async ({ req, body, identity }) => {
    // A token with the alertmanager scope (or the shared secret, lib/server/access.ts) was already checked by the policy.
    if (opts.alertmanagerSecret && identity?.via.kind !== "token") {
      const auth = req.headers.authorization ?? "";
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !sameSecret(m[1].trim(), opts.alertmanagerSecret)) {
        throw new Unauthorized("missing or wrong webhook secret: send Authorization: Bearer <ALERTMANAGER_WEBHOOK_SECRET>");
      }
    }
    const r = await receiveAlertmanager({ ctx: opts.alertmanager, body: await body() });
    return { status: 200, body: { changes: r.changes, declared: r.declared.map((i) => ({ id: i.id, number: i.number })), truncatedAlerts: r.truncatedAlerts } };
  }, {
    summary: "Alertmanager webhook receiver (payload version 4)",
    description:
      "Alerts are deduplicated by fingerprint and resolved when Alertmanager resolves them. Labels `service` (else `job`) and `severity` map to service and tier (configurable under integrations.alertmanager). Send `Authorization: Bearer <token>` with an API token that has the `alertmanager` scope (required when auth.mode is oidc), or the shared ALERTMANAGER_WEBHOOK_SECRET.",
    body: WebhookPayloadSchema,
    response: WebhookResultSchema,
    errors: { 400: "Invalid payload (wrong version, missing fields, unknown status)", 401: "Missing or wrong secret" },
  });
}
