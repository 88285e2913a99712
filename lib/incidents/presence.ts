import { z } from "zod";
import type { Viewer } from "./contract";

/** How often an instance tells the others who is viewing through it (docs/protocol.md "Presence"). */
export const PRESENCE_BEAT_MS = 5_000;
/** An instance whose beats stopped this many intervals ago is taken for dead and its viewers dropped. */
const EXPIRE_BEATS = 3;
/** How long our own `viewers` event may take to come back from the broker before we stop waiting for it. */
const ECHO_WAIT_MS = 2_000;
/** Instances taken for dead are remembered this long (their entries may still be on screen somewhere). */
const GONE_KEEP_MS = 3_600_000;

// No caps: one over-long name or a crowded incident must not make an instance's whole list unreadable.
const NameSchema = z.string();
/** An instance's beat on the bus: its viewers per incident (an incident left out has none), `hello` asks for everyone's at once, `bye` on a clean stop. */
export const PresenceBeatSchema = z.object({
  incidents: z.record(z.string(), z.array(z.object({ name: NameSchema, since: z.number() }))),
  hello: z.boolean().optional(),
  bye: z.boolean().optional(),
});
export type PresenceBeat = z.infer<typeof PresenceBeatSchema>;

const FrameSchema = z.object({ viewers: z.array(z.object({ name: NameSchema, since: z.number(), instance: z.string().optional() })) });

export type ClusterPresenceOptions = {
  instanceId: string;
  beatMs?: number;
  /** Monotonic milliseconds: liveness is about when messages arrive, not the war room's clock. */
  now: () => number;
  /** This instance's own viewers of an incident, oldest first. */
  local: (incidentId: string) => Viewer[];
  /** Incidents this instance has viewers on. */
  watched: () => string[];
  /** Publishes the incident's `viewers` event with `union(incidentId)` (and reports it with `published`). */
  publish: (incidentId: string) => void;
  send: (beat: PresenceBeat) => Promise<void>;
};

type Peer = { seenAt: number; lists: Map<string, Viewer[]> };

/**
 * Cluster-wide presence (docs/architecture.md "Several instances"). Each instance owns the
 * entries of its own connections: it publishes the union it knows, tagged by instance, and keeps
 * every other instance's latest list (from their `viewers` events and their beats on the bus).
 *
 * The `viewers` event everyone last got is `shown` (events are in one broker order, so every
 * instance sees the same last one). Whoever sees it wrong fixes it, once: an instance whose own
 * entries it misstates republishes; entries of an instance that stopped beating (or said bye)
 * are removed by the lowest-named instance that has viewers on that incident. While an event of
 * ours is on its way back from the broker, what came before it needs no fix.
 */
export class ClusterPresence {
  private readonly opts: ClusterPresenceOptions;
  private readonly beatMs: number;
  private readonly peers = new Map<string, Peer>();
  private readonly gone = new Map<string, number>();
  /** The last `viewers` event on each incident's channel, when it listed anyone. */
  private readonly shown = new Map<string, Viewer[]>();
  private readonly awaiting = new Map<string, { count: number; at: number }>();

  constructor(opts: ClusterPresenceOptions) {
    this.opts = opts;
    this.beatMs = opts.beatMs ?? PRESENCE_BEAT_MS;
  }

  get instanceId(): string {
    return this.opts.instanceId;
  }

  /** Everyone viewing the incident on any live instance, one entry per connection, oldest first. */
  union(id: string): Viewer[] {
    const all = tag(this.opts.local(id), this.opts.instanceId);
    for (const [instance, peer] of this.peers) all.push(...tag(peer.lists.get(id) ?? [], instance));
    return all.sort(byAge);
  }

  /** Our `viewers` event went out: through the broker (it comes back as `frame`), or only to our own viewers. */
  published(id: string, viewers: Viewer[], viaBroker: boolean): void {
    if (!viaBroker) return this.show(id, viewers);
    const a = this.awaiting.get(id);
    const now = this.opts.now();
    this.awaiting.set(id, { count: a && now - a.at < ECHO_WAIT_MS ? a.count + 1 : 1, at: now });
  }

  /** A `viewers` event from the broker, ours included. */
  frame(origin: string, id: string, data: unknown): void {
    const parsed = FrameSchema.safeParse(data);
    if (!parsed.success) return;
    const viewers = parsed.data.viewers.map((v) => ({ name: v.name, since: v.since, instance: v.instance ?? origin }));
    if (origin === this.opts.instanceId) {
      const a = this.awaiting.get(id);
      if (a && --a.count <= 0) this.awaiting.delete(id);
    } else {
      const peer = this.alive(origin);
      setList(peer, id, untag(viewers.filter((v) => v.instance === origin)));
    }
    this.show(id, viewers);
    this.reconcile(id, false);
  }

