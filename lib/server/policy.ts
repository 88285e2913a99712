import type { Requirement } from "../auth/policy";

/**
 * The authorisation table: what every API route needs, beside the route table (lib/server/api.ts
 * and the *-routes.ts files). lib/server/policy.test.ts fails for a route without an entry, and
 * for an entry without a route. People need a role; machines a token whose scopes stand in for
 * one (`read` → viewer, `write` → responder) or name the job (`ingest`, `alertmanager`).
 */
export type RoutePolicy = Requirement & {
  /** A stricter need decided by the JSON body (e.g. publishing a postmortem), applied when the handler reads it. */
  escalate?: { when: (body: unknown) => boolean; need: Requirement; what: string };
};

const read: Requirement = { role: "viewer", orScope: "read" };
const write: Requirement = { role: "responder", orScope: "write" };
const admin: Requirement = { role: "admin" };
const isPublishing = (body: unknown) => typeof body === "object" && body !== null && (body as { status?: unknown }).status === "published";

export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  "GET /api/v1/openapi.json": { public: true },
  "GET /api/v1/me": { public: true },

  "GET /api/v1/board": read,
  "GET /api/v1/services": read,
  "GET /api/v1/services/:id": read,
  "GET /api/v1/services/:id/signals": read,
  "GET /api/v1/drills": read,
  "POST /api/v1/drills": write,
  "POST /api/v1/drills/:id/stop": write,
  "GET /api/v1/slos": read,
  "GET /api/v1/slos/:id": read,
  "GET /api/v1/slos/:id/burndown": read,
  "GET /api/v1/alerts": read,
  "POST /api/v1/alerts/:id/ack": write,
  "GET /api/v1/silences": read,
  "POST /api/v1/silences": write,
  "DELETE /api/v1/silences/:id": write,
  "GET /api/v1/alerts/:id/incident-draft": read,

  "GET /api/v1/incidents": read,
  "POST /api/v1/incidents": write,
  "GET /api/v1/incidents/:id": read,
  "PATCH /api/v1/incidents/:id": write,
  "POST /api/v1/incidents/:id/timeline": write,
  // Any responder edits any entry's body, time or pin (incident.io does so); the revisions name who (lib/incidents/entry-edits.ts).
  "PATCH /api/v1/incidents/:id/timeline/:eid": write,
  "GET /api/v1/incidents/:id/timeline/:eid/revisions": read,
  "POST /api/v1/incidents/:id/action-items": write,
  "PATCH /api/v1/incidents/:id/action-items/:aid": write,

  "GET /api/v1/runbooks": read,
  "GET /api/v1/runbooks/*": read,
  "GET /api/v1/incidents/:id/runbook-steps": read,
  "POST /api/v1/incidents/:id/runbook-steps": write,

  "POST /api/v1/ingest": { scope: "ingest" },
  "POST /api/v1/write": { scope: "ingest" },
  "POST /api/v1/integrations/alertmanager": { scope: "alertmanager" },

  "GET /api/v1/postmortem-templates": read,
  "POST /api/v1/incidents/:id/postmortem": write,
  "GET /api/v1/incidents/:id/postmortem": read,
  "PATCH /api/v1/incidents/:id/postmortem": { ...write, escalate: { when: isPublishing, need: admin, what: "publishing a postmortem" } },
  "GET /api/v1/incidents/:id/postmortem.md": read,

  "GET /api/v1/gamedays": read,
  "GET /api/v1/gamedays/:plan": read,
  "POST /api/v1/gamedays/:plan/runs": write,
  "GET /api/v1/gamedays/:plan/runs/:run": read,
  "POST /api/v1/gamedays/:plan/runs/:run/steps/:n/done": write,
  "POST /api/v1/gamedays/:plan/runs/:run/abort": write,
  "POST /api/v1/gamedays/:plan/runs/:run/report": write,
  "GET /api/v1/gamedays/:plan/runs/:run/report.md": read,
  "GET /api/v1/incidents/:id/gameday": read,

  "GET /api/v1/tokens": admin,
  "POST /api/v1/tokens": admin,
  "DELETE /api/v1/tokens/:id": admin,
  "GET /api/v1/audit": admin,
  "GET /api/v1/audit/export": admin,

  "GET /api/v1/admin/notifications": admin,
  "GET /api/v1/incidents/:id/status-updates": read,
  "POST /api/v1/incidents/:id/status-updates": write,
  "PUT /api/v1/admin/status-components/:id": admin,
  "DELETE /api/v1/admin/status-components/:id": admin,

  // The public status page (lib/server/status-routes.ts): no sign-in, and nothing internal in it.
  "GET /api/v2/summary.json": { public: true },
  "GET /api/v2/status.json": { public: true },
  "GET /api/v2/components.json": { public: true },
  "GET /api/v2/incidents.json": { public: true },
  "GET /api/v2/uptime.json": { public: true },
  "GET /api/v2/history.atom": { public: true },
  // Subscribing is public by nature (double opt-in: nothing is sent but the confirmation until the address's owner confirms).
  "GET /api/v2/subscriptions": { public: true },
  "POST /api/v2/subscriptions": { public: true },
  "POST /api/v2/subscriptions/confirm": { public: true },
  "POST /api/v2/subscriptions/unsubscribe": { public: true },
};

/** What a WebSocket client message needs (lib/server/ws.ts): watching is reading; presence names come from the identity. */
export const MESSAGE_POLICY: Readonly<Record<"subscribe" | "unsubscribe" | "ping" | "identify", Requirement>> = {
  subscribe: read,
  unsubscribe: { public: true },
  ping: { public: true },
  identify: { public: true },
};

export function policyOf(method: string, pattern: string): RoutePolicy | undefined {
  return ROUTE_POLICY[`${method} ${pattern}`];
}
