import { sql } from "kysely";
import type { Store } from "../store/store";
import type { Logger } from "../log";
import { SEVERITIES, type IncidentSeverity } from "../severity";
import type { NotificationEvent } from "./events";
import type { NotificationOutbox } from "./outbox";
import { readCursor, writeCursor } from "./repo";

/**
 * The outbox's feed from the incident domain. Status and severity changes are system timeline
 * entries committed in the same transaction as the incident change (lib/incidents/service.ts),
 * so reading them from the timeline gives every acknowledged change exactly one event, a
 * crash between commit and send included, without the incident verbs knowing about
 * notifications. PostgreSQL hands out `seq` before commit, so a transaction may commit a lower
 * seq after a higher one was read: the scan looks LOOKBACK entries behind its cursor, and the
 * event id (`tl-<entry id>`) makes a second look a no-op.
 */
const TIMELINE_CURSOR = "notifications_timeline_seq";
const ALERT_CURSOR = "notifications_alert_at";
const LOOKBACK = 500;
/** Alert events carry the alert's own time (Alertmanager's startsAt may be minutes old). */
const ALERT_LOOKBACK_MS = 60 * 60_000;

export type FeedOptions = {
  store: Store;
  outbox: NotificationOutbox;
  logger: Logger;
  linkBase?: string;
  /** An alert under an active silence is not notified (lib/alerts/actions.ts isSilenced). */
  silenced?: (alert: unknown) => boolean;
  /** A drill caused the alert (lib/incidents/from-alert.ts): rules with `drills: exclude` skip it. */
  drill?: (alert: unknown) => boolean;
};

/** Entries recorded longer ago than this are not announced (their events may have been purged, lib/notifications/repo.ts). */
const TIMELINE_HORIZON_MS = 24 * 3600_000;

export async function feedTimeline({ store, outbox, linkBase }: FeedOptions, now: number): Promise<number> {
  const top = await store.db.selectFrom("timeline_entries").select(sql<number | null>`max(seq)`.as("m")).executeTakeFirst();
  const max = Number(top?.m ?? 0);
  const cursor = await readCursor(store, TIMELINE_CURSOR);
  if (max <= cursor - LOOKBACK) return 0;
  const rows = await store.db
    .selectFrom("timeline_entries as t")
    .innerJoin("incidents as i", "i.id", "t.incident_id")
    .select(["t.id as entryId", "t.kind", "t.body", "t.occurred_at", "i.id", "i.number", "i.title", "i.severity", "i.status", "i.services", "i.drill"])
    .where("t.seq", ">", cursor - LOOKBACK)
    .where("t.seq", "<=", max)
    .where("t.recorded_at", ">", now - TIMELINE_HORIZON_MS)
    .where((eb) => eb.or([eb("t.kind", "in", ["status-change", "severity-change"]), eb.and([eb("t.kind", "=", "drill-event"), eb("t.body", "like", "Game day %")])]))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("notification_events as e").select("e.id").whereRef("e.id", "=", sql<string>`'tl-' || t.id`))))
    .orderBy("t.seq")
    .execute();
  let n = 0;
  for (const r of rows) {
    const event = timelineEvent(r, linkBase);
    if (event && (await outbox.enqueue(event))) n++;
  }
  if (max > cursor) await writeCursor(store, TIMELINE_CURSOR, max);
  return n;
}

type Row = { entryId: string; kind: string; body: string; occurred_at: number; id: string; number: number; title: string; severity: string; status: string; services: string; drill: number };

/** The event a status or severity entry stands for; the incident's state is the one the entry records. */
export function timelineEvent(r: Row, linkBase?: string): NotificationEvent | null {
  const declared = /^Declared (SEV[1-4])/.exec(r.body);
  const to = /→ (\S+)$/.exec(r.body)?.[1];
  let severity = r.severity as IncidentSeverity;
  let status = r.status;
  let type: NotificationEvent["type"];
  const verdict = r.kind === "drill-event" ? /^Game day (completed|stopped): (.*)$/s.exec(r.body) : null;
  if (r.kind === "drill-event") {
    // The entry lib/gamedays/service.ts finish() writes when a run ends.
    if (!verdict) return null;
    const outcome = verdict[1] === "stopped" ? "stopped" : verdict[2].trim().toLowerCase();
    return {
      id: `tl-${r.entryId}`,
      type: "gameday.verdict",
      occurredAt: Number(r.occurred_at),
      summary: r.body,
      incident: { id: r.id, number: Number(r.number), title: r.title, severity, status, services: servicesOf(r.services), drill: Number(r.drill) === 1 },
      verdict: { gameDay: r.title, outcome, detail: verdict[1] === "stopped" ? verdict[2] : `verdict ${outcome}` },
      ...(linkBase ? { url: `${linkBase.replace(/\/$/, "")}/incidents/${r.id}` } : {}),
    };
  }
  if (r.kind === "severity-change") {
    type = "incident.severity_changed";
    if (to && (SEVERITIES as readonly string[]).includes(to)) severity = to as IncidentSeverity;
  } else if (declared) {
    type = "incident.declared";
    severity = declared[1] as IncidentSeverity;
    status = "investigating";
  } else if (to) {
    status = to;
    type = to === "resolved" ? "incident.resolved" : "incident.status_changed";
  } else return null;
  return {
    id: `tl-${r.entryId}`,
    type,
    occurredAt: Number(r.occurred_at),
    summary: r.body,
    incident: { id: r.id, number: Number(r.number), title: r.title, severity, status, services: servicesOf(r.services), drill: Number(r.drill) === 1 },
    ...(linkBase ? { url: `${linkBase.replace(/\/$/, "")}/incidents/${r.id}` } : {}),
  };
}

/** Page-tier (tier 1) alerts that started firing, from the alert history (lib/alerts/repo.ts). */
export async function feedAlerts({ store, outbox, silenced, drill }: FeedOptions, now: number): Promise<number> {
  const cursor = await readCursor(store, ALERT_CURSOR);
  const since = Math.max(cursor - ALERT_LOOKBACK_MS, now - 24 * ALERT_LOOKBACK_MS);
  const rows = await store.db
    .selectFrom("alert_events as a")
    .select(["a.id", "a.at", "a.alert"])
    .where("a.type", "=", "firing")
    .where("a.at", ">", since)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("notification_events as e").select("e.id").whereRef("e.id", "=", sql<string>`'al-' || a.id`))))
    .orderBy("a.at")
    .limit(1000)
    .execute();
  let n = 0;
  let newest = cursor;
  for (const r of rows) {
    newest = Math.max(newest, Number(r.at));
    // A row that does not parse is skipped (and the cursor moves past it), not retried forever.
    const a = parsed<{ name?: string; service?: string; tier?: number; annotations?: { summary?: string } }>(r.alert) ?? {};
    if (a.tier !== 1 || typeof a.name !== "string" || typeof a.service !== "string") continue;
    if (silenced?.(a)) continue;
    const summary = a.annotations?.summary ?? `${a.name} on ${a.service}`;
    const event: NotificationEvent = { id: `al-${r.id}`, type: "alert.firing", occurredAt: Number(r.at), summary, alert: { name: a.name, service: a.service, tier: 1, summary, drill: drill?.(a) ?? false } };
    if (await outbox.enqueue(event)) n++;
  }
  if (newest > cursor) await writeCursor(store, ALERT_CURSOR, newest);
  return n;
}

function parsed<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function servicesOf(text: string): string[] {
  const v = parsed<unknown>(text);
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}
