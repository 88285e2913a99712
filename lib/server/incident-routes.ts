import type { HttpApi, RequestCtx } from "./http";
import {
  addActionItem,
  addEntry,
  declareIncident,
  getIncident,
  listIncidents,
  patchActionItem,
  patchEntry,
  patchIncident,
  type Writer,
} from "../incidents/service";
import type { IncidentCtx } from "../incidents/context";

/** A named person when the UI sends X-War-Room-User; a script otherwise. */
export function writerOf({ req, author }: RequestCtx): Writer {
  return { author, source: req.headers["x-war-room-user"] ? "user" : "api" };
}

/** The incident routes (docs/incidents-contract.md): thin adapters over lib/incidents/service.ts. */
export function addIncidentRoutes(api: HttpApi, ctx: IncidentCtx): void {

  api.add("GET", "/api/v1/incidents", async ({ query }) => ({ body: { incidents: await listIncidents({ ctx, query: Object.fromEntries(query) }) } }));

  api.add("POST", "/api/v1/incidents", async (req) => ({
    status: 201,
    body: { incident: await declareIncident({ ctx, input: await req.body(), writer: writerOf(req) }) },
  }));

  api.add("GET", "/api/v1/incidents/:id", async ({ params }) => ({ body: await getIncident({ ctx, id: params.id }) }));

  api.add("PATCH", "/api/v1/incidents/:id", async (req) => ({
    body: { incident: await patchIncident({ ctx, id: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }));

  api.add("POST", "/api/v1/incidents/:id/timeline", async (req) => ({
    status: 201,
    body: { entry: await addEntry({ ctx, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }));

  api.add("PATCH", "/api/v1/incidents/:id/timeline/:eid", async (req) => ({
    body: { entry: await patchEntry({ ctx, incidentId: req.params.id, entryId: req.params.eid, input: await req.body() }) },
  }));

  api.add("POST", "/api/v1/incidents/:id/action-items", async (req) => ({
    status: 201,
    body: { item: await addActionItem({ ctx, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }));

  api.add("PATCH", "/api/v1/incidents/:id/action-items/:aid", async (req) => ({
    body: { item: await patchActionItem({ ctx, incidentId: req.params.id, itemId: req.params.aid, input: await req.body() }) },
  }));
}
