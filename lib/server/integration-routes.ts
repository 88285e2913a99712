import { createHash, timingSafeEqual } from "node:crypto";
import type { HttpApi } from "./http";
import { ingestBatch, type IngestCtx } from "../ingest/push";
import { receiveAlertmanager, type AlertmanagerCtx } from "../incidents/alertmanager";
import { Unauthorized } from "../errors";

/** SHA-256 both sides so the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Push ingest and the Alertmanager webhook receiver (docs/api.md). */
export function addIntegrationRoutes(api: HttpApi, opts: { ingest: IngestCtx; alertmanager: AlertmanagerCtx; alertmanagerSecret?: string }): void {
  api.add("POST", "/api/v1/ingest", async ({ body }) => ({ status: 200, body: await ingestBatch({ ctx: opts.ingest, body: await body() }) }));

  api.add("POST", "/api/v1/integrations/alertmanager", async ({ req, body }) => {
    if (opts.alertmanagerSecret) {
      const auth = req.headers.authorization ?? "";
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !sameSecret(m[1].trim(), opts.alertmanagerSecret)) {
        throw new Unauthorized("missing or wrong webhook secret: send Authorization: Bearer <ALERTMANAGER_WEBHOOK_SECRET>");
      }
    }
    const r = await receiveAlertmanager({ ctx: opts.alertmanager, body: await body() });
    return { status: 200, body: { changes: r.changes, declared: r.declared.map((i) => ({ id: i.id, number: i.number })), truncatedAlerts: r.truncatedAlerts } };
  });
}
