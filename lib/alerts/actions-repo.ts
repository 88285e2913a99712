import type { Store } from "../store/store";
import type { Matcher } from "./matchers";
import type { StoredSilence } from "./silences";

/** Acknowledgements (one per alert episode) and silences, in the store (migration 0011_alert_acks_silences). */

export type AckRow = { alertId: string; activeAt: number; by: string; at: number };

/** Records an acknowledgement; the first one of an episode stays (a second click changes nothing). */
export async function insertAck(store: Store, ack: AckRow): Promise<AckRow> {
  await store.db
    .insertInto("alert_acks")
    .values({ alert_id: ack.alertId, active_at: ack.activeAt, acked_by: ack.by, acked_at: ack.at })
    .onConflict((oc) => oc.columns(["alert_id", "active_at"]).doNothing())
    .execute();
  const row = await store.db.selectFrom("alert_acks").selectAll().where("alert_id", "=", ack.alertId).where("active_at", "=", ack.activeAt).executeTakeFirstOrThrow();
  return { alertId: row.alert_id, activeAt: Number(row.active_at), by: row.acked_by, at: Number(row.acked_at) };
}

export async function listAcksSince(store: Store, since: number): Promise<AckRow[]> {
  const rows = await store.db.selectFrom("alert_acks").selectAll().where("acked_at", ">=", since).execute();
  return rows.map((r) => ({ alertId: r.alert_id, activeAt: Number(r.active_at), by: r.acked_by, at: Number(r.acked_at) }));
}

export async function insertSilence(store: Store, s: StoredSilence): Promise<void> {
  await store.db
    .insertInto("silences")
    .values({ id: s.id, matchers: JSON.stringify(s.matchers), starts_at: s.startsAt, ends_at: s.endsAt, reason: s.reason, created_by: s.createdBy, created_at: s.createdAt, expired_by: null })
    .execute();
}

/** Ends a running silence now; false when it had already ended. */
export async function expireSilence(store: Store, id: string, by: string, now: number): Promise<boolean> {
  const r = await store.db.updateTable("silences").set({ ends_at: now, expired_by: by }).where("id", "=", id).where("ends_at", ">", now).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listSilencesEndingAfter(store: Store, t: number): Promise<StoredSilence[]> {
  const rows = await store.db.selectFrom("silences").selectAll().where("ends_at", ">", t).orderBy("created_at").execute();
  return rows.map((r) => ({
    id: r.id,
    matchers: JSON.parse(r.matchers) as Matcher[],
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiredBy: r.expired_by,
  }));
}

/** Retention: acknowledgements made, and silences ended, before `t`. */
export async function purgeActionsBefore(store: Store, t: number): Promise<number> {
  const acks = await store.db.deleteFrom("alert_acks").where("acked_at", "<", t).executeTakeFirst();
  const silences = await store.db.deleteFrom("silences").where("ends_at", "<", t).executeTakeFirst();
  return Number(acks.numDeletedRows) + Number(silences.numDeletedRows);
}

export async function getSilence(store: Store, id: string): Promise<StoredSilence | null> {
  const r = await store.db.selectFrom("silences").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) return null;
  return { id: r.id, matchers: JSON.parse(r.matchers) as Matcher[], startsAt: Number(r.starts_at), endsAt: Number(r.ends_at), reason: r.reason, createdBy: r.created_by, createdAt: Number(r.created_at), expiredBy: r.expired_by };
}
