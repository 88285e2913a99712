import { SqliteAdapter, type Kysely, type Selectable, type Transaction } from "kysely";
import {
  ENTRY_KINDS,
  ENTRY_SOURCES,
  ITEM_PRIORITIES,
  ITEM_STATUSES,
  ITEM_TYPES,
  SEVERITIES,
  STATUSES,
  type ActionItem,
  type EntryDraft,
  type Incident,
  type RoleHolder,
  type SignalSnapshot,
  type TimelineEntry,
} from "./model";
import type { ActionItemsTable, Database, IncidentsTable, TimelineEntriesTable } from "../store/schema";
import type { Store } from "../store/store";

export type Db = Kysely<Database> | Transaction<Database>;

export type IncidentFilter = {
  status: "active" | "resolved" | "closed" | "all";
  severity?: string;
  service?: string;
  drill?: boolean;
  limit: number;
};

/** A committed incident write: the incident and its new timeline entries as stored (with their `seq`). */
export type Committed = { incident: Incident; entries: TimelineEntry[] };

/** Writes a new incident and its first timeline entries in one transaction; the number comes from the counter. */
/** `alertId`: the alert it was declared from, linked in the same transaction (lib/incidents/alert-links.ts). */
/** `check` runs first inside the transaction (declaring from an alert: lib/incidents/alert-links.ts refuseIfAttached). */
export async function insertIncident(store: Store, draft: Omit<Incident, "number">, entries: readonly EntryDraft[], now: number, alertId?: string, check?: (trx: Transaction<Database>) => Promise<void>): Promise<Committed> {
  return store.db.transaction().execute(async (trx) => {
    await check?.(trx);
    const { value } = await trx
      .updateTable("counters")
      .set((eb) => ({ value: eb("value", "+", 1) }))
      .where("name", "=", "incident_number")
      .returning("value")
      .executeTakeFirstOrThrow();
    const incident: Incident = { ...draft, number: Number(value) };
    await trx.insertInto("incidents").values({ ...incidentRow(incident), id: incident.id, number: incident.number, created_at: incident.createdAt, created_by: incident.createdBy, updated_at: now }).execute();
    if (alertId !== undefined) await trx.insertInto("incident_alerts").values({ incident_id: incident.id, alert_id: alertId, linked_at: now }).execute();
    return { incident, entries: await insertEntries(trx, entries) };
  });
}

/**
 * Compare-and-set: writes `next` (with version + 1) only if the stored incident still has
 * `expectedVersion`, together with `entries`, in one transaction. Null when the version was
 * stale; then nothing is written.
 */
export type IncidentCommit = { expectedVersion: number; next: Incident; entries: readonly EntryDraft[]; now: number };

export async function commitIncident(store: Store, change: IncidentCommit): Promise<Committed | null> {
  return store.db.transaction().execute((trx) => commitIncidentIn(trx, change));
}

/** The compare-and-set of commitIncident inside a caller's transaction (null: version moved on). */
export async function commitIncidentIn(trx: Db, change: IncidentCommit): Promise<Committed | null> {
  const version = change.expectedVersion + 1;
  const r = await trx
    .updateTable("incidents")
    .set({ ...incidentRow(change.next), version, updated_at: change.now })
    .where("id", "=", change.next.id)
    .where("version", "=", change.expectedVersion)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  return { incident: { ...change.next, version }, entries: await insertEntries(trx, change.entries) };
}

/**
 * Inserts timeline entries; the store gives each its `seq` inside the writing transaction, in
 * the order given (migration 0008_timeline_entry_seq): PostgreSQL from the column's sequence
 * (concurrent writers on several instances never wait for one another), SQLite from the
 * `timeline_entry_seq` counter row, bumped in the same transaction (one process writes it).
 * Returns the entries as stored.
 */
