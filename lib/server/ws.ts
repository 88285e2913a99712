import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import type { Hub } from "../live/hub";
import type { Subscriber } from "../live/channel";
import type { Frame } from "../live/frame";
import { sendFrame } from "./ws-send";
import { MAX_CLIENT_FRAME_BYTES } from "../live/protocol";
import type { Logger } from "../log";
import { authorize, type Identity } from "../auth/policy";
import { WarRoomError } from "../errors";
import { MESSAGE_POLICY } from "./policy";

/** Close code telling clients the server is restarting and they should reconnect (RFC 6455 1012). */
export const CLOSE_RESTART = 1012;
/** Reason sent with 1012; the browser client reconnects within a second on the code (lib/live/client.ts RECONNECT_NOW_CODES). */
export const CLOSE_RESTART_REASON = "server restarting: reconnect now";
const CLOSE_POLICY = 1008;
/** The session behind the socket ended (signed out, revoked or expired): sign in again (docs/protocol.md). */
export const CLOSE_SESSION_ENDED = 4401;
/** The client reads too slowly: more than `maxQueuedBytes` wait in its socket (docs/protocol.md "Slow clients"). */
export const CLOSE_TOO_SLOW = 4008;
const MAX_MESSAGES_PER_SECOND = 50;

/** Frames sent over every socket of this process (for /metrics). */
const sent = { frames: 0 };

class SocketSubscriber implements Subscriber {
  readonly id = randomUUID();
  private sentAt = 0;
  constructor(
    readonly ws: WebSocket,
    private readonly maxQueuedBytes: number,
  ) {}
  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Channels stop at their high-water mark; this catches what they do not gate (pongs, errors, several channels at once).
    if (this.ws.bufferedAmount > this.maxQueuedBytes) {
      this.ws.close(CLOSE_TOO_SLOW, `not reading: more than ${this.maxQueuedBytes >> 20} MiB queued`);
      return;
    }
    sendFrame(this.ws, frame);
    sent.frames++;
    this.sentAt = Date.now();
  }
  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  lastSentAt(): number {
    return this.sentAt;
  }
}

export type LiveSocketsOptions = {
  hub: Hub;
  logger: Logger;
  /** Milliseconds between protocol pings; a socket that misses one pong is dropped. */
  pingIntervalMs?: number;
  /** Extra allowed Origin values besides the request's own host. */
  allowedOrigins?: readonly string[];
  /** Who opens the socket (session cookie or bearer token); the upgrade is refused unless the policy lets them watch. */
  identify?: (req: IncomingMessage) => Promise<Identity | null>;
  /** Whether a session is still valid; sockets of ended sessions close with 4401. */
  sessionValid?: (sessionId: string) => Promise<boolean>;
  /** How often sessions behind open sockets are checked (default 10 s). */
  sessionCheckMs?: number;
  /** A socket with more unsent bytes than this is closed with 4008 (default 4 MiB, four times the channels' high-water mark). */
  maxQueuedBytes?: number;
};

const DEFAULT_MAX_QUEUED_BYTES = 4 << 20;
/** Pings sent per event-loop turn, so 10,000 pings are not one block in front of a tick. */
const PING_SLICE = 256;

/**
 * The /ws endpoint: upgrades, origin check, frame limits, per-socket rate limit, and
 * liveness pings. Protocol handling lives in the transport-free Hub.
 */
