import { Channel, type Backpressure, type Subscriber } from "./channel";
import type { Broker, BrokerFrame, BrokerHistory } from "./broker";
import { ClientMessageSchema, MAX_CLIENT_FRAME_BYTES, PROTOCOL_VERSION, type Cursor, type ErrorMessage } from "./protocol";
import { issuesToDetails } from "../errors";
import { Dispatcher, ListFanOut } from "./dispatch";
import { OutFrame } from "./frame";

export type HubOptions = {
  serverId: string;
  version: string;
  epoch: string;
  tickMs: number;
  heartbeatMs: number;
  now: () => number;
  backpressure?: Backpressure;
  maxSubscriptionsPerConnection?: number;
  /** Several instances: the broker sequences and fans out every event (lib/live/broker.ts). */
  broker?: Broker;
  /** Told when a publish could not reach the broker (it then went out locally). */
  onBrokerError?: (err: unknown) => void;
  /** Sends every fan-out in slices, in order (default: 1024 sends per event-loop turn). */
  dispatcher?: Dispatcher;
};

/** Applies another instance's event to this instance's state (e.g. an incident written elsewhere). */
export type RemoteApplier = (frame: BrokerFrame, parsed: () => { event: string; data: unknown } | null) => void;

/** Events of channels nobody loaded here keep this many for resume on other instances. */
const DEFAULT_BROKER_HISTORY = 1000;

export type ChannelSpec = {
  historyLimit: number;
  lossless: boolean;
  snapshot: () => unknown;
  /** Called when subscribers come, go or identify themselves (presence). */
  onSubscribersChanged?: (channel: Channel) => void;
};

/** Resolves a channel name to its spec, or null when no such channel exists. */
export type ChannelResolver = (name: string) => ChannelSpec | null;
/** For channels whose state must be loaded first (e.g. from the store) before the first snapshot. */
export type AsyncChannelResolver = (name: string) => Promise<ChannelSpec | null>;

const DEFAULT_BACKPRESSURE: Backpressure = { highWaterBytes: 1 << 20, lowWaterBytes: 64 << 10 };

/**
 * The live hub: channels, their subscribers, and the client protocol (docs/protocol.md).
 * Transport-free: a connection is anything that implements Subscriber.
 */
export class Hub {
  private readonly opts: HubOptions;
  private readonly channels = new Map<string, Channel>();
  private readonly resolvers: { prefix: string; resolve: ChannelResolver }[] = [];
  private readonly asyncResolvers: { prefix: string; resolve: AsyncChannelResolver }[] = [];
  private readonly loading = new Map<string, Promise<Channel | null>>();
  private readonly connections = new Map<Subscriber, Set<Channel>>();
  private readonly names = new Map<Subscriber, string>();
  /** Connections whose name comes from sign-in: `identify` cannot change it. */
  private readonly fixedNames = new WeakSet<Subscriber>();
  /** How often a channel name was evicted: a recreated channel gets a new epoch, so old cursors get a snapshot. */
  private readonly generations = new Map<string, number>();
  /** Messages of a connection wait here while one of its subscribes loads a channel, so they keep their order. */
  private readonly queues = new Map<Subscriber, Promise<void>>();
  private readonly appliers: { prefix: string; apply: RemoteApplier; own: boolean }[] = [];
  private readonly resyncs: (() => void)[] = [];
  private readonly asyncHistory = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private localGeneration = 0;
  /** The broker was unreachable at some point (so its return means a resync). */
  private wasDown = false;

  /** One queue for every channel's fan-outs and the heartbeats (lib/live/dispatch.ts). */
  readonly dispatcher: Dispatcher;

  constructor(opts: HubOptions) {
    this.opts = opts;
    this.dispatcher = opts.dispatcher ?? new Dispatcher();
  }

  /** Registers channels whose names start with `prefix` (e.g. "board", "service:"). */
  route(prefix: string, resolve: ChannelResolver): void {
    this.resolvers.push({ prefix, resolve });
  }

  /**
   * Registers channels created only once `resolve` has loaded them. Until a client subscribes,
   * such a channel does not exist and publishing on it is a no-op (nobody could miss the event).
   */
  routeAsync(prefix: string, resolve: AsyncChannelResolver, opts: { historyLimit?: number } = {}): void {
    this.asyncResolvers.push({ prefix, resolve });
    if (opts.historyLimit) this.asyncHistory.set(prefix, opts.historyLimit);
  }

  /**
   * Events published by other instances on channels under `prefix` are applied with `apply` before
   * they are relayed. `own`: also this instance's events as they come back, in the broker's order.
   */
  onRemote(prefix: string, apply: RemoteApplier, opts: { own?: boolean } = {}): void {
    this.appliers.push({ prefix, apply, own: opts.own ?? false });
  }