export async function insertEntries(db: Db, entries: readonly EntryDraft[]): Promise<TimelineEntry[]> {
  if (entries.length === 0) return [];
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    const rows = await db.insertInto("timeline_entries").values(entries.map(entryRow)).returning(["id", "seq"]).execute();
    const seqs = new Map(rows.map((r) => [r.id, Number(r.seq)]));
    return entries.map((e) => ({ ...e, seq: seqs.get(e.id)! }));
  }
  const write = async (trx: Transaction<Database>) => {
    const { value } = await trx
      .updateTable("counters")
      .set((eb) => ({ value: eb("value", "+", entries.length) }))
      .where("name", "=", "timeline_entry_seq")
      .returning("value")
      .executeTakeFirstOrThrow();
    const stored = entries.map((e, i) => ({ ...e, seq: Number(value) - entries.length + 1 + i }));
    await trx
      .insertInto("timeline_entries")
      .values(stored.map((e) => ({ ...entryRow(e), seq: e.seq })))
      .execute();
    return stored;
  };
  return db.isTransaction ? write(db as Transaction<Database>) : db.transaction().execute(write);
}

function entryRow(e: EntryDraft) {
  return {
    id: e.id,
    incident_id: e.incidentId,
    kind: e.kind,
    body: e.body,
    occurred_at: e.occurredAt,
    recorded_at: e.recordedAt,
    author: e.author,
    source: e.source,
    pinned: e.pinned ? 1 : 0,
    version: e.version,
    snapshot: JSON.stringify(e.snapshot),
  };
}

/** The newest recordedAt on an incident's timeline (null when it has none): the floor of its write time. */
export async function latestRecordedAt(store: Store, incidentId: string): Promise<number | null> {
  const row = await store.db
    .selectFrom("timeline_entries")
    .select((eb) => eb.fn.max("recorded_at").as("t"))
    .where("incident_id", "=", incidentId)
    .executeTakeFirst();
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

export async function getIncident(store: Store, id: string): Promise<Incident | null> {
  const row = await store.db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toIncident(row) : null;
}

/** Incidents matching the filter, newest first (by start, then number). */
export async function listIncidents(store: Store, f: IncidentFilter): Promise<Incident[]> {
  let q = store.db.selectFrom("incidents").selectAll();
  if (f.status === "active") q = q.where("status", "not in", ["resolved", "closed"]);
  else if (f.status !== "all") q = q.where("status", "=", f.status);
  if (f.severity !== undefined) q = q.where("severity", "=", f.severity);
  if (f.drill !== undefined) q = q.where("drill", "=", f.drill ? 1 : 0);
  // Service ids are [a-z0-9-], so the quoted id cannot hold a LIKE wildcard.
  if (f.service !== undefined) q = q.where("services", "like", `%${JSON.stringify(f.service)}%`);
  const rows = await q.orderBy("started_at", "desc").orderBy("number", "desc").limit(Math.min(f.limit, 1000)).execute();
  return rows.map(toIncident);
}

export async function getEntry(store: Store, incidentId: string, id: string): Promise<TimelineEntry | null> {
  const row = await store.db.selectFrom("timeline_entries").selectAll().where("id", "=", id).where("incident_id", "=", incidentId).executeTakeFirst();
  return row ? toEntry(row) : null;
}

/** The timeline in the order things happened (ties: the order the store numbered them, `compareEntries`). */
export async function listEntries(store: Store, incidentId: string): Promise<TimelineEntry[]> {
  const rows = await store.db
    .selectFrom("timeline_entries")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("occurred_at")
    .orderBy("seq")
    .execute();
  return rows.map(toEntry);
}

/** Compare-and-set on one entry; null when `expectedVersion` is stale (nothing written). */
export async function updateEntry(store: Store, expectedVersion: number, next: TimelineEntry): Promise<TimelineEntry | null> {
  const version = expectedVersion + 1;
  const r = await store.db.transaction().execute((trx) =>
    trx
      .updateTable("timeline_entries")
      .set({ body: next.body, occurred_at: next.occurredAt, pinned: next.pinned ? 1 : 0, version })
      .where("id", "=", next.id)
      .where("version", "=", expectedVersion)
      .executeTakeFirst(),
  );
  return Number(r.numUpdatedRows) === 1 ? { ...next, version } : null;
}

export async function insertActionItem(store: Store, item: ActionItem): Promise<void> {
  await insertActionItemIn(store.db, item);
}

export async function insertActionItemIn(db: Db, item: ActionItem): Promise<void> {
  await db
    .insertInto("action_items")
    .values({ ...itemRow(item), id: item.id, incident_id: item.incidentId, created_at: item.createdAt, created_by: item.createdBy, version: item.version })
    .execute();
}

export async function getActionItem(store: Store, incidentId: string, id: string): Promise<ActionItem | null> {
  const row = await store.db.selectFrom("action_items").selectAll().where("id", "=", id).where("incident_id", "=", incidentId).executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function listActionItems(store: Store, incidentId: string): Promise<ActionItem[]> {
  const rows = await store.db.selectFrom("action_items").selectAll().where("incident_id", "=", incidentId).orderBy("created_at").orderBy("id").execute();
  return rows.map(toItem);
}

/** Compare-and-set on one action item; null when `expectedVersion` is stale (nothing written). */
export async function updateActionItem(store: Store, expectedVersion: number, next: ActionItem): Promise<ActionItem | null> {
  const version = expectedVersion + 1;
  const r = await store.db.transaction().execute((trx) =>
    trx.updateTable("action_items").set({ ...itemRow(next), version }).where("id", "=", next.id).where("version", "=", expectedVersion).executeTakeFirst(),
  );
  return Number(r.numUpdatedRows) === 1 ? { ...next, version } : null;
}

function incidentRow(i: Incident) {
  return {
    title: i.title,
    severity: i.severity,
    status: i.status,
    services: JSON.stringify(i.services),
    drill: i.drill ? 1 : 0,
    summary: i.summary,
    started_at: i.startedAt,
    detected_at: i.detectedAt,
    acknowledged_at: i.acknowledgedAt,
    identified_at: i.identifiedAt,
    mitigated_at: i.mitigatedAt,
    resolved_at: i.resolvedAt,
    closed_at: i.closedAt,
    roles: JSON.stringify(i.roles),
    version: i.version,
  };
}

function itemRow(a: ActionItem) {
  return { title: a.title, owner: a.owner, due_at: a.dueAt, priority: a.priority, type: a.type, status: a.status, ticket_url: a.ticketUrl };
}

function known<T extends string>(values: readonly T[], v: string, what: string): T {
  if (!(values as readonly string[]).includes(v)) throw new Error(`unknown ${what} "${v}" in the database`);
  return v as T;
}

function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    number: Number(r.number),
    title: r.title,
    severity: known(SEVERITIES, r.severity, "incident severity"),
    status: known(STATUSES, r.status, "incident status"),
    services: JSON.parse(r.services) as string[],
    drill: Number(r.drill) === 1,
    summary: r.summary,
    startedAt: r.started_at,
    detectedAt: r.detected_at,
    acknowledgedAt: r.acknowledged_at,
    identifiedAt: r.identified_at,
    mitigatedAt: r.mitigated_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    roles: JSON.parse(r.roles) as RoleHolder[],
    version: Number(r.version),
  };
}

