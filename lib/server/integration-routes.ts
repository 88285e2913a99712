import { createHash, timingSafeEqual } from "node:crypto";
import type { HttpApi } from "./http";
import type { WarRoomRuntime } from "./runtime";
import { Unauthorized } from "../errors";

/** SHA-256 both sides so the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Push ingest and the Alertmanager webhook receiver (docs/api.md). */
export function addIntegrationRoutes(api: HttpApi, rt: WarRoomRuntime, opts: { alertmanagerSecret?: string }): void {
  api.add("POST", "/api/v1/ingest", async ({ body }) => ({ status: 200, body: await rt.ingest(await body()) }));

  api.add("POST", "/api/v1/integrations/alertmanager", async ({ req, body }) => {
    if (opts.alertmanagerSecret) {
      const auth = req.headers.authorization ?? "";
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !sameSecret(m[1].trim(), opts.alertmanagerSecret)) {
        throw new Unauthorized("missing or wrong webhook secret: send Authorization: Bearer <ALERTMANAGER_WEBHOOK_SECRET>");
      }
    }
    const r = await rt.receiveAlertmanager(await body());
    return { status: 200, body: { changes: r.changes, declared: r.declared.map((i) => ({ id: i.id, number: i.number })), truncatedAlerts: r.truncatedAlerts } };
  });
}
