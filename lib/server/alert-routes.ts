import { z } from "zod";
import { parseOrInvalid } from "../errors";
import type { HttpApi } from "./http";
import { writerOf } from "./incident-routes";
import { AlertSchema } from "../alerts/model";
import { CreateSilenceSchema, ListSilencesQuerySchema, SilenceSchema } from "../alerts/silences";
import { acknowledgeAlert, expireSilence, silenceAlerts, type AlertActionsCtx } from "../incidents/alert-actions";

const written = { 400: "Invalid input (nothing written)", 413: "Body too large", 415: "Not JSON" };

/** Acknowledge and silence (lib/alerts/actions.ts): thin adapters over lib/incidents/alert-actions.ts. */
export function addAlertRoutes(api: HttpApi, ctx: AlertActionsCtx): void {
  api.add("POST", "/api/v1/alerts/:id/ack", async (req) => ({ body: { alert: await acknowledgeAlert({ ctx, id: req.params.id, writer: writerOf(req) }) } }), {
    summary: "Acknowledge a pending or firing alert's episode (stored before the 200; a second acknowledgement keeps the first who/when)",
    author: true,
    response: z.object({ alert: AlertSchema }),
    errors: { 404: "No pending or firing alert with this id", 409: "The alert has resolved" },
  });

  api.add("GET", "/api/v1/silences", ({ query }) => {
    const q = parseOrInvalid(ListSilencesQuerySchema, Object.fromEntries(query), "query parameters");
    return { body: { silences: ctx.actions.list({ expired: q.expired === "true" }) } };
  }, {
    summary: "Active silences, newest first (`expired=true`: those that ended in the last 7 days too)",
    query: ListSilencesQuerySchema,
    response: z.object({ silences: z.array(SilenceSchema) }),
    errors: { 400: "Bad query" },
  });

  api.add("POST", "/api/v1/silences", async (req) => ({ status: 201, body: await silenceAlerts({ ctx, input: await req.body(), writer: writerOf(req) }) }), {
    summary: "Silence alerts matching Alertmanager-style matchers (label=value, !=, =~, !~; regexes match the whole value) for a while",
    description: "Stored before the 201. Silenced alerts are still listed (marked), not counted as firing and not notified. Answers with the silence and the alerts it mutes now.",
    author: true,
    body: CreateSilenceSchema,
    status: 201,
    response: z.object({ silence: SilenceSchema, alerts: z.array(AlertSchema) }),
    errors: written,
  });

  api.add("DELETE", "/api/v1/silences/:id", async (req) => ({ body: { silence: await expireSilence({ ctx, id: req.params.id, writer: writerOf(req) }) } }), {
    summary: "Expire a silence now (kept in the list of expired ones)",
    author: true,
    response: z.object({ silence: SilenceSchema }),
    errors: { 404: "No such silence", 409: "Already expired" },
  });
}
