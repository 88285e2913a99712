import { z } from "zod";
import { v7 as uuidv7 } from "uuid";
import { Invalid, NotFound, parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { IncidentSeverity } from "../severity";
import type { NotificationOutbox } from "../notifications/outbox";
import type { NotificationEvent } from "../notifications/events";
import type { StatusPageConfig } from "./config";
import { enqueueForSubscribers, type SubscriptionCtx } from "./subscriptions";

export const UPDATE_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;

/** Starting text per status, for the comms lead to edit (the words Statuspage users know). */
export const UPDATE_TEMPLATES: Record<(typeof UPDATE_STATUSES)[number], string> = {
  investigating: "We are investigating reports of problems with {services}. We will post an update within {minutes} minutes.",
  identified: "We have identified the cause of the problems with {services} and are working on a fix.",
  monitoring: "A fix has been applied and we are monitoring the results for {services}.",
  resolved: "This incident has been resolved. {services} are operating normally.",
};

export const StatusUpdateSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  status: z.enum(UPDATE_STATUSES),
  /** Plain text, shown as text everywhere (never as markup). */
  body: z.string(),
  channels: z.array(z.string()),
  publishedAt: z.number().int(),
  author: z.string(),
  /** The public name given with this update (null: the earlier one stands). */
  title: z.string().nullable(),
});
export type StatusUpdate = z.infer<typeof StatusUpdateSchema>;

export const CreateStatusUpdateSchema = z
  .object({
    status: z.enum(UPDATE_STATUSES),
    body: z.string().trim().min(1, "write the update").max(5000),
    /**
     * What the public page calls the incident (the internal title never leaves). Omitted: the last
     * one given stands; none ever given: "Service disruption" with the affected components.
     */
    title: z.string().trim().min(1, "the public title is empty").max(200, "the public title is at most 200 characters").optional(),
    /** Notification channels to publish to besides the status page (default none). */
    channels: z.array(z.string().min(1)).max(50).default([]),
  })
  .strict();

/** When the next customer-facing update is due: `everyMinutes` after the last one (or the declaration); none once resolved. */
export const UpdateDueSchema = z.object({ everyMinutes: z.number(), nextDueAt: z.number().int().nullable(), overdue: z.boolean(), overdueByMs: z.number().int() });
export type UpdateDue = z.infer<typeof UpdateDueSchema>;

type IncidentLike = { severity: IncidentSeverity; status: string; detectedAt: number };

export function updateDue(incident: IncidentLike, lastPublishedAt: number | null, cadence: StatusPageConfig["updateEveryMinutes"], now: number): UpdateDue {
  const everyMinutes = cadence[incident.severity];
  if (incident.status === "resolved" || incident.status === "closed") return { everyMinutes, nextDueAt: null, overdue: false, overdueByMs: 0 };
  const nextDueAt = (lastPublishedAt ?? incident.detectedAt) + everyMinutes * 60_000;
  return { everyMinutes, nextDueAt, overdue: now >= nextDueAt, overdueByMs: Math.max(0, now - nextDueAt) };
}

export type StatusUpdateCtx = {
  store: Store;
  clock: Clock;
  outbox: NotificationOutbox;
  channels: readonly { id: string }[];
  config: StatusPageConfig;
  linkBase?: string;
  /** E-mail subscribers of the public page (lib/comms/subscriptions.ts); told of non-drill updates. */
  subscriptions?: SubscriptionCtx;
};

type Incident = { id: string; number: number; title: string; severity: IncidentSeverity; status: string; services: string[]; drill: boolean; detectedAt: number };

async function incidentOf(store: Store, id: string): Promise<Incident> {
  const r = await store.db.selectFrom("incidents").select(["id", "number", "title", "severity", "status", "services", "drill", "detected_at"]).where("id", "=", id).executeTakeFirst();
  if (!r) throw new NotFound(`no incident "${id}"`);
  return { id: r.id, number: Number(r.number), title: r.title, severity: r.severity as IncidentSeverity, status: r.status, services: JSON.parse(r.services) as string[], drill: Number(r.drill) === 1, detectedAt: Number(r.detected_at) };
}

