import type { Hub } from "../live/hub";
import type { Channel } from "../live/channel";
import type { Store } from "../store/store";
import { getIncident, listActionItems, listEntries, listIncidents } from "./repo";
import { incidentMetrics } from "./lifecycle";
import { compareEntries, isOpen, type ActionItem, type Incident, type TimelineEntry } from "./model";
import type { IncidentEvents, RunbookCheck } from "./context";
import { ClusterPresence, type PresenceBeat } from "./presence";

/** Resolved and closed incidents kept in the `incidents` snapshot beside every open one. */
const RECENT_DONE = 20;
const HISTORY_LIMIT = 1000;
const PREFIX = "incident:";

export type { Viewer } from "./contract";
import type { Viewer } from "./contract";

/** What an `incident:<id>` channel shows; events merge into it by version, so it never goes back. */
type Detail = { incident: Incident | null; entries: Map<string, TimelineEntry>; items: Map<string, ActionItem> };

/**
 * The live incident channels (docs/incidents-contract.md): `incidents` (open ones and the most
 * recent finished ones) and `incident:<id>` with timeline, action items and viewers. Fed by the
 * incident verbs after each committed write; both channels are lossless.
 */
export class IncidentLive implements IncidentEvents {
  private readonly hub: Hub;
  private readonly store: Store;
  private readonly listed = new Map<string, Incident>();
  private readonly details = new Map<string, Detail>();
  /** Several instances: viewers of every instance (lib/incidents/presence.ts); null on one instance. */
  private readonly presence: ClusterPresence | null;

  constructor(opts: {
    hub: Hub;
    store: Store;
    /** Several instances: this instance's id, how its presence beats reach the others, and their interval. */
    presence?: { instanceId: string; send: (beat: PresenceBeat) => Promise<void>; beatMs?: number; now?: () => number };
  }) {
    this.hub = opts.hub;
    this.store = opts.store;
    const p = opts.presence;
    this.presence = p
      ? new ClusterPresence({
          instanceId: p.instanceId,
          beatMs: p.beatMs,
          now: p.now ?? (() => performance.now()),
          local: (id) => this.localViewers(id),
          watched: () => [...this.details.keys()].filter((id) => (this.hub.channel(PREFIX + id)?.subscriberCount ?? 0) > 0),
          publish: (id) => this.publishViewers(id),
          send: p.send,
        })
      : null;
    this.hub.route("incidents", (name) => (name === "incidents" ? { historyLimit: HISTORY_LIMIT, lossless: true, snapshot: () => this.listSnapshot() } : null));
    this.hub.routeAsync(PREFIX, (name) => this.loadChannel(name.slice(PREFIX.length)), { historyLimit: HISTORY_LIMIT });
    // Several instances: what another instance wrote arrives as its event (merged by version, so
    // it never goes back), and after a broker outage everything is read again from the store.
    this.hub.onRemote("incidents", (f, parsed) => {
      const p = parsed();
      if (f.event === "upsert" && p) this.mergeListed((p.data as { incident: Incident }).incident);
    });
    this.hub.onRemote(PREFIX, (f, parsed) => {
      const d = this.details.get(f.channel.slice(PREFIX.length));
      const p = d ? parsed() : null;
      if (!d || !p) return;
      const data = p.data as { incident?: Incident; entry?: TimelineEntry; item?: ActionItem };
      if (f.event === "incident" && data.incident && (!d.incident || d.incident.version < data.incident.version)) d.incident = data.incident;
      if (f.event === "entry" && data.entry) mergeInto(d.entries, data.entry);
      if (f.event === "action-item" && data.item) mergeInto(d.items, data.item);
    });
    // Viewers events, ours included: every instance keeps the others' lists and checks the last one shown.
    this.hub.onRemote(
      PREFIX,
      (f, parsed) => {
        const p = f.event === "viewers" && this.presence ? parsed() : null;
        if (p) this.presence!.frame(f.origin, f.channel.slice(PREFIX.length), p.data);
      },
      { own: true },
    );
    this.hub.onResync(() => {
      void this.reload();
      void this.presence?.resync().catch(() => undefined);
    });
  }

  /** A presence beat from another instance (bus kind "presence"); false when it does not parse. */
  presenceMessage(origin: string, data: unknown): boolean {
    return this.presence?.message(origin, data) ?? true;
  }

  /** Every presence interval: forgets instances that stopped beating and beats. */
  presenceBeat(): Promise<void> {
    return this.presence?.tick() ?? Promise.resolve();
  }

  /** A clean stop: the other instances drop this one's viewers at once. */
  presenceBye(): Promise<void> {
    return this.presence?.bye() ?? Promise.resolve();
  }

  /** Reads the list and every loaded incident again (events may have been missed while the broker was away). */
  private async reload(): Promise<void> {
    await this.load().catch(() => undefined);
    for (const [id, d] of this.details) {
      // Merged into what is shown (never removed: the channel and its viewers stay); a store
      // that fails here leaves the detail as it was, to be read again at the next resync.
      try {
        const [incident, entries, items] = await Promise.all([getIncident(this.store, id), listEntries(this.store, id), listActionItems(this.store, id)]);
        if (incident && (!d.incident || d.incident.version < incident.version)) d.incident = incident;
        for (const e of entries) mergeInto(d.entries, e);
        for (const a of items) mergeInto(d.items, a);
      } catch {
        continue;
      }
    }
    // What viewers hold was built before the reload: a fresh snapshot each.
    this.hub.refresh("incidents");
    this.hub.refresh(PREFIX);
  }

