/**
 * A WebSocket viewer speaking the live protocol (docs/protocol.md, lib/live/protocol.ts) the way
 * a browser tab does: subscribes to its channels, keeps each channel's cursor, and on close
 * reconnects (at once after 1012, otherwise after a random delay up to 1 s) and subscribes again
 * with `since` the last cursor. It records what a failover test checks: when board ticks arrived,
 * and for lossless channels (`incident:<id>`) every sequence number and timeline entry.
 */
import WebSocket from "ws";

type Cursor = { epoch: string; seq: number };
export type Frame = { type: string; channel?: string; epoch?: string; seq?: number; time?: number; event?: string; data?: unknown; replayed?: number; code?: string; message?: string };

export type BoardTick = { /** Date.now() at receipt. */ at: number; /** sample time of the tick */ t: number; /** publish time (frame `time`) */ time: number; seq: number };

export type LiveViewerOptions = {
  /** ws://…/ws, or a function giving it for each (re)connect. */
  url: string | (() => string);
  channels: string[];
  /** Source address of the socket (a distinct loopback address per group of viewers). */
  localAddress?: string;
  /** Keep every board tick in `ticks` (default true; the benchmark keeps only counts). */
  keepTicks?: boolean;
  onTick?: (tick: BoardTick, viewer: LiveViewer) => void;
  onFrame?: (frame: Frame, receivedAt: number, viewer: LiveViewer) => void;
};

const lossless = (channel: string) => channel === "alerts" || channel === "incidents" || channel.startsWith("incident:");

export class LiveViewer {
  readonly opts: LiveViewerOptions;
  readonly cursors = new Map<string, Cursor>();
  readonly ticks: BoardTick[] = [];
  tickCount = 0;
  lastTick: BoardTick | null = null;
  /** Problems in what a lossless channel delivered: a sequence number repeated or skipped, a cursor going back. */
  readonly violations: string[] = [];
  /** Error frames from the server. */
  readonly errors: string[] = [];
  /** Timeline entry id → how many `entry` events delivered it. */
  readonly entryEvents = new Map<string, number>();
  /** Every timeline entry id seen, in a snapshot or an event. */
  readonly entriesSeen = new Set<string>();
  /** Connections opened (the first one included). */
  opens = 0;
  /** Subscriptions answered by an exact replay (`resumed`) and by a fresh snapshot after a reconnect. */
  resumes = 0;
  resnapshots = 0;
  /** Close codes of every connection that ended. */
  readonly closeCodes: number[] = [];
  /** Upgrade refusals and socket errors, by message. */
  readonly connectErrors = new Map<string, number>();
  ws: WebSocket | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly subscribedOnce = new Set<string>();
  private waiters: { pred: (f: Frame) => boolean; resolve: (r: { frame: Frame; at: number } | null) => void }[] = [];

