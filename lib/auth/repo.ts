import { sql, type Insertable, type Selectable } from "kysely";
import type { ApiTokensTable, AuditLogTable, AuthSessionsTable } from "../store/schema";
import type { Store } from "../store/store";

/** The SQL of lib/auth: sessions, API tokens and the audit log. No logic beyond the statements. */

export type SessionRow = Selectable<AuthSessionsTable>;
export type TokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;

// ---- sessions

export async function insertSession(store: Store, row: Insertable<AuthSessionsTable>): Promise<void> {
  await store.db.insertInto("auth_sessions").values(row).execute();
}

export async function getSession(store: Store, id: string): Promise<SessionRow | null> {
  return (await store.db.selectFrom("auth_sessions").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

/** Moves last_seen_at forward only if it is older than `staleBefore`, so concurrent requests write once. */
export async function touchSession(store: Store, id: string, at: number, staleBefore: number): Promise<void> {
  await store.db.updateTable("auth_sessions").set({ last_seen_at: at }).where("id", "=", id).where("last_seen_at", "<=", staleBefore).execute();
}

export async function revokeSessionRow(store: Store, id: string, at: number): Promise<boolean> {
  const r = await store.db.updateTable("auth_sessions").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function revokeSubjectRows(store: Store, subject: string, at: number): Promise<number> {
  const r = await store.db.updateTable("auth_sessions").set({ revoked_at: at }).where("subject", "=", subject).where("revoked_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes sessions that can no longer be used: past their absolute end, idle too long, or revoked. */
export async function purgeSessionRows(store: Store, now: number, idleBefore: number): Promise<number> {
  const r = await store.db
    .deleteFrom("auth_sessions")
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", idleBefore), eb("revoked_at", "is not", null)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- API tokens

export async function insertToken(store: Store, row: Insertable<ApiTokensTable>): Promise<void> {
  await store.db.insertInto("api_tokens").values(row).execute();
}

export async function getToken(store: Store, id: string): Promise<TokenRow | null> {
  return (await store.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

export async function tokensWithPrefix(store: Store, prefix: string): Promise<TokenRow[]> {
  return store.db.selectFrom("api_tokens").selectAll().where("prefix", "=", prefix).limit(10).execute();
}

export async function listTokenRows(store: Store): Promise<TokenRow[]> {
  return store.db.selectFrom("api_tokens").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(1000).execute();
}

export async function revokeTokenRow(store: Store, id: string, at: number): Promise<void> {
  await store.db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).execute();
}

export async function touchToken(store: Store, id: string, at: number, staleBefore: number): Promise<void> {
  await store.db
    .updateTable("api_tokens")
    .set({ last_used_at: at })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", staleBefore)]))
    .execute();
}

// ---- audit log

export async function insertAudit(store: Store, row: Insertable<AuditLogTable>): Promise<void> {
  await store.db.insertInto("audit_log").values(row).execute();
}

export type AuditQuery = {
  actor?: string;
  actionPrefix?: string;
  /** [min, max) of the HTTP status. */
  result?: [number, number];
  from?: number;
  to?: number;
  /** Paging by sequence: rows after (ascending) or before (descending) this seq. */
  afterSeq?: number;
  beforeSeq?: number;
  order: "asc" | "desc";
  limit: number;
};

export async function queryAudit(store: Store, q: AuditQuery): Promise<AuditRow[]> {
  let query = store.db.selectFrom("audit_log").selectAll();
  if (q.actor !== undefined) query = query.where("actor_subject", "=", q.actor);
  if (q.actionPrefix !== undefined && q.actionPrefix !== "") {
    // substr instead of LIKE: no escaping of % and _ in what the user typed.
    query = query.where(sql<string>`substr(action, 1, ${q.actionPrefix.length})`, "=", q.actionPrefix);
  }
  if (q.result) query = query.where("result", ">=", q.result[0]).where("result", "<", q.result[1]);
  if (q.from !== undefined) query = query.where("at", ">=", q.from);
  if (q.to !== undefined) query = query.where("at", "<", q.to);
  if (q.afterSeq !== undefined) query = query.where("seq", ">", q.afterSeq);
  if (q.beforeSeq !== undefined) query = query.where("seq", "<", q.beforeSeq);
  return query.orderBy("seq", q.order).limit(q.limit).execute();
}

export async function purgeAuditBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("audit_log").where("at", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}
