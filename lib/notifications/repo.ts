import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";
import type { Purger } from "../store/retention";
import { NotificationEventSchema, type Delivery, type NotificationEvent } from "./events";

type Db = Kysely<Database>;

/**
 * Writes the event and one pending delivery per channel, in `db` (pass the transaction of the
 * write the event describes). An event already there is left alone: false.
 */
export async function insertEvent(db: Db, event: NotificationEvent, channels: readonly string[], now: number): Promise<boolean> {
  const r = await db
    .insertInto("notification_events")
    .values({ id: event.id, type: event.type, occurred_at: event.occurredAt, payload: JSON.stringify(event), created_at: now })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  if (channels.length === 0) return true;
  await db
    .insertInto("notification_deliveries")
    .values(channels.map((channel) => ({ id: `${event.id}:${channel}`, event_id: event.id, channel, state: "pending", attempts: 0, next_at: now, lease_until: 0, leased_by: null, last_status: null, last_error: null, sent_at: null, created_at: now })))
    .execute();
  return true;
}

export type Claimed = { id: string; channel: string; attempts: number; event: NotificationEvent };

/**
 * Claims up to `limit` due deliveries for `holder` until `leaseUntil`: each with a conditional
 * update, so two drainers (an old leader that has not noticed yet, and the new one) never both
 * hold a row.
 */
export async function claimDue(store: Store, opts: { now: number; holder: string; leaseUntil: number; limit: number }): Promise<Claimed[]> {
  const due = await store.db
    .selectFrom("notification_deliveries as d")
    .innerJoin("notification_events as e", "e.id", "d.event_id")
    .select(["d.id", "d.channel", "d.attempts", "e.payload"])
    .where("d.state", "=", "pending")
    .where("d.next_at", "<=", opts.now)
    .where("d.lease_until", "<=", opts.now)
    .orderBy("d.next_at")
    .limit(opts.limit)
    .execute();
  const claimed: Claimed[] = [];
  for (const row of due) {
    const r = await store.db
      .updateTable("notification_deliveries")
      .set({ lease_until: opts.leaseUntil, leased_by: opts.holder })
      .where("id", "=", row.id)
      .where("state", "=", "pending")
      .where("lease_until", "<=", opts.now)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) continue;
    const event = NotificationEventSchema.safeParse(parsePayload(row.payload));
    if (!event.success) {
      await finish(store, row.id, opts.holder, { state: "failed", attempts: Number(row.attempts), next_at: opts.now, last_status: null, last_error: "the stored event does not parse", sent_at: null });
      continue;
    }
    claimed.push({ id: row.id, channel: row.channel, attempts: Number(row.attempts), event: event.data });
  }
  return claimed;
}

type Finish = { state: Delivery["state"]; attempts: number; next_at: number; last_status: number | null; last_error: string | null; sent_at: number | null };

/** Records an attempt's outcome, if `holder` still holds the row. */
export async function finish(store: Store, id: string, holder: string, f: Finish): Promise<void> {
  await store.db.updateTable("notification_deliveries").set({ ...f, lease_until: 0, leased_by: null }).where("id", "=", id).where("leased_by", "=", holder).execute();
}

/** The delivery log, newest first. */
export async function listDeliveries(store: Store, opts: { limit: number; state?: Delivery["state"] }): Promise<Delivery[]> {
  let q = store.db
    .selectFrom("notification_deliveries as d")
    .innerJoin("notification_events as e", "e.id", "d.event_id")
    .select(["d.id", "d.event_id", "e.type", "e.payload", "d.channel", "d.state", "d.attempts", "d.next_at", "d.last_status", "d.last_error", "d.sent_at", "d.created_at"])
    .orderBy("d.created_at", "desc")
    .orderBy("d.id")
    .limit(opts.limit);
  if (opts.state) q = q.where("d.state", "=", opts.state);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventType: r.type,
    summary: (parsePayload(r.payload) as { summary?: string } | null)?.summary ?? "",
    channel: r.channel,
    state: r.state as Delivery["state"],
    attempts: Number(r.attempts),
    nextAt: r.state === "pending" ? Number(r.next_at) : null,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
    createdAt: Number(r.created_at),
  }));
}

export async function readCursor(store: Store, key: string): Promise<number> {
  const row = await store.db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

export async function writeCursor(store: Store, key: string, value: number): Promise<void> {
  await store.db
    .insertInto("meta")
    .values({ key, value: String(value) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(value) }))
    .execute();
}

/**
 * An e-mail to one subscriber (`to`) carries links that act for them (confirm, unsubscribe): once
 * its one delivery has ended, the stored copy keeps no links (lib/comms/subscriptions.ts hashes
 * the confirmation token; the outbox must not keep it in clear).
 */
export async function forgetLinks(store: Store, event: NotificationEvent): Promise<void> {
  if (!event.to || !event.actions?.length) return;
  await store.db.updateTable("notification_events").set({ payload: JSON.stringify({ ...event, actions: [] }) }).where("id", "=", event.id).execute();
}

/** Sent, refused and failed deliveries (and their events) are kept this long for the delivery log. */
export const NOTIFICATION_RETENTION_MS = 30 * 24 * 3600_000;
/** A sign-up not confirmed within this is forgotten (its link stops working). */
export const PENDING_SUBSCRIBER_MS = 48 * 3600_000;

export function notificationsPurger(store: Store): Purger {
  return {
    name: "notifications",
    async purge(now) {
      const old = now - NOTIFICATION_RETENTION_MS;
      const d = await store.db.deleteFrom("notification_deliveries").where("state", "!=", "pending").where("created_at", "<", old).executeTakeFirst();
      const e = await store.db
        .deleteFrom("notification_events")
        .where("created_at", "<", old)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom("notification_deliveries as d").select("d.id").whereRef("d.event_id", "=", "notification_events.id"))))
        .executeTakeFirst();
      const s = await store.db.deleteFrom("status_subscribers").where("state", "=", "pending").where("created_at", "<", now - PENDING_SUBSCRIBER_MS).executeTakeFirst();
      return Number(d.numDeletedRows) + Number(e.numDeletedRows) + Number(s.numDeletedRows);
    },
  };
}

/** A stored payload, or null when it does not parse (the delivery then fails instead of stopping the drain). */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