export class LiveSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false, clientTracking: true });
  private readonly opts: LiveSocketsOptions;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  /** Open sockets per session id, so a session that ends closes its sockets on every tab. */
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private readonly sessionTimer: NodeJS.Timeout;
  /** Set by closeAll: a socket whose upgrade finishes afterwards is told 1012 at once. */
  private closingReason: string | null = null;

  constructor(opts: LiveSocketsOptions) {
    this.opts = opts;
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs ?? 30_000);
    this.pingTimer.unref();
    this.sessionTimer = setInterval(() => void this.checkSessions(), opts.sessionCheckMs ?? 10_000);
    this.sessionTimer.unref();
  }

  /** Closes every socket of a session with 4401 (it signed out here). */
  closeSession(sessionId: string, reason = "signed out"): void {
    for (const ws of this.bySession.get(sessionId) ?? []) ws.close(CLOSE_SESSION_ENDED, reason);
  }

  private async checkSessions(): Promise<void> {
    const check = this.opts.sessionValid;
    if (!check) return;
    for (const id of [...this.bySession.keys()]) {
      const valid = await check(id).catch(() => true);
      if (!valid) this.closeSession(id, "session ended");
    }
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  /** Frames sent by this process since it started (all LiveSockets instances). */
  get framesSent(): number {
    return sent.frames;
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    if (!this.originAllowed(req)) {
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\norigin not allowed\n");
      return;
    }
    let identity: Identity | null = null;
    try {
      identity = this.opts.identify ? await this.opts.identify(req) : null;
      if (this.opts.identify) authorize(identity, MESSAGE_POLICY.subscribe);
    } catch (err) {
      const status = err instanceof WarRoomError ? err.status : 500;
      const text = err instanceof WarRoomError ? err.message : "internal error";
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : "Error"}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${text}\n`);
      return;
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // The upgrade was still authenticating when the shutdown began: no subscriptions, just 1012.
      if (this.closingReason !== null) return ws.close(CLOSE_RESTART, this.closingReason);
      this.accept(ws, identity, socket);
    });
  }

  /**
   * Tells every client to reconnect (to this server after restart, or another instance). The
   * close frame waits behind whatever the socket still has to send; lib/server/server.ts
   * close() gives the handshakes time to finish before terminateAll, which would discard it.
   */
  closeAll(reason = CLOSE_RESTART_REASON): void {
    this.closingReason = reason;
    for (const ws of this.wss.clients) ws.close(CLOSE_RESTART, reason);
    clearInterval(this.pingTimer);
    clearInterval(this.sessionTimer);
  }

  /** Drops sockets that did not close within the grace period. */
  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket, identity: Identity | null, socket: Duplex): void {
    const sub = new SocketSubscriber(ws, this.opts.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES);
    const sessionId = identity?.via.kind === "session" ? identity.via.sessionId : null;
    if (sessionId) {
      const set = this.bySession.get(sessionId) ?? new Set<WebSocket>();
      set.add(ws);
      this.bySession.set(sessionId, set);
    }
    const { hub, logger } = this.opts;
    this.alive.set(ws, true);
    let windowStart = Date.now();
    let count = 0;
    ws.on("pong", () => this.alive.set(ws, true));
    ws.on("message", (data: RawData, isBinary: boolean) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        count = 0;
      }
      if (++count > MAX_MESSAGES_PER_SECOND) {
        ws.close(CLOSE_POLICY, `more than ${MAX_MESSAGES_PER_SECOND} messages per second`);
        return;
      }
      if (isBinary) {
        sub.send(JSON.stringify({ type: "error", code: "bad_frame", message: "binary frames are not accepted; send JSON text" }));
        return;
      }
      try {
        hub.receive(sub, data.toString());
      } catch (err) {
        logger.error({ err }, "websocket message handling failed");
        sub.send(JSON.stringify({ type: "error", code: "internal", message: "internal error" }));
      }
    });
    ws.on("error", (err) => logger.debug({ err: err.message }, "websocket error"));
    // The socket emptied its buffer: what waited for it (a deferred snapshot) goes now, not at the channel's next event.
    socket.on("drain", () => hub.drained(sub));
    ws.on("close", () => {
      hub.disconnect(sub);
      if (!sessionId) return;
      const set = this.bySession.get(sessionId);
      set?.delete(ws);
      if (set?.size === 0) this.bySession.delete(sessionId);
    });
    // Signed-in people (and tokens) are shown by their own name; local mode names itself with `identify`.
    const named = identity && (identity.via.kind === "session" || identity.via.kind === "token");
    hub.connect(sub, named ? { name: identity.name } : {});
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Non-browser clients send no Origin; browsers always do, and a page on another site must not connect.
    if (!origin) return true;
    if (this.opts.allowedOrigins?.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private pingAll(): void {
    const all = [...this.wss.clients];
    const slice = (from: number) => {
      for (const ws of all.slice(from, from + PING_SLICE)) {
        if (ws.readyState !== ws.OPEN) continue;
        if (this.alive.get(ws) === false) {
          ws.terminate();
          continue;
        }
        this.alive.set(ws, false);
        ws.ping();
      }
      if (from + PING_SLICE < all.length) setImmediate(() => slice(from + PING_SLICE));
    };
    slice(0);
  }
}
