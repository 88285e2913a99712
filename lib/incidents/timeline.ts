import { Conflict, Invalid, NotFound } from "../errors";
import type { AlertChange } from "../alerts/model";
import { commitIncident, getEntry, insertEntries, listIncidents, updateEntry } from "./repo";
import { newId, parseInput, requireIncident, snapshotOf, writeTime, type IncidentCtx, type Writer } from "./context";
import { changeTime, checkOccurredAt } from "./lifecycle";
import { WRITABLE_KINDS, type EntryDraft, type Incident, type TimelineEntry } from "./model";
import { CreateEntrySchema, PatchEntrySchema } from "./schemas";

/** A write racing ours on the same incident is retried this often before giving up with 409. */
const ACK_ATTEMPTS = 3;

/**
 * Adds a note, decision or action. The first one written by a person acknowledges the incident
 * (MTTA), in the same transaction as the entry.
 */
export async function addEntry({ ctx, incidentId, input, writer }: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer }): Promise<TimelineEntry> {
  const data = parseInput(CreateEntrySchema, input, "timeline entry");
  for (let attempt = 1; ; attempt++) {
    // Without a given time the entry happened "now", on the incident's write clock (./context.ts).
    const [incident, now] = await Promise.all([requireIncident(ctx, incidentId), writeTime(ctx, incidentId)]);
    const occurredAt = data.occurredAt ?? now;
    checkOccurredAt(occurredAt, incident, now);
    const draft: EntryDraft = {
      id: newId(),
      incidentId,
      kind: data.kind,
      body: data.body,
      occurredAt,
      recordedAt: now,
      author: writer.author,
      source: writer.source,
      pinned: data.pinned,
      version: 1,
      snapshot: snapshotOf(ctx, incident.services, now),
    };
    if (incident.acknowledgedAt !== null) {
      const [entry] = await insertEntries(ctx.store.db, [draft]);
      ctx.events?.entry(entry);
      return entry;
    }
    const next: Incident = { ...incident, acknowledgedAt: changeTime(incident, now) };
    const committed = await commitIncident(ctx.store, { expectedVersion: incident.version, next, entries: [draft], now });
    if (committed) {
      const [entry] = committed.entries;
      ctx.events?.entry(entry);
      ctx.events?.incident(committed.incident);
      return entry;
    }
    if (attempt >= ACK_ATTEMPTS) throw new Conflict("the incident is changing too fast to add this entry; retry");
  }
}

/** Edits an entry's body, time or pin. System entries (status, alerts …) can only be pinned. */
export async function patchEntry({ ctx, incidentId, entryId, input }: { ctx: IncidentCtx; incidentId: string; entryId: string; input: unknown }): Promise<TimelineEntry> {
  const { version, ...changes } = parseInput(PatchEntrySchema, input, "timeline entry change");
  const incident = await requireIncident(ctx, incidentId);
  const current = await requireEntry(ctx, incidentId, entryId);
  if (current.version !== version) throw staleEntry(current);
  if ((changes.body !== undefined || changes.occurredAt !== undefined) && !(WRITABLE_KINDS as readonly string[]).includes(current.kind)) {
    throw new Invalid(`a ${current.kind} entry is recorded by the system; it can be pinned but not edited`, [{ path: changes.body !== undefined ? "body" : "occurredAt", message: "not editable on system entries" }]);
  }
  if (changes.occurredAt !== undefined) checkOccurredAt(changes.occurredAt, incident, ctx.clock.now());
  const next: TimelineEntry = { ...current, ...changes };
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  const committed = await updateEntry(ctx.store, version, next);
  if (!committed) throw staleEntry(await requireEntry(ctx, incidentId, entryId));
  ctx.events?.entry(committed);
  return committed;
}

/** Three significant digits (18.535905955356483 → 18.5): enough to read on a timeline. */
function readable(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(3))) : String(n);
}

/** The body of an alert's timeline entry ("Alert **X** fired on checkout (value 20.1, threshold 5): …"). */
export function alertEntryBody(change: AlertChange): string {
  const { alert } = change;
  const value = alert.value === null ? "" : ` (value ${readable(alert.value)}${alert.threshold === null ? "" : `, threshold ${readable(alert.threshold)}`})`;
  return change.type === "firing" ? `Alert **${alert.name}** fired on ${alert.service}${value}: ${alert.annotations.summary}` : `Alert **${alert.name}** resolved on ${alert.service}`;
}

/** An alert entry at `at` (never before the incident started), recorded `now` by the alerts. */
export function alertEntry(ctx: IncidentCtx, incident: Pick<Incident, "id" | "services" | "startedAt">, kind: "alert-fired" | "alert-resolved", body: string, at: number, now: number): EntryDraft {
  return { id: newId(), incidentId: incident.id, kind, body, occurredAt: Math.max(at, incident.startedAt), recordedAt: now, author: "alerts", source: "alert", pinned: false, version: 1, snapshot: snapshotOf(ctx, incident.services, now) };
}

/** Records a firing or resolved alert on every open incident that lists the alert's service. */
export async function recordAlertChange({ ctx, change, at }: { ctx: IncidentCtx; change: AlertChange; at: number }): Promise<TimelineEntry[]> {
  if (change.type !== "firing" && change.type !== "resolved") return [];
  const { alert } = change;
  const open = await listIncidents(ctx.store, { status: "active", service: alert.service, limit: 100 });
  const now = ctx.clock.now();
  const body = alertEntryBody(change);
  // Placed at the alert's own time (the leader's tick, or Alertmanager's startsAt/endsAt), like a
  // back-dated entry; its recordedAt is the recording instance's clock.
  const drafts = open.map<EntryDraft>((incident) => alertEntry(ctx, incident, change.type === "firing" ? "alert-fired" : "alert-resolved", body, at, now));
  const entries = await insertEntries(ctx.store.db, drafts);
  for (const e of entries) ctx.events?.entry(e);
  return entries;
}

async function requireEntry(ctx: IncidentCtx, incidentId: string, id: string): Promise<TimelineEntry> {
  const entry = await getEntry(ctx.store, incidentId, id);
  if (!entry) throw new NotFound(`no timeline entry "${id}" in incident "${incidentId}"`);
  return entry;
}

function staleEntry(current: TimelineEntry): Conflict {
  return new Conflict(`this timeline entry was changed by someone else (now version ${current.version}); review it and retry`, { current });
}