  /** Called when the broker is reachable again after an outage: events may have been missed, reload what they feed. */
  onResync(fn: () => void): void {
    this.resyncs.push(fn);
  }

  /** Whether events go through the broker right now. */
  get shared(): boolean {
    return this.opts.broker?.isUp() ?? false;
  }

  /** Resolves once every event published so far was accepted by the broker (or fell back); at most `timeoutMs`. */
  async settled(timeoutMs = 2_000): Promise<void> {
    if (this.inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** A frame from the broker (lib/cluster/redis-broker.ts): applied to local state, then relayed to local subscribers. */
  deliverRemote(f: BrokerFrame): void {
    const own = f.origin === this.opts.serverId;
    let parsed: { event: string; data: unknown } | null | undefined;
    const lazy = () => {
      if (parsed === undefined) {
        try {
          const j = JSON.parse(f.frame) as { event: string; data: unknown };
          parsed = { event: j.event, data: j.data };
        } catch {
          parsed = null;
        }
      }
      return parsed;
    };
    for (const a of this.appliers) {
      if ((own && !a.own) || !f.channel.startsWith(a.prefix)) continue;
      // Another instance's event that does not fit this one's state is dropped, never thrown into the broker's listener.
      try {
        a.apply(f, lazy);
      } catch (err) {
        this.opts.onBrokerError?.(err);
      }
    }
    const ch = this.channels.get(f.channel);
    if (!ch) return;
    ch.deliver(f.epoch, f.seq, f.frame);
    ch.catchUp();
  }

  /** Sends every subscriber of channels under `prefix` a fresh snapshot (their state was reloaded behind them). */
  refresh(prefix: string): void {
    for (const [name, ch] of this.channels) if (name.startsWith(prefix)) ch.refresh();
  }

  /** The broker went down (every channel sequences here, under a new epoch) or came back (channels resync). */
  /** Returns true when it resynced (the broker came back after an outage). */
  brokerState(up: boolean): boolean {
    if (!up) {
      this.localGeneration++;
      this.wasDown = true;
      for (const ch of this.channels.values()) ch.goLocal(`${this.opts.epoch}.l${this.localGeneration}`);
      return false;
    }
    for (const ch of this.channels.values()) ch.unsync();
    // The first connection at start misses nothing: state was just loaded from the store.
    if (!this.wasDown) return false;
    this.resync();
    return true;
  }

  /** Reloads what other instances' events feed (events may have been missed): the `onResync` hooks. */
  resync(): void {
    for (const fn of this.resyncs) fn();
  }

  /** An existing channel, or a new one from a synchronous route; null otherwise. */
  channel(name: string): Channel | null {
    const existing = this.channels.get(name);
    if (existing) return existing;
    for (const r of this.resolvers) {
      if (!name.startsWith(r.prefix)) continue;
      const spec = r.resolve(name);
      return spec ? this.create(name, spec) : null;
    }
    return null;
  }

  /** The display name a connection identified with, if any. */
  nameOf(sub: Subscriber): string | null {
    return this.names.get(sub) ?? null;
  }

  /**
   * Drops channels under `prefix` that have had no subscriber and no event for `idleMs`, so a
   * process that runs for months does not keep every incident it ever showed. The next subscriber
   * loads it afresh under a new epoch: a cursor from before can never be replayed against it.
   */
  evictIdle(prefix: string, idleMs: number): string[] {
    const now = this.opts.now();
    const dropped: string[] = [];
    for (const [name, ch] of this.channels) {
      if (!name.startsWith(prefix) || ch.subscriberCount > 0 || this.loading.has(name) || now - ch.lastActiveAt < idleMs) continue;
      this.channels.delete(name);
      this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
      dropped.push(name);
    }
    return dropped;
  }

  private create(name: string, spec: ChannelSpec): Channel {
    const generation = this.generations.get(name);
    const ch = new Channel({
      name,
      epoch: `${this.opts.epoch}${this.localGeneration ? `.l${this.localGeneration}` : ""}${generation ? `.${generation}` : ""}`,
      sequencing: this.shared ? "unsynced" : "local",
      historyLimit: spec.historyLimit,
      lossless: spec.lossless,
      snapshot: spec.snapshot,
      onSubscribersChanged: spec.onSubscribersChanged,
      dispatcher: this.dispatcher,
      backpressure: this.opts.backpressure ?? DEFAULT_BACKPRESSURE,
      now: this.opts.now,
    });
    this.channels.set(name, ch);
    return ch;
  }

  /** Loads a channel from an async route once, however many subscribe meanwhile; null when unroutable. */
  private load(name: string): Promise<Channel | null> | null {
    const pending = this.loading.get(name);
    if (pending) return pending;
    const route = this.asyncResolvers.find((r) => name.startsWith(r.prefix));
    if (!route) return null;
    const p = route
      .resolve(name)
      .then((spec) => (spec ? (this.channels.get(name) ?? this.create(name, spec)) : null))
      .finally(() => this.loading.delete(name));
    this.loading.set(name, p);
    return p;
  }

  /** Publishes on a channel (creating it if routable) and brings drained laggards up to date. */
  publish(name: string, event: string, data: unknown): number | null {
    const broker = this.opts.broker;
    if (broker?.isUp()) {
      const historyLimit = this.channel(name)?.historyLimit ?? this.asyncHistoryOf(name);
      if (historyLimit === null) return null;
      const p: Promise<void> = broker
        .publish({ channel: name, event, data: JSON.stringify(data), time: this.opts.now(), historyLimit })
        .catch((err: unknown) => {
          // Not sequenced by the broker: this instance's viewers still get it, under a local epoch.
          this.opts.onBrokerError?.(err);
          const ch = this.channel(name);
          if (!ch) return;
          this.toLocal(ch);
          ch.publish(event, data);
          ch.catchUp();
        })
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
      return null;
    }
    const ch = this.channel(name);
    if (!ch) return null;
    this.toLocal(ch);
    const seq = ch.publish(event, data);
    ch.catchUp();
    return seq;
  }

  /** A channel that was sequenced by the broker numbers its events here from now on, under a new local epoch. */
  private toLocal(ch: Channel): void {
    if (ch.sequencing !== "local") ch.goLocal(`${this.opts.epoch}.l${++this.localGeneration}`);
  }

  /** History kept for a channel of an async route (it may be loaded on another instance); null when unroutable. */
  private asyncHistoryOf(name: string): number | null {
    const route = this.asyncResolvers.find((r) => name.startsWith(r.prefix));
    return route ? (this.asyncHistory.get(route.prefix) ?? DEFAULT_BROKER_HISTORY) : null;
  }

  /** `name`: the signed-in name shown in presence; the connection then cannot rename itself. */
  connect(sub: Subscriber, opts: { name?: string } = {}): void {
    this.connections.set(sub, new Set());
    if (opts.name !== undefined) {
      this.names.set(sub, opts.name);
      this.fixedNames.add(sub);
    }
    sub.send(
      JSON.stringify({
        type: "hello",
        protocol: PROTOCOL_VERSION,
        serverId: this.opts.serverId,
        version: this.opts.version,
        heartbeatMs: this.opts.heartbeatMs,
        tickMs: this.opts.tickMs,
        time: this.opts.now(),
      }),
    );
  }

  /** The connection's buffer emptied: channels that held back for it catch it up now. */
  drained(sub: Subscriber): void {
    for (const ch of this.connections.get(sub) ?? []) ch.catchUpOne(sub);
  }

  disconnect(sub: Subscriber): void {
    const subs = this.connections.get(sub);
    if (!subs) return;
    this.connections.delete(sub);
    this.names.delete(sub);
    this.queues.delete(sub);
    for (const ch of subs) ch.unsubscribe(sub);
  }

  /** Handles one text frame from a client. Bad input gets an error frame; nothing throws. */
  receive(sub: Subscriber, raw: string): void {
    if (!this.connections.has(sub)) return;
    const queued = this.queues.get(sub);
    if (queued) return this.enqueue(sub, queued.then(() => this.handle(sub, raw)));
    const pending = this.handle(sub, raw);
    if (pending) this.enqueue(sub, pending);
  }

  private enqueue(sub: Subscriber, work: Promise<void>): void {
    const tail: Promise<void> = work
      .catch(() => this.error(sub, { code: "internal", message: "internal error" }))
      .finally(() => {
        if (this.queues.get(sub) === tail) this.queues.delete(sub);
      });
    this.queues.set(sub, tail);
  }

  private handle(sub: Subscriber, raw: string): Promise<void> | void {
    if (!this.connections.has(sub)) return;
    if (Buffer.byteLength(raw) > MAX_CLIENT_FRAME_BYTES) {
      return this.error(sub, { code: "bad_frame", message: `frame larger than ${MAX_CLIENT_FRAME_BYTES} bytes` });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.error(sub, { code: "bad_frame", message: "frame is not valid JSON" });
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      return this.error(sub, {
        code: "bad_message",
        message: "unknown or malformed message; expected subscribe, unsubscribe, ping or identify",
        details: issuesToDetails(parsed.error.issues),
      });
    }
    const msg = parsed.data;
    switch (msg.type) {
      case "ping":
        sub.send(JSON.stringify({ type: "pong", id: msg.id, time: this.opts.now() }));
        return;
      case "unsubscribe": {
        const ch = this.channels.get(msg.channel);
        if (ch) {
          ch.unsubscribe(sub);
          this.connections.get(sub)?.delete(ch);
        }
        sub.send(JSON.stringify({ type: "unsubscribed", channel: msg.channel }));
        return;
      }
      case "identify": {
        if (this.fixedNames.has(sub)) return;
        this.names.set(sub, msg.name);
        for (const ch of this.connections.get(sub) ?? []) ch.subscribersChanged();
        return;
      }
      case "subscribe": {
        const unknown = () => this.error(sub, { code: "unknown_channel", message: `no channel "${msg.channel}"`, channel: msg.channel });
        const ch = this.channel(msg.channel);
        if (ch) return this.subscribe(sub, ch, msg.since);
        const loading = this.load(msg.channel);
        if (!loading) return unknown();
        return loading.then((loaded) => (loaded ? this.subscribe(sub, loaded, msg.since) : unknown()));
      }
    }
  }

  private subscribe(sub: Subscriber, ch: Channel, since: Cursor | undefined): Promise<void> | void {
    const broker = this.opts.broker;
    if (broker?.isUp() && (ch.sequencing === "unsynced" || ch.needsBrokerHistory(since))) return this.subscribeShared(broker, sub, ch, since);
    this.attach(sub, ch, since);
  }

  /** Learns the channel's shared position first, and fetches older events from the broker for a cursor this instance cannot replay. */
  private async subscribeShared(broker: Broker, sub: Subscriber, ch: Channel, since: Cursor | undefined): Promise<void> {
    let fetched: BrokerHistory | undefined;
    try {
      if (ch.sequencing === "unsynced") {
        const pos = await broker.position(ch.name);
        if (ch.sequencing === "unsynced") ch.adopt(pos.epoch, pos.seq);
      }
      if (since && ch.needsBrokerHistory(since)) fetched = await broker.history(ch.name, since.seq);
    } catch (err) {
      // The broker failed under us: serve this instance's view (a snapshot under a local epoch).
      this.opts.onBrokerError?.(err);
      if (ch.sequencing === "unsynced") this.toLocal(ch);
    }
    this.attach(sub, ch, since, fetched);
  }

  private attach(sub: Subscriber, ch: Channel, since: Cursor | undefined, fetched?: BrokerHistory): void {
    const mine = this.connections.get(sub);
    if (!mine) return;
    const limit = this.opts.maxSubscriptionsPerConnection ?? 64;
    if (!mine.has(ch) && mine.size >= limit) {
      return this.error(sub, { code: "too_many_subscriptions", message: `at most ${limit} channels per connection`, channel: ch.name });
    }
    mine.add(ch);
    ch.subscribe(sub, since, fetched);
  }

  /**
   * Sends one heartbeat frame to every connection that was sent nothing for half a heartbeat
   * interval; busy connections (board viewers get a tick every second) are already known alive,
   * and skipping them avoids a send burst over every socket at once.
   */
  heartbeat(): void {
    const now = this.opts.now();
    const frame = new OutFrame(JSON.stringify({ type: "heartbeat", time: now }));
    const quietSince = now - this.opts.heartbeatMs / 2;
    this.dispatcher.enqueue(
      new ListFanOut(Array.from(this.connections.keys()), (sub) => {
        if (!this.connections.has(sub) || (sub.lastSentAt && sub.lastSentAt() > quietSince)) return;
        sub.send(frame);
      }),
    );
  }

  stats() {
    let subscriptions = 0;
    let coalesced = 0;
    let lagging = 0;
    for (const ch of this.channels.values()) {
      const s = ch.stats();
      subscriptions += s.subscribers;
      coalesced += s.coalesced;
      lagging += s.lagging;
    }
    // The most any one connection has queued and not yet sent (bounded by the high-water mark plus one frame, or the socket is closed).
    let maxQueuedBytes = 0;
    for (const sub of this.connections.keys()) maxQueuedBytes = Math.max(maxQueuedBytes, sub.bufferedAmount());
    return {
      connections: this.connections.size,
      channels: this.channels.size,
      subscriptions,
      coalescedFrames: coalesced,
      laggingSubscriptions: lagging,
      maxQueuedBytes,
      pendingFanOuts: this.dispatcher.pending,
    };
  }

  private error(sub: Subscriber, err: Omit<ErrorMessage, "type">): void {
    sub.send(JSON.stringify({ type: "error", ...err }));
  }
}
