import { Conflict } from "../errors";
import { commitIncident, insertIncident, listActionItems, listEntries, listIncidents as listStored } from "./repo";
import { checkServices, newId, parseInput, requireIncident, snapshotOf, writeTime, type IncidentCtx, type Writer } from "./context";
import { applyChanges, incidentMetrics, resolveStartedAt } from "./lifecycle";
import type { EntryDraft, Incident, IncidentDetail } from "./model";
import { CreateIncidentSchema, ListIncidentsQuerySchema, PatchIncidentSchema } from "./schemas";
import type { SystemChange } from "./lifecycle";
import type { Alert } from "../alerts/model";
import { draftFromAlert, requireAlert, type IncidentDraft } from "./from-alert";
import { alertEntry, alertEntryBody } from "./timeline";
import { openIncidentOfAlert, refuseIfAttached } from "./alert-links";

export { addEntry, addEntryOnce, recordAlertChange } from "./timeline";
export { entryHistory, patchEntry } from "./entry-edits";
export { addActionItem, addActionItemOnce, patchActionItem } from "./action-items";
export { checkRunbookStep, runbookSteps } from "./runbook-steps";
export type { IncidentCtx, IncidentEvents, RunbookCheck, Writer } from "./context";

/**
 * Declares an incident: status investigating, with a first system entry. Declared from an alert
 * (`alertId`), the impact starts at the alert's activeAt, detection is when it fired, the drill
 * flag follows its cause, and the alert's entries go on the timeline (lib/incidents/from-alert.ts);
 * its later changes follow through `recordAlertChange` (the incident lists its service).
 */
export async function declareIncident({ ctx, input, writer }: { ctx: IncidentCtx; input: unknown; writer: Writer }): Promise<Incident> {
  const data = parseInput(CreateIncidentSchema, input, "incident");
  const now = ctx.clock.now();
  const alert = data.alertId === undefined ? null : requireAlert(ctx, data.alertId);
  const fromAlert = alert ? draftFromAlert(ctx, alert, now) : null;
  const attached = alert ? await openIncidentOfAlert(ctx.store, alert.id) : null;
  if (attached) {
    throw new Conflict(`alert ${alert!.name} on ${alert!.service} is already attached to the open INC-${attached.number}; open it instead`, { code: "alert_attached", incident: attached });
  }
  // The alert's service is always affected: its later changes reach the incident through it.
  const services = fromAlert ? [...new Set([...(data.services ?? []), ...fromAlert.services])] : data.services!;
  checkServices(ctx, services);
  const drill = data.drill ?? fromAlert?.drill ?? false;
  const startedAt = resolveStartedAt(data.startedAt ?? fromAlert?.startedAt, now);
  const draft: Omit<Incident, "number"> = {
    id: newId(),
    title: data.title ?? fromAlert!.title,
    severity: data.severity,
    status: "investigating",
    services,
    drill,
    summary: data.summary,
    startedAt,
    detectedAt: fromAlert ? Math.min(Math.max(fromAlert.detectedAt, startedAt), now) : now,
    acknowledgedAt: null,
    identifiedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: now,
    createdBy: writer.author,
    roles: [],
    version: 1,
  };
  const declared: SystemChange = { kind: "status-change", body: `Declared ${data.severity}${drill ? " (drill)" : ""}: investigating${alert ? ` (from alert ${alert.name} on ${alert.service})` : ""}` };
  const drafts = [...systemEntries(ctx, draft, [declared], now, now, writer.author), ...(alert ? alertEntries(ctx, draft, alert, now) : [])];
  const { incident, entries } = await insertIncident(ctx.store, draft, drafts, now, alert?.id, alert ? (trx) => refuseIfAttached(trx, ctx.store, alert) : undefined);
  ctx.events?.incident(incident);
  for (const e of entries) ctx.events?.entry(e);
  return incident;
}

/** What declaring from this alert would fill in (the dialog shows it before the declare). */
export async function incidentDraft({ ctx, alertId }: { ctx: IncidentCtx; alertId: string }): Promise<IncidentDraft> {
  const alert = requireAlert(ctx, alertId);
  const attached = await openIncidentOfAlert(ctx.store, alert.id);
  return { ...draftFromAlert(ctx, alert, ctx.clock.now()), attachedTo: attached ? { id: attached.id, number: attached.number, title: attached.title } : null };
}

