import type {
  ClientMessage,
  Cursor,
  ErrorMessage,
  EventMessage,
  HelloMessage,
  ResumedMessage,
  ServerMessage,
  SnapshotMessage,
} from "./protocol";
import { ServerMessageSchema } from "./protocol";

/**
 * Browser side of the `/ws` protocol (docs in lib/live/protocol.ts): one socket, many
 * channel subscriptions, resume from the last (epoch, seq) after a reconnect, gap healing,
 * and a watchdog for half-open connections. No React here; hooks live in components/live.
 */

/** `signed-out`: the server closed with 4401 (the session ended); reconnecting with the same cookie cannot help. */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline" | "signed-out";

/** Close code of an ended session (docs/protocol.md). */
export const CLOSE_SESSION_ENDED = 4401;

/**
 * Close codes that mean "this server is going away, reconnect now" (RFC 6455 §7.4.1): 1012
 * service restart (our graceful shutdown, lib/server/ws.ts CLOSE_RESTART) and 1001 going away
 * (a proxy or balancer draining). docs/protocol.md "Reconnect policy" describes the rule.
 */
export const RECONNECT_NOW_CODES: ReadonlySet<number> = new Set([1001, 1012]);

export type ConnectionInfo = {
  state: ConnectionState;
  /** Failed connection attempts since the last stable connection (0 while live). */
  attempt: number;
  /** Local time of the next reconnect attempt, when one is scheduled. */
  nextRetryAt: number | null;
  hello: HelloMessage | null;
};

export type ChannelHandlers<S = unknown, E = unknown> = {
  onSnapshot(data: S, msg: SnapshotMessage<S>): void;
  onEvent(event: string, data: E, msg: EventMessage<E>): void;
  onError?(msg: ErrorMessage): void;
};

/** The part of the browser WebSocket the client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;

type TimerHandle = unknown;

/** Presence (docs/incidents-contract.md); declared here until lib/live/protocol.ts lists it. */
type IdentifyMessage = { type: "identify"; name: string };

export type LiveClientOptions = {
  url: string | (() => string);
  WebSocket?: SocketConstructor;
  random?: () => number;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => TimerHandle;
  clearTimeout?: (handle: TimerHandle) => void;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A connection that stayed up this long resets the backoff. */
  stableAfterMs?: number;
  /** Used for the watchdog until `hello` says otherwise. */
  heartbeatMs?: number;
  watchdogGraceMs?: number;
  /** After this many failed attempts in a row the state reads `offline` (retries continue). */
  offlineAfterAttempts?: number;
  /** After a 1012/1001 close the first reconnect waits uniform [0, this) ms: spreads the viewers, no backoff. */
  restartJitterMs?: number;
  /** How long after a 1012/1001 close failed attempts are retried at the short interval instead of backing off. */
  restartWindowMs?: number;
  /** The short interval inside the restart window: uniform [min, max) ms. */
  restartRetryMinMs?: number;
  restartRetryMaxMs?: number;
  onHandlerError?: (err: unknown) => void;
};

const OPEN = 1;