export async function listStatusUpdates(store: Store, incidentIds: readonly string[]): Promise<StatusUpdate[]> {
  if (incidentIds.length === 0) return [];
  const rows = await store.db.selectFrom("status_updates").selectAll().where("incident_id", "in", incidentIds).orderBy("published_at", "desc").orderBy("id", "desc").execute();
  return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, status: r.status as StatusUpdate["status"], body: r.body, channels: JSON.parse(r.channels) as string[], publishedAt: Number(r.published_at), author: r.author, title: r.title ?? null }));
}

/** The public name of an incident from its updates (newest first): the newest title given, else a neutral one. */
export function publicTitle(updates: readonly Pick<StatusUpdate, "title">[], components: readonly string[]): string {
  const given = updates.find((u) => u.title)?.title;
  if (given) return given;
  return components.length ? `Service disruption: ${components.join(", ")}` : "Service disruption";
}

/** The incident's updates (newest first) and when the next one is due. */
export async function statusUpdatesOf(ctx: StatusUpdateCtx, incidentId: string): Promise<{ updates: StatusUpdate[]; due: UpdateDue }> {
  const incident = await incidentOf(ctx.store, incidentId);
  const updates = await listStatusUpdates(ctx.store, [incidentId]);
  return { updates, due: updateDue(incident, updates[0]?.publishedAt ?? null, ctx.config.updateEveryMinutes, ctx.clock.now()) };
}

/**
 * Publishes a customer-facing update: the update and its notification event are written in one
 * transaction (the outbox sends it to the chosen channels; the status page shows it when the
 * incident is not a drill).
 */
export async function publishStatusUpdate({ ctx, incidentId, input, author }: { ctx: StatusUpdateCtx; incidentId: string; input: unknown; author: string }): Promise<StatusUpdate> {
  const data = parseOrInvalid(CreateStatusUpdateSchema, input, "status update");
  const known = new Set(ctx.channels.map((c) => c.id));
  const unknown = data.channels.filter((c) => !known.has(c));
  if (unknown.length) throw new Invalid(`unknown channel ${unknown.map((c) => `"${c}"`).join(", ")}`, unknown.map((c) => ({ path: "channels", message: `unknown channel "${c}"` })));
  const incident = await incidentOf(ctx.store, incidentId);
  const now = ctx.clock.now();
  const update: StatusUpdate = { id: uuidv7(), incidentId, status: data.status, body: data.body, channels: [...new Set(data.channels)], publishedAt: now, author, title: data.title ?? null };
  const name = publicTitle([update, ...(await listStatusUpdates(ctx.store, [incidentId]))], []);
  const event: NotificationEvent = {
    id: `su-${update.id}`,
    type: "status_update.published",
    occurredAt: now,
    summary: `${update.status}: ${update.body.slice(0, 200)}`,
    incident: { id: incident.id, number: incident.number, title: incident.title, severity: incident.severity, status: incident.status, services: incident.services, drill: incident.drill },
    update: { id: update.id, status: update.status, body: update.body },
    channels: update.channels,
    ...(ctx.linkBase ? { url: `${ctx.linkBase.replace(/\/$/, "")}/status` } : {}),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("status_updates")
      .values({ id: update.id, incident_id: incidentId, status: update.status, body: update.body, channels: JSON.stringify(update.channels), published_at: now, author, title: update.title })
      .execute();
    await ctx.outbox.enqueue(event, trx);
    if (ctx.subscriptions && !incident.drill) await enqueueForSubscribers(ctx.subscriptions, trx, { id: update.id, status: update.status, body: update.body, incidentName: name, at: now });
  });
  return update;
}