  /** A beat from another instance; false when it does not parse. */
  message(origin: string, data: unknown): boolean {
    const parsed = PresenceBeatSchema.safeParse(data);
    if (!parsed.success) return false;
    const beat = parsed.data;
    if (beat.bye) {
      if (this.peers.delete(origin)) this.gone.set(origin, this.opts.now());
      this.reconcileAll();
      return true;
    }
    const peer = this.alive(origin);
    const changed: string[] = [];
    for (const id of new Set([...peer.lists.keys(), ...Object.keys(beat.incidents)])) {
      if (setList(peer, id, beat.incidents[id] ?? [])) changed.push(id);
    }
    // A list that differs from what that instance's events said: one of its events was lost (it was
    // cut off from the broker); it may not know what everyone was shown meanwhile.
    for (const id of changed) this.reconcile(id, true);
    if (beat.hello) void this.opts.send(this.beat()).catch(() => undefined);
    return true;
  }

  /**
   * Every interval: drops instances that stopped beating, checks the last events (an event of ours
   * that never reached the broker is made good here), then beats.
   */
  tick(): Promise<void> {
    const now = this.opts.now();
    for (const [instance, peer] of this.peers) {
      if (now - peer.seenAt <= EXPIRE_BEATS * this.beatMs) continue;
      this.peers.delete(instance);
      this.gone.set(instance, now);
    }
    for (const [instance, at] of this.gone) if (now - at > GONE_KEEP_MS) this.gone.delete(instance);
    this.reconcileAll();
    return this.opts.send(this.beat());
  }

  /**
   * The broker is reachable (at start, or again after an outage): ask everyone for their lists,
   * and tell them ours (what changed meanwhile was only shown here).
   */
  resync(): Promise<void> {
    for (const id of this.opts.watched()) this.opts.publish(id);
    return this.opts.send({ ...this.beat(), hello: true });
  }

  /** A clean stop: the others drop our lists at once. */
  bye(): Promise<void> {
    return this.opts.send({ incidents: {}, bye: true });
  }

  private beat(): PresenceBeat {
    const incidents: Record<string, Viewer[]> = {};
    for (const id of this.opts.watched()) {
      const list = this.opts.local(id).map(({ name, since }) => ({ name, since }));
      if (list.length) incidents[id] = list;
    }
    return { incidents };
  }

  private alive(instance: string): Peer {
    let peer = this.peers.get(instance);
    if (!peer) {
      peer = { seenAt: 0, lists: new Map() };
      this.peers.set(instance, peer);
      this.gone.delete(instance);
    }
    peer.seenAt = this.opts.now();
    return peer;
  }

  private show(id: string, viewers: Viewer[]): void {
    if (viewers.length) this.shown.set(id, viewers);
    else this.shown.delete(id);
  }

  private reconcileAll(): void {
    for (const id of new Set([...this.shown.keys(), ...this.opts.watched()])) this.reconcile(id, false);
  }

  /** Publishes the union when the last event shows it wrong and fixing it falls to us. `repair`: another instance's list changed without an event. */
  private reconcile(id: string, repair: boolean): void {
    const a = this.awaiting.get(id);
    if (a && this.opts.now() - a.at < ECHO_WAIT_MS) return;
    this.awaiting.delete(id);
    const me = this.opts.instanceId;
    const shown = this.shown.get(id) ?? [];
    if (!sameEntries(shown.filter((v) => v.instance === me), tag(this.opts.local(id), me))) return this.opts.publish(id);
    if (!repair && !shown.some((v) => v.instance !== undefined && this.gone.has(v.instance))) return;
    const union = this.union(id);
    if (sameEntries(shown, union)) return;
    const watching = [...new Set(union.map((v) => v.instance!))].sort();
    if (watching[0] === me) this.opts.publish(id);
  }
}

function tag(viewers: Viewer[], instance: string): Viewer[] {
  return viewers.map((v) => ({ name: v.name, since: v.since, instance }));
}

function untag(viewers: Viewer[]): Viewer[] {
  return viewers.map((v) => ({ name: v.name, since: v.since }));
}

/** Replaces an instance's list for an incident; true when it changed. */
function setList(peer: Peer, id: string, viewers: Viewer[]): boolean {
  const before = peer.lists.get(id) ?? [];
  if (viewers.length) peer.lists.set(id, viewers);
  else peer.lists.delete(id);
  return !sameEntries(before, viewers);
}

function byAge(a: Viewer, b: Viewer): number {
  return a.since - b.since || ((a.instance ?? "") < (b.instance ?? "") ? -1 : (a.instance ?? "") > (b.instance ?? "") ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function sameEntries(a: Viewer[], b: Viewer[]): boolean {
  if (a.length !== b.length) return false;
  const key = (v: Viewer) => JSON.stringify([v.instance ?? "", v.name, v.since]);
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.every((k, i) => k === kb[i]);
}
