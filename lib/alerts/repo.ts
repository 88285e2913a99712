import { randomUUID } from "node:crypto";
import type { Store } from "../store/store";
import type { AlertChange } from "./model";

/** Appends alert state changes to the history (one transaction). */
export async function insertAlertEvents(store: Store, at: number, changes: readonly AlertChange[]): Promise<void> {
  if (changes.length === 0) return;
  await store.db
    .insertInto("alert_events")
    .values(changes.map((c) => ({ id: randomUUID(), alert_id: c.alert.id, type: c.type, at, alert: JSON.stringify(c.alert) })))
    .execute();
}

export type AlertEventRow = { alertId: string; type: string; at: number; alert: unknown };

export async function listAlertEvents(store: Store, opts: { since?: number; limit?: number } = {}): Promise<AlertEventRow[]> {
  let q = store.db.selectFrom("alert_events").selectAll().orderBy("at", "desc").orderBy("id").limit(Math.min(opts.limit ?? 200, 1000));
  if (opts.since !== undefined) q = q.where("at", ">=", opts.since);
  const rows = await q.execute();
  return rows.map((r) => ({ alertId: r.alert_id, type: r.type, at: Number(r.at), alert: JSON.parse(r.alert) as unknown }));
}

/** Every event at or after `since`, oldest first (restoring alert state at start). */
export async function listAlertEventsSince(store: Store, since: number): Promise<AlertEventRow[]> {
  const rows = await store.db.selectFrom("alert_events").selectAll().where("at", ">=", since).orderBy("at").orderBy("id").execute();
  return rows.map((r) => ({ alertId: r.alert_id, type: r.type, at: Number(r.at), alert: JSON.parse(r.alert) as unknown }));
}

export async function purgeAlertEventsBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("alert_events").where("at", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}