  private mergeListed(incident: Incident): void {
    if (typeof incident?.id !== "string" || typeof incident.version !== "number") return;
    const known = this.listed.get(incident.id);
    if (!known || known.version < incident.version) {
      this.listed.set(incident.id, incident);
      this.prune();
    }
  }

  async load(): Promise<void> {
    const [open, resolved, closed] = await Promise.all(
      (["active", "resolved", "closed"] as const).map((status) => listIncidents(this.store, { status, limit: status === "active" ? 1000 : RECENT_DONE })),
    );
    // By version: a list read that started before a newer event must not take the list back.
    for (const i of [...open, ...resolved, ...closed]) this.mergeListed(i);
    this.prune();
  }

  /** Open incidents and the most recent finished ones, newest first; `active` and `lastStartedAt` for the board. */
  listSnapshot(): { incidents: Incident[]; active: number; lastStartedAt: number | null } {
    const incidents = [...this.listed.values()].sort(newestFirst);
    return { incidents, active: incidents.filter(isOpen).length, lastStartedAt: incidents[0]?.startedAt ?? null };
  }

  // The hub drops an event on an `incident:<id>` channel nobody loaded here, unless the broker
  // carries it to the instances where it is loaded.
  incident(incident: Incident): void {
    this.mergeListed(incident);
    this.hub.publish("incidents", "upsert", { incident });
    const d = this.details.get(incident.id);
    if (d && (!d.incident || d.incident.version < incident.version)) d.incident = incident;
    this.hub.publish(PREFIX + incident.id, "incident", { incident, metrics: incidentMetrics(incident) });
  }

  entry(entry: TimelineEntry): void {
    const d = this.details.get(entry.incidentId);
    if (d) mergeInto(d.entries, entry);
    this.hub.publish(PREFIX + entry.incidentId, "entry", { entry });
  }

  item(item: ActionItem): void {
    const d = this.details.get(item.incidentId);
    if (d) mergeInto(d.items, item);
    this.hub.publish(PREFIX + item.incidentId, "action-item", { item });
  }

  /** Forgets `incident:<id>` channels nobody watched for `idleMs` (they load again from the store on the next subscribe). */
  evictIdle(idleMs: number): number {
    const dropped = this.hub.evictIdle(PREFIX, idleMs);
    for (const name of dropped) this.details.delete(name.slice(PREFIX.length));
    return dropped.length;
  }

  /** The postmortem was created or saved: editors see the new version (and know theirs is stale). */
  postmortem(p: { incidentId: string; version: number; status: string; updatedBy: string; updatedAt: number }): void {
    this.hub.publish(PREFIX + p.incidentId, "postmortem", { version: p.version, status: p.status, updatedBy: p.updatedBy, updatedAt: p.updatedAt });
  }

  runbookCheck(incidentId: string, check: RunbookCheck): void {
    this.hub.publish(PREFIX + incidentId, "runbook-check", check);
  }

  /** Who views the incident: its connections here, and with several instances those of every other one. */
  viewers(channel: Channel): Viewer[] {
    return this.presence ? this.presence.union(channel.name.slice(PREFIX.length)) : this.channelViewers(channel);
  }

  private channelViewers(channel: Channel): Viewer[] {
    return channel.subscribers().map(({ sub, since }) => ({ name: this.hub.nameOf(sub) ?? "anonymous", since }));
  }

  private localViewers(id: string): Viewer[] {
    const ch = this.hub.channel(PREFIX + id);
    return ch ? this.channelViewers(ch) : [];
  }

  private publishViewers(id: string): void {
    const viewers = this.presence ? this.presence.union(id) : this.localViewers(id);
    const viaBroker = this.hub.shared;
    this.hub.publish(PREFIX + id, "viewers", { viewers });
    this.presence?.published(id, viewers, viaBroker);
  }

  /**
   * Reads the incident from the store. Writes committed while it loads merge into the same
   * detail by version, so the first snapshot holds them whichever finished first.
   */
  private async loadChannel(id: string) {
    let d = this.details.get(id);
    if (!d) {
      d = { incident: null, entries: new Map(), items: new Map() };
      this.details.set(id, d);
    }
    try {
      const [incident, entries, items] = await Promise.all([getIncident(this.store, id), listEntries(this.store, id), listActionItems(this.store, id)]);
      if (!incident) {
        this.details.delete(id);
        return null;
      }
      if (!d.incident || d.incident.version < incident.version) d.incident = incident;
      for (const e of entries) mergeInto(d.entries, e);
      for (const a of items) mergeInto(d.items, a);
    } catch (err) {
      this.details.delete(id);
      throw err;
    }
    return {
      historyLimit: HISTORY_LIMIT,
      lossless: true,
      snapshot: () => this.detailSnapshot(id),
      onSubscribersChanged: () => this.publishViewers(id),
    };
  }

  private detailSnapshot(id: string) {
    const d = this.details.get(id)!;
    const incident = d.incident!;
    const ch = this.hub.channel(PREFIX + id);
    return {
      incident,
      timeline: [...d.entries.values()].sort(compareEntries),
      actionItems: [...d.items.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
      metrics: incidentMetrics(incident),
      viewers: this.presence ? this.presence.union(id) : ch ? this.channelViewers(ch) : [],
    };
  }

  private prune(): void {
    const done = [...this.listed.values()].filter((i) => !isOpen(i)).sort(newestFirst);
    for (const i of done.slice(RECENT_DONE)) this.listed.delete(i.id);
  }
}

function mergeInto<T extends { id: string; version: number }>(map: Map<string, T>, v: T): void {
  const known = map.get(v.id);
  if (!known || known.version < v.version) map.set(v.id, v);
}

function newestFirst(a: Incident, b: Incident): number {
  return b.startedAt - a.startedAt || b.number - a.number;
}