/** The alert's own history so far, as the timeline would have it had the incident been open: fired, and resolved if it did. */
function alertEntries(ctx: IncidentCtx, incident: Omit<Incident, "number">, alert: Alert, now: number): EntryDraft[] {
  const out: EntryDraft[] = [];
  if (alert.firedAt !== null) {
    const since = alert.activeAt < alert.firedAt ? ` (condition true since ${new Date(alert.activeAt).toISOString().slice(11, 19)} UTC)` : "";
    out.push(alertEntry(ctx, incident, "alert-fired", alertEntryBody({ type: "firing", alert }) + since, alert.firedAt, now));
  }
  if (alert.state === "resolved" && alert.resolvedAt !== null) out.push(alertEntry(ctx, incident, "alert-resolved", alertEntryBody({ type: "resolved", alert }), alert.resolvedAt, now));
  return out;
}

/** Incidents matching the query (URL parameters as an object), newest first. */
export async function listIncidents({ ctx, query }: { ctx: IncidentCtx; query: unknown }): Promise<Incident[]> {
  const q = parseInput(ListIncidentsQuerySchema, query, "query");
  if (q.service !== undefined) checkServices(ctx, [q.service], "service");
  return listStored(ctx.store, q);
}

/** One incident with its timeline (in the order things happened), action items and MTTx. */
export async function getIncident({ ctx, id }: { ctx: IncidentCtx; id: string }): Promise<IncidentDetail> {
  const incident = await requireIncident(ctx, id);
  const [timeline, actionItems] = await Promise.all([listEntries(ctx.store, id), listActionItems(ctx.store, id)]);
  return { incident, timeline, actionItems, metrics: incidentMetrics(incident) };
}

/**
 * Changes status, severity, title, summary or roles of the version the writer saw. A stale
 * version, or another write landing first, is a Conflict carrying the current incident.
 */
export async function patchIncident({ ctx, id, input, writer }: { ctx: IncidentCtx; id: string; input: unknown; writer: Writer }): Promise<Incident> {
  const { version, confirm, ...changes } = parseInput(PatchIncidentSchema, input, "incident change");
  const [current, now] = await Promise.all([requireIncident(ctx, id), writeTime(ctx, id)]);
  if (current.version !== version) throw staleIncident(current);
  const { next, entries: changesToRecord, at } = applyChanges(current, changes, now);
  if (!confirm) refuseResolveWhileFiring(ctx, current, next);
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  const committed = await commitIncident(ctx.store, { expectedVersion: version, next, entries: systemEntries(ctx, current, changesToRecord, at, now, writer.author), now });
  if (!committed) throw staleIncident(await requireIncident(ctx, id));
  ctx.events?.incident(committed.incident);
  for (const e of committed.entries) ctx.events?.entry(e);
  return committed.incident;
}

const ENDED = new Set(["resolved", "closed"]);

/** Resolving a SEV1 while an alert of its services still fires is refused unless confirmed: the commander is asked first. */
function refuseResolveWhileFiring(ctx: IncidentCtx, current: Incident, next: Incident): void {
  if (next.severity !== "SEV1" || !ENDED.has(next.status) || ENDED.has(current.status)) return;
  const firing = ctx.firingAlerts?.(current.services) ?? [];
  if (firing.length === 0) return;
  const names = [...new Set(firing.map((a) => `${a.name} on ${a.service}`))].join(", ");
  throw new Conflict(`INC-${current.number} is SEV1 and ${firing.length === 1 ? "its alert still fires" : `${firing.length} of its alerts still fire`}: ${names}. Resolve anyway with "confirm": true`, {
    firing: firing.map((a) => ({ id: a.id, name: a.name, service: a.service })),
  });
}

export function staleIncident(current: Incident): Conflict {
  return new Conflict(`INC-${current.number} was changed by someone else (now version ${current.version}); review the current state and retry`, { current });
}

export function systemEntries(ctx: IncidentCtx, i: Omit<Incident, "number">, changes: readonly SystemChange[], at: number, now: number, author: string): EntryDraft[] {
  if (changes.length === 0) return [];
  const snapshot = snapshotOf(ctx, i.services, now);
  return changes.map((c) => ({ id: newId(), incidentId: i.id, kind: c.kind, body: c.body, occurredAt: at, recordedAt: now, author, source: "system", pinned: false, version: 1, snapshot }));
}
