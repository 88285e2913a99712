import { z } from "zod";
import type { HttpApi, RequestCtx } from "./http";
import type { IncidentCtx } from "../incidents/context";
import {
  addActionItem,
  addActionItemOnce,
  addEntry,
  addEntryOnce,
  declareIncident,
  entryHistory,
  getIncident,
  incidentDraft,
  listIncidents,
  patchActionItem,
  patchEntry,
  patchIncident,
  type Writer,
} from "../incidents/service";
import { ActionItemSchema, EntryRevisionListSchema, IncidentDetailSchema, IncidentListSchema, IncidentSchema, TimelineEntrySchema } from "../incidents/contract";
import { idempotentRequest, onceReply } from "./idempotency";
import {
  CreateActionItemSchema,
  CreateEntrySchema,
  CreateIncidentSchema,
  ListIncidentsQuerySchema,
  PatchActionItemSchema,
  PatchEntrySchema,
  PatchIncidentSchema,
} from "../incidents/schemas";
import { IncidentDraftSchema } from "../incidents/from-alert";

const incidentBody = z.object({ incident: IncidentSchema });
const entryBody = z.object({ entry: TimelineEntrySchema });
const itemBody = z.object({ item: ActionItemSchema });
const writeErrors = { 400: "Invalid input (nothing written)", 404: "No such incident, entry or item", 413: "Body too large", 415: "Not JSON" };
const stale = { 409: "Stale version: `details.current` holds the current state" };
const reusedKey = { 422: "This Idempotency-Key was used before with a different request (nothing written)" };

/** A person when signed in (or, in local mode, named by X-War-Room-User); a script (token) otherwise. */
export function writerOf({ req, author, identity }: RequestCtx): Writer {
  const person = identity?.via.kind === "session" || (identity?.via.kind === "local" && Boolean(req.headers["x-war-room-user"]));
  return { author, source: person ? "user" : "api" };
}

/** The incident routes (docs/incidents-contract.md): thin adapters over lib/incidents/service.ts. */
export function addIncidentRoutes(api: HttpApi, ctx: IncidentCtx): void {

  api.add("GET", "/api/v1/incidents", async ({ query }) => ({ body: { incidents: await listIncidents({ ctx, query: Object.fromEntries(query) }) } }), {
    summary: "Incidents, newest first",
    query: ListIncidentsQuerySchema,
    response: IncidentListSchema,
    errors: { 400: "Bad query" },
  });

  api.add("POST", "/api/v1/incidents", async (req) => ({
    status: 201,
    body: { incident: await declareIncident({ ctx, input: await req.body(), writer: writerOf(req) }) },
  }), {
    summary: "Declare an incident (committed before the 201); with alertId, from that alert (impact start, detection, drill and its timeline entries from the alert)",
    author: true,
    body: CreateIncidentSchema,
    status: 201,
    response: incidentBody,
    errors: { ...writeErrors, 409: "The alert is already attached to an open incident (details.incident)" },
  });

  api.add("GET", "/api/v1/alerts/:id/incident-draft", async ({ params }) => ({ body: { draft: await incidentDraft({ ctx, alertId: params.id }) } }), {
    summary: "What declaring an incident from this alert fills in: impact start (activeAt), detection (firedAt), drill and why",
    response: z.object({ draft: IncidentDraftSchema }),
    errors: { 400: "No such alert among the firing, pending and recently resolved ones" },
  });

  api.add("GET", "/api/v1/incidents/:id", async ({ params }) => ({ body: await getIncident({ ctx, id: params.id }) }), {
    summary: "One incident with its timeline (by occurredAt, then seq), action items and MTTD/MTTA/MTTR",
    response: IncidentDetailSchema,
    errors: { 404: "No such incident" },
  });

  api.add("PATCH", "/api/v1/incidents/:id", async (req) => ({
    body: { incident: await patchIncident({ ctx, id: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }), {
    summary: "Change status, severity, title, summary or roles of the version you saw",
    author: true,
    body: PatchIncidentSchema,
    response: incidentBody,
    errors: { ...writeErrors, ...stale },
  });

  api.add("POST", "/api/v1/incidents/:id/timeline", async (req) => {
    const input = await req.body();
    const args = { ctx, incidentId: req.params.id, input, writer: writerOf(req) };
    const request = idempotentRequest(req, input);
    if (!request) return { status: 201, body: { entry: await addEntry(args) } };
    return onceReply(await addEntryOnce({ ...args, once: { request, answer: (entry) => ({ status: 201, body: { entry } }) } }));
  }, {
    summary: "Add a note, decision or action (at most once per Idempotency-Key)",
    author: true,
    idempotent: true,
    body: CreateEntrySchema,
    status: 201,
    response: entryBody,
    errors: { ...writeErrors, ...reusedKey },
  });

  api.add("PATCH", "/api/v1/incidents/:id/timeline/:eid", async (req) => ({
    body: { entry: await patchEntry({ ctx, incidentId: req.params.id, entryId: req.params.eid, input: await req.body(), writer: writerOf(req) }) },
  }), {
    summary: "Edit an entry's body or time, or pin it, of the version you saw (system entries: pin only); a body or time change keeps a revision",
    author: true,
    body: PatchEntrySchema,
    response: entryBody,
    errors: { ...writeErrors, ...stale },
  });

  api.add("GET", "/api/v1/incidents/:id/timeline/:eid/revisions", async ({ params }) => ({ body: await entryHistory({ ctx, incidentId: params.id, entryId: params.eid }) }), {
    summary: "An entry's edit history: the entry now and, oldest first, the body and time each edit replaced, with who edited and when",
    response: EntryRevisionListSchema,
    errors: { 404: "No such incident or entry" },
  });

  api.add("POST", "/api/v1/incidents/:id/action-items", async (req) => {
    const input = await req.body();
    const args = { ctx, incidentId: req.params.id, input, writer: writerOf(req) };
    const request = idempotentRequest(req, input);
    if (!request) return { status: 201, body: { item: await addActionItem(args) } };
    return onceReply(await addActionItemOnce({ ...args, once: { request, answer: (item) => ({ status: 201, body: { item } }) } }));
  }, {
    summary: "Add an action item (at most once per Idempotency-Key)",
    author: true,
    idempotent: true,
    body: CreateActionItemSchema,
    status: 201,
    response: itemBody,
    errors: { ...writeErrors, ...reusedKey },
  });

  api.add("PATCH", "/api/v1/incidents/:id/action-items/:aid", async (req) => ({
    body: { item: await patchActionItem({ ctx, incidentId: req.params.id, itemId: req.params.aid, input: await req.body() }) },
  }), { summary: "Change an action item of the version you saw", body: PatchActionItemSchema, response: itemBody, errors: { ...writeErrors, ...stale } });
}
