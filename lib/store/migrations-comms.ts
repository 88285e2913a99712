import { sql, type Kysely } from "kysely";

/** Migration 0013_comms: the notification outbox and delivery log, status updates, status-page overrides. */
export async function commsMigration(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("notification_events")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("occurred_at", "bigint", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notification_events_created_idx").on("notification_events").column("created_at").execute();
  await db.schema
    .createTable("notification_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("event_id", "text", (c) => c.notNull().references("notification_events.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_at", "bigint", (c) => c.notNull())
    .addColumn("lease_until", "bigint", (c) => c.notNull())
    .addColumn("leased_by", "text")
    .addColumn("last_status", "integer")
    .addColumn("last_error", "text")
    .addColumn("sent_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notification_deliveries_due_idx").on("notification_deliveries").columns(["state", "next_at"]).execute();
  await db.schema.createIndex("notification_deliveries_event_channel_idx").on("notification_deliveries").columns(["event_id", "channel"]).unique().execute();
  await db.schema
    .createTable("status_updates")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("channels", "text", (c) => c.notNull())
    .addColumn("published_at", "bigint", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    // The public name of the incident as of this update (null: the earlier one stands).
    .addColumn("title", "text")
    .execute();
  await db.schema.createIndex("status_updates_incident_idx").on("status_updates").columns(["incident_id", "published_at"]).execute();
  await db.schema
    .createTable("status_overrides")
    .addColumn("component", "text", (c) => c.primaryKey().notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("set_by", "text", (c) => c.notNull())
    .addColumn("set_at", "bigint", (c) => c.notNull())
    .execute();
  // Status-page e-mail subscribers (double opt-in): the confirmation token is stored hashed; the
  // unsubscribe token (it can only stop e-mail to that address) in clear, to put in every e-mail.
  await db.schema
    .createTable("status_subscribers")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("unsubscribe_token", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("confirmed_at", "bigint")
    .execute();
  // The outbox feed (lib/notifications/feed.ts) starts after what is already there: an upgrade does not announce old history.
  await sql`insert into meta (key, value) select 'notifications_timeline_seq', cast(coalesce(max(seq), 0) as text) from timeline_entries`.execute(db);
  await sql`insert into meta (key, value) select 'notifications_alert_at', cast(coalesce(max(at), 0) as text) from alert_events`.execute(db);
}