  constructor(opts: LiveViewerOptions) {
    this.opts = opts;
    this.connect();
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Has a snapshot of every channel (first subscription answered). */
  get ready(): boolean {
    return this.opts.channels.every((c) => this.subscribedOnce.has(c));
  }

  /** Closes for good (no reconnect). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.terminate();
  }

  /** The next frame matching `pred` (from now on) with its receipt time, or null after `timeoutMs`. */
  next(pred: (f: Frame) => boolean, timeoutMs: number): Promise<{ frame: Frame; at: number } | null> {
    return new Promise((resolve) => {
      const w = { pred, resolve: (r: { frame: Frame; at: number } | null) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Board ticks whose sample time is after `t` (epoch ms), in arrival order. */
  ticksAfter(t: number): BoardTick[] {
    return this.ticks.filter((x) => x.t > t);
  }

  private connect(): void {
    const url = typeof this.opts.url === "function" ? this.opts.url() : this.opts.url;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000, localAddress: this.opts.localAddress });
    this.ws = ws;
    ws.on("open", () => {
      this.opens++;
      for (const channel of this.opts.channels) {
        const since = this.cursors.get(channel);
        ws.send(JSON.stringify(since ? { type: "subscribe", channel, since } : { type: "subscribe", channel }));
      }
    });
    ws.on("message", (raw: Buffer) => this.onFrame(JSON.parse(raw.toString()) as Frame));
    ws.on("error", (err) => this.connectErrors.set(err.message, (this.connectErrors.get(err.message) ?? 0) + 1));
    ws.on("close", (code) => {
      this.closeCodes.push(code);
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      // 1012: the server is going away on purpose, reconnect now (elsewhere); otherwise up to 1 s of jitter.
      const delay = code === 1012 ? Math.random() * 50 : Math.random() * 1000;
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }

  private onFrame(f: Frame): void {
    const at = Date.now();
    this.opts.onFrame?.(f, at, this);
    if (this.waiters.length) {
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve({ frame: f, at });
        return false;
      });
    }
    const channel = f.channel ?? "";
    if (f.type === "snapshot") this.onSnapshot(channel, f);
    else if (f.type === "event") this.onEvent(channel, f, at);
    else if (f.type === "resumed") this.onResumed(channel, f);
    else if (f.type === "error") this.errors.push(`${f.code}: ${f.message}`);
  }

  private onSnapshot(channel: string, f: Frame): void {
    const prev = this.cursors.get(channel);
    if (this.subscribedOnce.has(channel)) this.resnapshots++;
    this.subscribedOnce.add(channel);
    if (lossless(channel) && prev && prev.epoch === f.epoch && f.seq! < prev.seq) {
      this.violations.push(`${channel}: snapshot at seq ${f.seq} after seq ${prev.seq} had been delivered (epoch ${f.epoch})`);
    }
    this.cursors.set(channel, { epoch: f.epoch!, seq: f.seq! });
    const timeline = (f.data as { timeline?: { id: string }[] } | undefined)?.timeline;
    if (channel.startsWith("incident:") && Array.isArray(timeline)) for (const e of timeline) this.entriesSeen.add(e.id);
  }

  private onEvent(channel: string, f: Frame, at: number): void {
    const prev = this.cursors.get(channel);
    if (lossless(channel)) {
      if (!prev) this.violations.push(`${channel}: event seq ${f.seq} before any snapshot`);
      else if (prev.epoch !== f.epoch) this.violations.push(`${channel}: event in epoch ${f.epoch} while the cursor is in ${prev.epoch}, without a snapshot`);
      else if (f.seq! <= prev.seq) this.violations.push(`${channel}: seq ${f.seq} repeated (last was ${prev.seq})`);
      else if (f.seq! > prev.seq + 1) this.violations.push(`${channel}: seq ${prev.seq + 1}..${f.seq! - 1} skipped`);
    }
    this.cursors.set(channel, { epoch: f.epoch!, seq: f.seq! });
    if (channel === "board" && f.event === "tick") {
      const tick: BoardTick = { at, t: (f.data as { t: number }).t, time: f.time!, seq: f.seq! };
      this.tickCount++;
      this.lastTick = tick;
      if (this.opts.keepTicks !== false) this.ticks.push(tick);
      this.opts.onTick?.(tick, this);
    } else if (channel.startsWith("incident:") && f.event === "entry") {
      const id = (f.data as { entry: { id: string } }).entry.id;
      this.entryEvents.set(id, (this.entryEvents.get(id) ?? 0) + 1);
      this.entriesSeen.add(id);
    }
  }

  private onResumed(channel: string, f: Frame): void {
    this.resumes++;
    const prev = this.cursors.get(channel);
    if (lossless(channel) && prev && (prev.epoch !== f.epoch || prev.seq !== f.seq)) {
      this.violations.push(`${channel}: resumed at ${f.epoch}/${f.seq} but the replay ended at ${prev.epoch}/${prev.seq}`);
    }
  }
}
