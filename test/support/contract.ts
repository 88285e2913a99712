import { z } from "zod";
import { createApi } from "../../lib/server/api";
import type { WarRoom } from "../../lib/server/root";
import { ErrorBodySchema } from "../../lib/errors";
import { createLogger } from "../../lib/log";
import { AlertChangeSchema, AlertsSnapshotSchema } from "../../lib/alerts/model";
import {
  ActionItemEventSchema,
  EntryEventSchema,
  IncidentChannelSnapshotSchema,
  IncidentListSnapshotSchema,
  IncidentUpdateSchema,
  IncidentUpsertSchema,
  RunbookCheckSchema,
  ViewersEventSchema,
} from "../../lib/incidents/contract";
import { PostmortemSavedSchema } from "../../lib/postmortems/contract";
import { BoardDrillsSchema, BoardSnapshotSchema, BoardTickSchema, ServiceSnapshotSchema, ServiceTickSchema, SourceStatusSchema } from "../../lib/signals/contract";
import { SloWorstSchema, SlosSnapshotSchema, SlosUpdateSchema } from "../../lib/slo/contract";
import { RunAnswerSchema } from "../../lib/gamedays/model";

/**
 * Fails when `body` does not match its contract: a field missing, of another type, outside an
 * enum, or (since resource schemas have no transforms) a field the contract does not name.
 */
export function expectShape<T extends z.ZodType>(schema: T, body: unknown, what = "body"): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new Error(`${what} does not match its contract:\n${z.prettifyError(r.error)}\n${JSON.stringify(body).slice(0, 2000)}`);
  const extra = extraKeys(body, r.data);
  if (extra.length) throw new Error(`${what} carries fields its contract does not name: ${extra.slice(0, 10).join(", ")}`);
  return r.data;
}

/** Paths of object keys in `sent` that parsing dropped (z.object strips keys it does not know). */
function extraKeys(sent: unknown, parsed: unknown, at = ""): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) return sent.flatMap((v, i) => extraKeys(v, parsed[i], `${at}[${i}]`));
  if (!isObject(sent) || !isObject(parsed)) return [];
  return Object.keys(sent).flatMap((k) => (k in parsed ? extraKeys(sent[k], parsed[k], at ? `${at}.${k}` : k) : [at ? `${at}.${k}` : k]));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// The route table only: registering routes reads nothing from the war room.
const routes = createApi({} as WarRoom, createLogger("silent"));

/**
 * Checks an answer of the JSON API against what its route declares: the success body against the
 * route's response schema, an error against the `{"error": …}` body. Other answers pass.
 */
export function expectRouteShape(method: string, url: string, status: number, body: unknown): void {
  const path = new URL(url, "http://localhost").pathname;
  const pattern = routes.routeOf(method, path);
  const route = routes.routes().find((r) => r.method === method.toUpperCase() && r.path === pattern);
  if (!route) return;
  const what = `${method} ${path} → ${status}`;
  if (status >= 400) expectShape(ErrorBodySchema, body, what);
  else if (status === (route.doc.status ?? 200) && route.doc.response) expectShape(route.doc.response, body, what);
}

type ChannelContract = { snapshot: z.ZodType; events: Record<string, z.ZodType> };

/** What each live channel's snapshot and events carry (docs/protocol.md), by channel name. */
export function channelContract(channel: string): ChannelContract | null {
  if (channel === "board") return { snapshot: BoardSnapshotSchema, events: { tick: BoardTickSchema, drills: BoardDrillsSchema, source: SourceStatusSchema } };
  if (channel.startsWith("service:")) return { snapshot: ServiceSnapshotSchema, events: { tick: ServiceTickSchema, drills: BoardDrillsSchema } };
  if (channel === "alerts") return { snapshot: AlertsSnapshotSchema, events: { change: AlertChangeSchema } };
  if (channel === "slos") return { snapshot: SlosSnapshotSchema, events: { update: SlosUpdateSchema } };
  if (channel === "slos:worst") return { snapshot: SloWorstSchema, events: { update: SloWorstSchema } };
  if (channel.startsWith("gameday:")) return { snapshot: RunAnswerSchema, events: { run: RunAnswerSchema } };
  if (channel === "incidents") return { snapshot: IncidentListSnapshotSchema, events: { upsert: IncidentUpsertSchema } };
  if (channel.startsWith("incident:")) {
    return {
      snapshot: IncidentChannelSnapshotSchema,
      events: {
        incident: IncidentUpdateSchema,
        entry: EntryEventSchema,
        "action-item": ActionItemEventSchema,
        viewers: ViewersEventSchema,
        postmortem: PostmortemSavedSchema,
        "runbook-check": RunbookCheckSchema,
      },
    };
  }
  return null;
}

/** Checks a snapshot or event frame's data against its channel's contract; other frames pass. */
export function expectFrameShape(frame: { type?: unknown; channel?: unknown; event?: unknown; data?: unknown }): void {
  if ((frame.type !== "snapshot" && frame.type !== "event") || typeof frame.channel !== "string") return;
  const contract = channelContract(frame.channel);
  if (!contract) throw new Error(`no contract for channel ${frame.channel}`);
  const schema = frame.type === "snapshot" ? contract.snapshot : contract.events[String(frame.event)];
  if (!schema) throw new Error(`no contract for event ${String(frame.event)} on ${frame.channel}`);
  expectShape(schema, frame.data, `${frame.type} ${frame.channel}${frame.type === "event" ? ` ${String(frame.event)}` : ""}`);
}
