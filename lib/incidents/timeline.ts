import type { Kysely, Transaction } from "kysely";
import { Conflict } from "../errors";
import type { AlertChange } from "../alerts/model";
import { runOnce, type IdempotentRequest, type Once, type StoredAnswer } from "../store/idempotency";
import type { Database } from "../store/schema";
import { commitIncidentIn, insertEntries, listIncidents } from "./repo";
import { newId, parseInput, requireIncident, snapshotOf, writeTime, type IncidentCtx, type Writer } from "./context";
import { changeTime, checkOccurredAt } from "./lifecycle";
import type { EntryDraft, Incident, TimelineEntry } from "./model";
import { CreateEntrySchema } from "./schemas";

/** A write racing ours on the same incident is retried this often before giving up with 409. */
const ACK_ATTEMPTS = 3;

/** A write with an Idempotency-Key (lib/store/idempotency.ts): the request, and the answer stored for its retries. */
export type OnceOptions<T> = { request: IdempotentRequest; answer: (value: T) => StoredAnswer };

/** Thrown inside the idempotent transaction when the incident moved on: rolls back the claim, then the write is tried again. */
const RACED = Symbol("raced");

/**
 * Adds a note, decision or action. The first one written by a person acknowledges the incident
 * (MTTA), in the same transaction as the entry.
 */
export async function addEntry(args: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer }): Promise<TimelineEntry> {
  const r = await writeEntry(args);
  return (r as { value: TimelineEntry }).value;
}

/**
 * addEntry at most once per Idempotency-Key: the key, the entry and the answer commit together;
 * a retry with the key gets the first answer (`replayed`), and nothing is written again.
 */
export function addEntryOnce(args: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer; once: OnceOptions<TimelineEntry> }): Promise<Once<TimelineEntry>> {
  return writeEntry(args);
}

type Written = { entry: TimelineEntry; incident: Incident | null };

async function writeEntry({ ctx, incidentId, input, writer, once }: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer; once?: OnceOptions<TimelineEntry> }): Promise<Once<TimelineEntry>> {
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
    const write = async (db: Kysely<Database> | Transaction<Database>): Promise<Written | null> => {
      if (incident.acknowledgedAt !== null) return { entry: (await insertEntries(db, [draft]))[0], incident: null };
      const next: Incident = { ...incident, acknowledgedAt: changeTime(incident, now) };
      const committed = await commitIncidentIn(db, { expectedVersion: incident.version, next, entries: [draft], now });
      return committed ? { entry: committed.entries[0], incident: committed.incident } : null;
    };
    let written: Written | null;
    let answer: StoredAnswer | null = null;
    if (!once) written = incident.acknowledgedAt !== null ? await write(ctx.store.db) : await ctx.store.db.transaction().execute(write);
    else {
      try {
        const r = await runOnce(ctx.store.db, once.request, now, async (trx) => {
          const w = await write(trx);
          if (!w) throw RACED;
          return { value: w, answer: once.answer(w.entry) };
        });
        if (r.replayed) return r;
        written = r.value;
        answer = r.answer;
      } catch (err) {
        if (err !== RACED) throw err;
        written = null;
      }
    }
    if (written) {
      ctx.events?.entry(written.entry);
      if (written.incident) ctx.events?.incident(written.incident);
      return { replayed: false, value: written.entry, answer: answer ?? { status: 201, body: null } };
    }
    if (attempt >= ACK_ATTEMPTS) throw new Conflict("the incident is changing too fast to add this entry; retry");
  }
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