/** Full-jitter backoff: uniform in [0, min(cap, base · 2^attempt)). */
export function backoffDelay(attempt: number, random: () => number, baseMs = 500, capMs = 10_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

type Subscription = {
  listeners: Set<ChannelHandlers>;
  cursor: Cursor | null;
  /** A gap was seen and a resume was requested; out-of-order events are dropped meanwhile. */
  healing: boolean;
};

export class LiveClient {
  private readonly opts: Required<Omit<LiveClientOptions, "WebSocket" | "url" | "onHandlerError">> & {
    url: () => string;
    WebSocket: SocketConstructor | null;
    onHandlerError: (err: unknown) => void;
  };
  private socket: SocketLike | null = null;
  private readonly subs = new Map<string, Subscription>();
  private readonly changeListeners = new Set<() => void>();
  private info: ConnectionInfo = { state: "offline", attempt: 0, nextRetryAt: null, hello: null };
  private started = false;
  private reconnectTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private stableTimer: TimerHandle | null = null;
  private clockOffset = 0;
  private serverTimeKnown = false;
  /**
   * Set by a 1012/1001 close: until this local time, failed attempts retry at the short
   * interval. Cleared once a connection is stable; while set (even past its end) a further
   * 1012/1001 opens no new window, so a server that closes every socket at once cannot pull
   * its clients into a tight loop.
   */
  private restartWindowUntil: number | null = null;
  /**
   * The attempt count at which the backoff starts over: set when a restart window runs out, so
   * the backoff then begins at its first step instead of at the cap the window's many short
   * attempts would give (a replacement that starts in 17 s then waits ~1 s, not ~5 s).
   */
  private backoffFrom: number | null = null;
  /** Display name for presence; sent as `identify` on every (re)connect. */
  private identity: string | null = null;

  /** Local time of the last frame of any kind (heartbeats included). */
  lastMessageAt: number | null = null;
  /** Local time of the last snapshot or event: the age of the data on screen. */
  lastDataAt: number | null = null;
  /** Frames that were not valid JSON or not a known message; counted, then ignored. */
  malformedFrames = 0;

  constructor(options: LiveClientOptions) {
    const url = options.url;
    this.opts = {
      url: typeof url === "function" ? url : () => url,
      WebSocket: options.WebSocket ?? (typeof WebSocket === "undefined" ? null : (WebSocket as unknown as SocketConstructor)),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      setTimeout: options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
      clearTimeout: options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>)),
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffCapMs: options.backoffCapMs ?? 10_000,
      stableAfterMs: options.stableAfterMs ?? 5_000,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      watchdogGraceMs: options.watchdogGraceMs ?? 5_000,
      offlineAfterAttempts: options.offlineAfterAttempts ?? 6,
      restartJitterMs: options.restartJitterMs ?? 1_000,
      restartWindowMs: options.restartWindowMs ?? 15_000,
      restartRetryMinMs: options.restartRetryMinMs ?? 250,
      restartRetryMaxMs: options.restartRetryMaxMs ?? 750,
      onHandlerError: options.onHandlerError ?? ((err) => console.error("live: channel handler failed", err)),
    };
  }

  // ---- lifecycle ------------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    this.open();
  }

  stop(): void {
    this.started = false;
    this.clearTimer("reconnectTimer");
    this.dropSocket(1000, "client stopped");
    this.restartWindowUntil = null;
    this.backoffFrom = null;
    for (const sub of this.subs.values()) sub.healing = false;
    this.setInfo({ state: "offline", attempt: 0, nextRetryAt: null });
  }

  /** Skip the backoff wait (e.g. the browser came back online). */
  reconnectNow(): void {
    if (!this.started || this.socket) return;
    this.clearTimer("reconnectTimer");
    this.open();
  }

  getInfo = (): ConnectionInfo => this.info;

  /** Subscribe to connection-state changes (shaped for React's useSyncExternalStore). */
  onChange = (listener: () => void): (() => void) => {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  };

  /** Server time estimated from the last frame that carried one; immune to a wrong local clock. */
  serverNow(): number {
    return this.opts.now() + this.clockOffset;
  }

  /** Whether a frame has told the server's time yet (before that, serverNow() is only the local clock). */
  hasServerTime(): boolean {
    return this.serverTimeKnown;
  }

  /** Who is watching (presence on incident channels): sent now if connected, and on every reconnect. */
  identify(name: string | null): void {
    const next = name?.trim().slice(0, 100) || null;
    if (next === this.identity) return;
    this.identity = next;
    if (next) this.send({ type: "identify", name: next });
  }

  // ---- channels -------------------------------------------------------------

  /** `since`: the position of state the caller already holds (e.g. rendered with the page): missed events only, or a snapshot. */
  subscribe<S = unknown, E = unknown>(channel: string, handlers: ChannelHandlers<S, E>, opts: { since?: Cursor | null } = {}): () => void {
    const h = handlers as unknown as ChannelHandlers;
    let sub = this.subs.get(channel);
    if (!sub) {
      const since = opts.since ? { ...opts.since } : null;
      sub = { listeners: new Set([h]), cursor: since, healing: false };
      this.subs.set(channel, sub);
      this.send(since ? { type: "subscribe", channel, since: { ...since } } : { type: "subscribe", channel });
    } else {
      sub.listeners.add(h);
      // The new listener needs the full state, and the client keeps none: ask for a fresh snapshot.
      this.send({ type: "subscribe", channel });
    }
    return () => {
      const current = this.subs.get(channel);
      if (!current || !current.listeners.delete(h)) return;
      if (current.listeners.size === 0) {
        this.subs.delete(channel);
        this.send({ type: "unsubscribe", channel });
      }
    };
  }

  /** Last processed position of a channel (null before its first snapshot). */
  cursorOf(channel: string): Cursor | null {
    const c = this.subs.get(channel)?.cursor;
    return c ? { ...c } : null;
  }

  // ---- socket ---------------------------------------------------------------

  private open(): void {
    const Ctor = this.opts.WebSocket;
    if (!Ctor) {
      this.setInfo({ state: "offline" });
      return;
    }
    this.setInfo({ state: this.info.attempt === 0 ? "connecting" : this.info.state, nextRetryAt: null });
    let socket: SocketLike;
    try {
      socket = new Ctor(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.handleOpen(socket);
    socket.onmessage = (ev) => this.handleFrame(socket, ev.data);
    socket.onclose = (ev) => this.handleClose(socket, ev?.code);
    socket.onerror = () => {
      /* a close event always follows */
    };
    this.armWatchdog();
  }

  private handleOpen(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.setInfo({ state: "live", nextRetryAt: null });
    this.clearTimer("stableTimer");
    this.stableTimer = this.opts.setTimeout(() => {
      this.stableTimer = null;
      if (socket !== this.socket) return;
      this.restartWindowUntil = null;
      this.backoffFrom = null;
      this.setInfo({ attempt: 0 });
    }, this.opts.stableAfterMs);
    // Before the subscriptions, so incident channels count this viewer by name from the start.
    if (this.identity) this.send({ type: "identify", name: this.identity });
    for (const [channel, sub] of this.subs) {
      sub.healing = false;
      this.send(sub.cursor ? { type: "subscribe", channel, since: { ...sub.cursor } } : { type: "subscribe", channel });
    }
  }

  private handleClose(socket: SocketLike, code?: number): void {
    if (socket !== this.socket) return;
    this.detach(socket);
    this.socket = null;
    this.clearTimer("watchdogTimer");
    this.clearTimer("stableTimer");
    if (code === CLOSE_SESSION_ENDED) this.setInfo({ state: "signed-out", nextRetryAt: null });
    else if (!this.started) this.setInfo({ state: "offline" });
    else if (code !== undefined && RECONNECT_NOW_CODES.has(code) && this.restartWindowUntil === null) this.reconnectAfterRestart();
    else this.scheduleReconnect();
  }

  /**
   * 1012/1001: the server is being replaced, not failing. Reconnect within [0, restartJitterMs)
   * rather than after a backoff that may still be long from earlier trouble (a viewer would
   * wait up to the 10 s cap while the replacement is already up); the jitter spreads the
   * re-snapshots of all viewers over that second. Not a failed attempt: the counter restarts.
   */
  private reconnectAfterRestart(): void {
    this.restartWindowUntil = this.opts.now() + this.opts.restartWindowMs;
    this.backoffFrom = null;
    this.setInfo({ attempt: 0 });
    this.scheduleReconnect(Math.floor(this.opts.random() * this.opts.restartJitterMs));
  }

  /**
   * Next attempt after a failure: at the short interval while a restart window is open (the
   * replacement is starting, or the balancer has not yet marked the old instance down), the
   * full-jitter backoff otherwise (starting over at its first step when a window has run
   * out). `immediateMs` is the first reconnect after a 1012/1001.
   */
  private scheduleReconnect(immediateMs?: number): void {
    this.clearTimer("reconnectTimer");
    const attempt = this.info.attempt;
    const o = this.opts;
    const inRestartWindow = this.restartWindowUntil !== null && o.now() < this.restartWindowUntil;
    let delay: number;
    let next = attempt + 1;
    if (immediateMs !== undefined) {
      delay = immediateMs;
      next = attempt;
    } else if (inRestartWindow) {
      delay = o.restartRetryMinMs + Math.floor(o.random() * Math.max(0, o.restartRetryMaxMs - o.restartRetryMinMs));
    } else {
      if (this.restartWindowUntil !== null) this.backoffFrom ??= attempt;
      delay = backoffDelay(attempt - (this.backoffFrom ?? 0), o.random, o.backoffBaseMs, o.backoffCapMs);
    }
    this.setInfo({
      attempt: next,
      // A restart is expected to take a few seconds: not "offline" while the window lasts.
      state: !inRestartWindow && next > o.offlineAfterAttempts ? "offline" : "reconnecting",
      nextRetryAt: o.now() + delay,
    });
    this.reconnectTimer = this.opts.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.started && !this.socket) this.open();
    }, delay);
  }

  /** Close without waiting for the close handshake: a dead peer may never answer it. */
  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.detach(socket);
    this.clearTimer("watchdogTimer");
    this.clearTimer("stableTimer");
    try {
      socket.close(code, reason);
    } catch {
      /* already closed */
    }
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
  }

  private armWatchdog(): void {
    this.clearTimer("watchdogTimer");
    const heartbeat = this.info.hello?.heartbeatMs ?? this.opts.heartbeatMs;
    this.watchdogTimer = this.opts.setTimeout(() => {
      this.watchdogTimer = null;
      if (!this.socket) return;
      this.dropSocket(4000, "no frames within the heartbeat window");
      if (this.started) this.scheduleReconnect();
    }, 2 * heartbeat + this.opts.watchdogGraceMs);
  }

  private send(msg: ClientMessage | IdentifyMessage): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return; // sent on (re)open instead
    try {
      socket.send(JSON.stringify(msg));
    } catch {
      /* the close handler reconnects */
    }
  }

  // ---- incoming -------------------------------------------------------------

  private handleFrame(socket: SocketLike, raw: unknown): void {
    if (socket !== this.socket) return;
    const now = this.opts.now();
    this.lastMessageAt = now;
    this.armWatchdog();
    const msg = parseServerMessage(raw);
    if (!msg) {
      this.malformedFrames++;
      return;
    }
    if ("time" in msg && typeof msg.time === "number" && Number.isFinite(msg.time)) {
      this.clockOffset = msg.time - now;
      this.serverTimeKnown = true;
    }
    switch (msg.type) {
      case "hello":
        this.setInfo({ hello: msg });
        this.armWatchdog();
        return;
      case "snapshot":
        this.lastDataAt = now;
        this.handleSnapshot(msg);
        return;
      case "event":
        this.lastDataAt = now;
        this.handleEvent(msg);
        return;
      case "resumed":
        this.handleResumed(msg);
        return;
      case "error":
        if (msg.channel) this.forEachListener(msg.channel, (l) => l.onError?.(msg));
        return;
      default:
        return; // heartbeat, pong, unsubscribed: only keep the watchdog fed
    }
  }

  private handleSnapshot(msg: SnapshotMessage): void {
    const sub = this.subs.get(msg.channel);
    if (!sub) return;
    sub.cursor = { epoch: msg.epoch, seq: msg.seq };
    sub.healing = false;
    this.forEachListener(msg.channel, (l) => l.onSnapshot(msg.data, msg));
  }

  private handleEvent(msg: EventMessage): void {
    const sub = this.subs.get(msg.channel);
    if (!sub || !sub.cursor) return; // nothing to apply it to before the snapshot
    const { cursor } = sub;
    if (msg.epoch === cursor.epoch && msg.seq <= cursor.seq) return; // duplicate
    if (msg.epoch !== cursor.epoch || msg.seq !== cursor.seq + 1) {
      if (!sub.healing) {
        sub.healing = true;
        this.send({ type: "subscribe", channel: msg.channel, since: { ...cursor } });
      }
      return;
    }
    cursor.seq = msg.seq;
    this.forEachListener(msg.channel, (l) => l.onEvent(msg.event, msg.data, msg));
  }

  private handleResumed(msg: ResumedMessage): void {
    const sub = this.subs.get(msg.channel);
    if (!sub) return;
    sub.healing = false;
    const c = sub.cursor;
    if (!c || c.epoch !== msg.epoch || c.seq < msg.seq) {
      // The replay did not bring us to where the server is: start over from a snapshot.
      this.send({ type: "subscribe", channel: msg.channel });
    }
  }

  private forEachListener(channel: string, fn: (l: ChannelHandlers) => void): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    for (const l of [...sub.listeners]) {
      try {
        fn(l);
      } catch (err) {
        this.opts.onHandlerError(err);
      }
    }
  }

  // ---- helpers --------------------------------------------------------------

  private setInfo(patch: Partial<ConnectionInfo>): void {
    const next = { ...this.info, ...patch };
    const changed = (Object.keys(patch) as (keyof ConnectionInfo)[]).some((k) => next[k] !== this.info[k]);
    if (!changed) return;
    this.info = next;
    for (const l of [...this.changeListeners]) l();
  }

  private clearTimer(name: "reconnectTimer" | "watchdogTimer" | "stableTimer"): void {
    const h = this[name];
    if (h !== null) this.opts.clearTimeout(h);
    this[name] = null;
  }
}

/** Parse-guard for server frames: anything malformed returns null and is ignored. */
export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  const r = ServerMessageSchema.safeParse(v);
  return r.success ? r.data : null;
}

/** `ws://` or `wss://` URL of `/ws` on the page's own origin. */
export function defaultLiveUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/ws`;
}
