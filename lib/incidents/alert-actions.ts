import { NotFound } from "../errors";
import type { AlertActions } from "../alerts/actions";
import type { AlertChannel } from "../alerts/channel";
import type { AlertEngine } from "../alerts/engine";
import { formatMatcher } from "../alerts/matchers";
import type { Alert } from "../alerts/model";
import type { Silence } from "../alerts/silences";
import { insertEntries, listIncidents } from "./repo";
import { newId, snapshotOf, type IncidentCtx, type Writer } from "./context";
import type { EntryDraft, TimelineEntry } from "./model";

/** What acknowledging and silencing run against (composed in lib/server/root.ts). */
export type AlertActionsCtx = {
  incidents: IncidentCtx;
  alerts: AlertEngine;
  actions: AlertActions;
  channel: AlertChannel;
  /** Tells the other instances to read acks and silences again (lib/server/root.ts, the bus). */
  changed?: () => void;
};

/**
 * Acknowledges a pending or firing alert's episode: stored before the answer, then told to viewers
 * (an `update` on `alerts`) and to the timeline of every open incident listing the alert's service
 * (the incidents its firing was recorded on, lib/incidents/timeline.ts recordAlertChange).
 */
export async function acknowledgeAlert({ ctx, id, writer }: { ctx: AlertActionsCtx; id: string; writer: Writer }): Promise<Alert> {
  const alert = ctx.alerts.get(id);
  if (!alert) throw new NotFound(`no pending or firing alert "${id}"`);
  const { created } = await ctx.actions.ack(alert, writer.author);
  const shown = ctx.channel.decorate(alert);
  if (created) {
    ctx.changed?.();
    ctx.channel.publish({ type: "update", alert });
    await recordOnIncidents(ctx.incidents, [alert.service], "alert-acknowledged", `Alert **${alert.name}** on ${alert.service} acknowledged by ${writer.author}`, writer);
  }
  return shown;
}

/** Creates a silence; the alerts it mutes now are updated for viewers and noted on their incidents. */
export async function silenceAlerts({ ctx, input, writer }: { ctx: AlertActionsCtx; input: unknown; writer: Writer }): Promise<{ silence: Silence; alerts: Alert[] }> {
  const silence = await ctx.actions.createSilence(input, writer.author);
  // A silence set ahead of time matches nothing yet: the leader must still learn of it before it notifies.
  ctx.changed?.();
  const muted = ctx.actions.matching(silence.id, ctx.alerts.current());
  for (const alert of muted) ctx.channel.publish({ type: "update", alert });
  const matchers = silence.matchers.map(formatMatcher).join(", ");
  const until = new Date(silence.endsAt).toISOString().slice(0, 16).replace("T", " ");
  const byService = new Map<string, string[]>();
  for (const a of muted) byService.set(a.service, [...(byService.get(a.service) ?? []), a.name]);
  for (const [service, names] of byService) {
    const list = [...new Set(names)].map((n) => `**${n}**`).join(", ");
    await recordOnIncidents(ctx.incidents, [service], "alert-silenced", `Alert ${list} on ${service} silenced by ${writer.author} until ${until} UTC (${matchers}): ${silence.reason}`, writer);
  }
  return { silence, alerts: muted.map((a) => ctx.channel.decorate(a)) };
}

/** Expires a silence; the alerts it muted are shown unmuted again. */
export async function expireSilence({ ctx, id, writer }: { ctx: AlertActionsCtx; id: string; writer: Writer }): Promise<Silence> {
  const before = ctx.alerts.current().filter((a) => ctx.channel.decorate(a).silence?.id === id);
  const silence = await ctx.actions.expire(id, writer.author);
  ctx.changed?.();
  for (const alert of before) ctx.channel.publish({ type: "update", alert });
  return silence;
}

async function recordOnIncidents(ctx: IncidentCtx, services: readonly string[], kind: "alert-acknowledged" | "alert-silenced", body: string, writer: Writer): Promise<TimelineEntry[]> {
  const open = new Map<string, Awaited<ReturnType<typeof listIncidents>>[number]>();
  for (const s of services) for (const i of await listIncidents(ctx.store, { status: "active", service: s, limit: 100 })) open.set(i.id, i);
  if (open.size === 0) return [];
  const now = ctx.clock.now();
  const drafts = [...open.values()].map<EntryDraft>((incident) => ({
    id: newId(),
    incidentId: incident.id,
    kind,
    body,
    occurredAt: Math.max(now, incident.startedAt),
    recordedAt: now,
    author: writer.author,
    source: writer.source,
    pinned: false,
    version: 1,
    snapshot: snapshotOf(ctx, incident.services, now),
  }));
  const entries = await insertEntries(ctx.store.db, drafts);
  for (const e of entries) ctx.events?.entry(e);
  return entries;
}