export function toEntry(r: Selectable<TimelineEntriesTable>): TimelineEntry {
  return {
    id: r.id,
    incidentId: r.incident_id,
    kind: known(ENTRY_KINDS, r.kind, "timeline entry kind"),
    body: r.body,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    author: r.author,
    source: known(ENTRY_SOURCES, r.source, "timeline entry source"),
    pinned: Number(r.pinned) === 1,
    version: Number(r.version),
    snapshot: JSON.parse(r.snapshot) as SignalSnapshot,
    seq: Number(r.seq),
    ...(r.edited_at !== null && r.edited_at !== undefined ? { edited: { at: Number(r.edited_at), by: r.edited_by ?? "", revisions: Number(r.revisions) } } : {}),
  };
}

function toItem(r: Selectable<ActionItemsTable>): ActionItem {
  return {
    id: r.id,
    incidentId: r.incident_id,
    title: r.title,
    owner: r.owner,
    dueAt: r.due_at,
    priority: known(ITEM_PRIORITIES, r.priority, "action item priority"),
    type: known(ITEM_TYPES, r.type, "action item type"),
    status: known(ITEM_STATUSES, r.status, "action item status"),
    ticketUrl: r.ticket_url,
    createdAt: r.created_at,
    createdBy: r.created_by,
    version: Number(r.version),
  };
}
