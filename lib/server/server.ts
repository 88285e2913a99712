import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Config } from "../config/schema";
import type { Env } from "../config/env";
import type { Logger } from "../log";
import { systemClock, type Clock } from "../time";
import { openStore, type Store } from "../store/store";
import { asRequestWork } from "../store/priority";
import { composeWarRoom, type WarRoom } from "./root";
import { createApi } from "./api";
import { LiveSockets } from "./ws";
import { send, sendReply } from "./http";
import { EventLoopLag, LoadShedder, isShedExempt, type ShedLimits } from "./shed";
import { VERSION } from "./version";
import { gamedaysDirOf, postmortemTemplatesDirOf, runbooksDirOf } from "../config/load";
import { WarRoomMetrics } from "./metrics";
import type { HttpApi } from "./http";
import type { BreakerState, MetricSource } from "../sources/types";
import { identifyRequest } from "./access";
import { identify } from "../auth/identify";
import { authorize } from "../auth/policy";
import { ROUTE_POLICY } from "./policy";
import { provideBoardFeed, type PageCaller } from "../signals/page-feed";
import { provideSlosFeed } from "../slo/page-feed";
import { createSignIn } from "./signin";
import { sessionStillValid } from "../auth/sessions";
import { applyDocumentCsp, checkBind, checkRequest, checkUpgrade, refuseUpgrade, securityCtxOf, setSecurityHeaders, type SecurityCtx } from "./security";
import { RateLimits, type RateLimitOptions } from "./rate-limit";
import { clientAddress } from "./client-address";
import { connectRedis } from "./redis";
import type { Redis } from "ioredis";

/** A low-cardinality route label: API route patterns, health paths, else "ui". */
/**
 * How long a shutdown waits for WebSocket close handshakes (the 1012 reaching every viewer,
 * lib/server/ws.ts closeAll) before it terminates what is left: a viewer that stopped reading
 * does not hold the restart up for the whole request grace.
 */
const SOCKET_CLOSE_GRACE_MS = 2_000;

function routeLabel(api: HttpApi, method: string, path: string): string {
  if (path === "/api" || path.startsWith("/api/")) return api.routeOf(method, path) ?? "unmatched";
  if (path === "/metrics" || path === "/sim/metrics" || path === "/health" || path.startsWith("/health/")) return path.length > 40 ? "unmatched" : path;
  return path.startsWith("/_next/") ? "next-static" : "ui";
}

export type UiMode = "dev" | "prod" | "none";

export type StartOptions = {
  env: Env;
  config: Config;
  logger: Logger;
  ui: UiMode;
  clock?: Clock;
  /** Postgres schema to use (tests). */
  pgSchema?: string;
  backfill?: boolean;
  autoTick?: boolean;
  heartbeatMs?: number;
  /** Runbook folder; default from env and config (runbooksDirOf). */
  runbooksDir?: string;
  /** Team postmortem template folder (default: the config's postmortemTemplates, else ./postmortem-templates). */
  postmortemTemplatesDir?: string;
  /** Leader lease timings (lib/cluster/lease.ts); tests shorten them. */
  lease?: { leaseTtlMs?: number; leaseRenewMs?: number };
  /** How often this instance tells the others who views incidents through it (lib/incidents/presence.ts); tests shorten it. */
  presenceBeatMs?: number;
  /** Rate limits (lib/server/rate-limit.ts); tests inject small ones. */
  rateLimits?: Partial<RateLimitOptions>;
  /**
   * Redis shared by the instances: a client (its owner closes it) or a URL (this server opens and
   * closes its own). Default: env.REDIS_URL; none = per-instance rate limits.
   */
  redis?: Redis | string;
  /** Load-shedding limits (lib/server/shed.ts); default from env (WAR_ROOM_SHED_*). */
  shed?: Partial<ShedLimits>;
};

export type WarRoomServer = {
  /** A URL this machine can reach the server at (loopback when bound to all interfaces). */
  url: string;
  /** The address and port actually bound, e.g. "0.0.0.0:3000". */
  bind: string;
  /** auth.publicOrigins: where people reach it. */
  publicOrigins: readonly string[];
  port: number;
  /** The composed war room (lib/server/root.ts): its domains, channels and jobs. */
  warRoom: WarRoom;
  /** Graceful: stop accepting, tell WS clients to reconnect, finish in-flight work, close the store. */
  close(graceMs?: number): Promise<void>;
};

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * One Node process: Next's pages, the JSON API, the /ws endpoint, and health checks.
 * The API is served here rather than by Next route handlers so it shares one module
 * graph with the live hub, sheds load before Next does any work, and runs without a build.
 */
export async function startWarRoom(opts: StartOptions): Promise<WarRoomServer> {
  const { env, config, logger } = opts;
  if (config.auth.mode === "oidc" && !env.WAR_ROOM_OIDC_CLIENT_SECRET) {
    throw new Error("auth.mode is oidc but WAR_ROOM_OIDC_CLIENT_SECRET is not set: give the client secret registered with the identity provider");
  }
  const clock = opts.clock ?? systemClock;
  const began = Date.now();
  const serverId = env.WAR_ROOM_INSTANCE_ID ?? randomBytes(4).toString("hex");
  // Security: refuse an open bind before anything is opened (lib/server/security.ts).
  checkBind(env.HOST, config.auth, logger);
  const security = securityCtxOf(config.auth, opts.ui === "dev");
  const trusted = env.WAR_ROOM_TRUSTED_PROXIES;
  const addressOf = (req: IncomingMessage) => clientAddress(req, trusted);

  let sockets: LiveSockets | null = null;
  let warRoomRef: WarRoom | null = null;
  const metrics = new WarRoomMetrics({
    wsClients: () => sockets?.clients ?? 0,
    framesSent: () => sockets?.framesSent ?? 0,
    hubStats: () => warRoomRef?.hub.stats() ?? { coalescedFrames: 0, subscriptions: 0, laggingSubscriptions: 0 },
    sources: () => (warRoomRef ? warRoomRef.source.sources.map(sourceMetrics) : []),
    ingest: () => warRoomRef?.ingest.stats ?? null,
    remoteWrite: () => (warRoomRef ? { rejected: warRoomRef.remoteWrite.rejected(), series: warRoomRef.remoteWrite.series } : null),
    scheduler: () => warRoomRef?.scheduler.stats() ?? null,
    cluster: () => (warRoomRef ? { leader: warRoomRef.cluster.isLeader(), term: warRoomRef.cluster.term, brokerUp: warRoomRef.cluster.broker ? warRoomRef.cluster.brokerUp() : null } : null),
  });
  const store: Store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.WAR_ROOM_DATA_DIR, pgSchema: opts.pgSchema, logger, onQuery: (q, ms) => metrics.observeQuery(q, ms) });
  const warRoom = composeWarRoom({
    config,
    store,
    clock,
    logger,
    serverId,
    version: VERSION,
    backfill: opts.backfill,
    autoTick: opts.autoTick,
    heartbeatMs: opts.heartbeatMs,
    runbooksDir: opts.runbooksDir ?? runbooksDirOf(config, env.WAR_ROOM_RUNBOOKS_DIR),
    postmortemTemplatesDir: opts.postmortemTemplatesDir ?? postmortemTemplatesDirOf(config),
    gamedaysDir: gamedaysDirOf(config),
    onSourceSample: (ms, ok) => metrics.sourceQuery.observe({ outcome: ok ? "ok" : "error" }, ms / 1000),
    onTick: (ms) => metrics.tickDuration.observe(ms / 1000),
    cluster: { redisUrl: env.REDIS_URL, prefix: env.WAR_ROOM_CLUSTER_PREFIX, ...opts.lease, presenceBeatMs: opts.presenceBeatMs },
    // A sign-out on another instance closes this instance's sockets of that session too.
    onBusMessage: (m) => {
      const id = (m.data as { session?: unknown }).session;
      if (m.kind === "signout" && typeof id === "string") sockets?.closeSession(id);
    },
  });
  warRoomRef = warRoom;
  let nextHandler: NextHandler | null = null;
  try {
    await warRoom.start();
    if (opts.ui !== "none") nextHandler = await prepareNext(opts.ui === "dev", env, security);
    // The board page renders with the current board (app/page.tsx), for the caller's credentials like
    // GET /api/v1/board; /slos (app/slos/page.tsx) with the SLO list, like GET /api/v1/slos.
    if (opts.ui !== "none") {
      const allowed = async (caller: PageCaller, route: keyof typeof ROUTE_POLICY) => {
        const identity = await identify(warRoom.auth, { cookie: caller.cookie, authorization: caller.authorization });
        try {
          authorize(identity, ROUTE_POLICY[route]);
          return true;
        } catch {
          return false;
        }
      };
      provideBoardFeed(async (caller) => ((await allowed(caller, "GET /api/v1/board")) ? warRoom.board.boardFrame() : null));
      provideSlosFeed(async (caller) => ((await allowed(caller, "GET /api/v1/slos")) ? warRoom.sloChannel.frame() : null));
    }
  } catch (err) {
    warRoom.stopTimers();
    await warRoom.cluster.stop().catch(() => undefined);
    await store.close();
    throw err;
  }

  const api = createApi(warRoom, logger, { alertmanagerSecret: env.ALERTMANAGER_WEBHOOK_SECRET, addressOf });
  sockets = new LiveSockets({
    hub: warRoom.hub,
    logger,
    identify: (req) => identifyRequest(warRoom.auth, req),
    sessionValid: (id) => sessionStillValid(warRoom.auth, id),
  });
  const signIn = await createSignIn({
    auth: warRoom.auth,
    logger,
    clientSecret: env.WAR_ROOM_OIDC_CLIENT_SECRET,
    sessionSecret: env.WAR_ROOM_SESSION_SECRET,
    onSignOut: (sessionId) => {
      sockets?.closeSession(sessionId);
      void warRoom.cluster.send("signout", { session: sessionId }).catch(() => undefined);
    },
    addressOf,
  });
  const live = sockets;
  let closing = false;
  // Opened this late so a failed start leaves no reconnecting client behind (a failed listen closes it below).
  // Several instances share the broker's connection (lib/cluster/redis-broker.ts); a single one opens its own.
  const redisGiven = opts.redis ?? warRoom.cluster.broker?.client ?? env.REDIS_URL;
  const ownRedis = typeof redisGiven === "string" ? connectRedis(redisGiven, logger) : null;
  const limits = new RateLimits({ limits: opts.rateLimits, redis: ownRedis ?? (redisGiven as Redis | undefined), prefix: env.WAR_ROOM_CLUSTER_PREFIX });

  // A load balancer probes every instance every second, and several balancers may: one round trip
  // to the store and the broker serves every probe within 500 ms, so a burst of probes (or of
  // reconnecting viewers) does not queue store pings behind each other.
  let readyCache: { at: number; checks: Promise<Awaited<ReturnType<typeof readiness>>> } | null = null;
  const readyChecks = () => {
    if (!readyCache || Date.now() - readyCache.at > 500) readyCache = { at: Date.now(), checks: readiness(store, warRoom) };
    return readyCache.checks;
  };
  const health = async (path: string): Promise<{ status: number; body: unknown } | null> => {
    if (path === "/health/live") return { status: 200, body: { status: "ok" } };
    if (path === "/health/ready") {
      const checks = await readyChecks();
      // Only the store decides readiness. A metric source or broker that is down is shared by every
      // instance: failing readiness for it would take the whole war room out of rotation exactly when
      // it is needed. They are reported as degraded instead (the board says the same).
      const ok = !closing && checks.store.ok;
      const degraded = Object.entries(checks).filter(([, c]) => !c.ok).map(([k]) => k).filter((k) => k !== "store");
      return { status: ok ? 200 : 503, body: { status: ok ? (degraded.length ? "ready (degraded)" : "ready") : "not ready", ...(closing ? { reason: "shutting down" } : {}), ...(degraded.length ? { degraded } : {}), checks } };
    }
    if (path === "/health") {
      const checks = await readiness(store, warRoom);
      return {
        status: 200,
        body: {
          status: Object.values(checks).every((c) => c.ok) ? "ok" : "degraded",
          version: VERSION,
          commit: env.WAR_ROOM_COMMIT ?? null,
          serverId,
          cluster: warRoom.cluster.describe(),
          startedAt: new Date(warRoom.startedAt).toISOString(),
          uptimeSeconds: Math.round((clock.now() - warRoom.startedAt) / 1000),
          board: warRoom.board.overall(),
          checks,
          store: { dialect: store.dialect, target: store.describe() },
          source: warRoom.board.sourceState(),
          breakers: breakers(warRoom.source.sources),
          // The seven-day minute history of Prometheus-fed services fills after start (lib/sources/backfill.ts).
          history: { minuteBackfill: warRoom.minuteBackfill().state },
          websocket: { clients: live.clients, ...warRoom.hub.stats() },
          http: { inFlight: api.pending, maxInFlight: api.maxInFlight, eventLoopDelayMs: Math.round(loopLag.ms), active: shedder.active, waiting: shedder.waiting, shed: shedder.shedCounts, limits: shedder.limits },
        },
      };
    }
    return null;
  };

  const loopLag = new EventLoopLag();
  const shedder = new LoadShedder({
    lag: () => loopLag.ms,
    now: () => performance.now(),
    limits: {
      // Next's dev server compiles pages on the main thread: seconds of delay that are not overload.
      maxEventLoopDelayMs: opts.ui === "dev" ? 0 : env.WAR_ROOM_SHED_EVENT_LOOP_DELAY_MS,
      maxQueueMs: env.WAR_ROOM_SHED_QUEUE_MS,
      maxConcurrent: env.WAR_ROOM_MAX_CONCURRENT_REQUESTS,
      ...opts.shed,
    },
    onShed: (reason) => metrics.shed.inc({ reason }),
  });
  metrics.watchLoad(() => ({ eventLoopDelayMs: loopLag.ms, active: shedder.active, waiting: shedder.waiting }));
  const expireWaiters = setInterval(() => shedder.expire(), 50);
  expireWaiters.unref();

  const server = createServer((req, res) => void asRequestWork(() => serve(req, res)));
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const began = process.hrtime.bigint();
    res.once("finish", () => {
      const method = req.method ?? "GET";
      metrics.httpDuration.observe({ method, route: routeLabel(api, method, path), status: String(res.statusCode) }, Number(process.hrtime.bigint() - began) / 1e9);
    });
    let admitted: { release(): void } | null = null;
    try {
      // Security: headers on every answer; Host, same-origin writes, JSON writes, rate limits.
      setSecurityHeaders(res, security);
      const denied = checkRequest(req, { ...security, path });
      if (denied) return sendReply(res, typeof denied.body === "string" ? { status: denied.status, text: denied.body, headers: denied.headers } : denied);
      if (!isShedExempt(path)) {
        // Overload: 503 now rather than an answer too late to matter (lib/server/shed.ts).
        const a = await shedder.admit();
        if ("shed" in a) return send(res, a.error);
        admitted = a;
      }
      const refused = await limits.checkHttp(addressOf(req), path, req.method);
      if (refused) return sendReply(res, typeof refused.body === "string" ? { status: refused.status, text: refused.body, headers: refused.headers } : refused);
      if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
        const m = await metrics.render();
        res.writeHead(200, { "content-type": m.contentType, "cache-control": "no-store" });
        return void res.end(req.method === "HEAD" ? undefined : m.text);
      }
      // Only when some services are simulated (lib/server/root.ts): otherwise a 404 like any unknown path.
      if (path === "/sim/metrics" && warRoom.simScrape && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
        return void res.end(req.method === "HEAD" ? undefined : warRoom.simScrape.render(clock.now()));
      }
      if (path === "/health" || path.startsWith("/health/")) {
        const h = await health(path);
        if (h) return sendReply(res, h);
      }
      if (path === "/api" || path.startsWith("/api/")) return await api.handle(req, res, url);
      if (path.startsWith("/auth/") && (await signIn.handle(req, res, url))) return;
      if (!nextHandler) return sendReply(res, { status: 404, body: { error: { code: "not_found", message: "UI disabled on this server" } } });
      if (closing) res.setHeader("connection", "close");
      await nextHandler(req, res);
    } catch (err) {
      logger.error({ err, path, address: addressOf(req) }, "request failed");
      if (!res.headersSent) sendReply(res, { status: 500, body: { error: { code: "internal", message: "internal error" } } });
      else res.destroy();
    } finally {
      admitted?.release();
    }
  };
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "").split("?")[0];
    // Security: Host and Origin checks, then one of the address's socket slots, freed once on close.
    const refused = checkUpgrade(req, security);
    if (refused) return refuseUpgrade(socket, refused.status, refused.message);
    if (path === "/ws" && !closing) {
      const release = limits.acquireSocket(addressOf(req));
      if (!release) return refuseUpgrade(socket, 429, "too many open connections from this address", { "retry-after": "5" });
      socket.once("close", release);
      return void live.handleUpgrade(req, socket, head);
    }
    // In dev, Next serves its HMR socket under /_next/ from its own upgrade listener.
    if (opts.ui === "dev" && path.startsWith("/_next/")) return;
    socket.destroy();
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => {
      clearInterval(expireWaiters);
      ownRedis?.disconnect();
      reject(err);
    };
    server.once("error", failed);
    server.listen(env.PORT, env.HOST, () => {
      server.off("error", failed);
      resolve();
    });
  });
  loopLag.start();
  const port = (server.address() as AddressInfo).port;
  const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;
  const bind = `${host}:${port}`;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host === "[::]" ? "[::1]" : host}:${port}`;
  const publicOrigins = config.auth.publicOrigins;
  logger.info({ bind, url, publicOrigins, authMode: config.auth.mode, store: store.describe(), ui: opts.ui, services: config.services.length, rateLimits: limits.shared, trustedProxies: trusted.entries, startupMs: Date.now() - began }, "war room listening");

  let closed: Promise<void> | null = null;
  const close = (graceMs = 8_000) =>
    (closed ??= (async () => {
      closing = true;
      provideBoardFeed(null);
      provideSlosFeed(null);
      api.drain();
      loopLag.stop();
      clearInterval(expireWaiters);
      warRoom.stopTimers();
      const handedOver = warRoom.handOver();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      live.closeAll();
      const deadline = Date.now() + graceMs;
      // Sockets until their close handshake is done, but no longer than SOCKET_CLOSE_GRACE_MS: a
      // slow viewer's 1012 is queued behind its unsent frames, and terminateAll would drop it, so
      // that viewer would see 1006 and back off instead of reconnecting at once (docs/protocol.md).
      const socketsDeadline = Date.now() + Math.min(graceMs, SOCKET_CLOSE_GRACE_MS);
      while ((api.pending > 0 && Date.now() < deadline) || (live.clients > 0 && Date.now() < socketsDeadline))
        await new Promise((r) => setTimeout(r, 25));
      server.closeAllConnections();
      live.terminateAll();
      await Promise.race([serverClosed, new Promise((r) => setTimeout(r, 1_000))]);
      await handedOver;
      await warRoom.stop();
      ownRedis?.disconnect();
      await store.close();
      logger.info({}, "war room stopped");
    })());

  return { url, bind, publicOrigins, port, warRoom, close };
}

async function readiness(store: Store, warRoom: WarRoom) {
  const storeCheck = await store
    .ping(1_000)
    .then(() => ({ ok: true as boolean, target: store.describe() }))
    .catch((err: Error) => ({ ok: false as boolean, target: store.describe(), error: err.message }));
  const src = warRoom.board.sourceState();
  return {
    store: storeCheck,
    source: { ok: src.state !== "down", kind: src.kind, state: src.state, ...(src.error ? { error: src.error } : {}) },
    broker: await warRoom.cluster.brokerCheck(),
  };
}

/** Source facts for /metrics: breaker state and error count when the source has them. */
function sourceMetrics(source: MetricSource): { kind: string; breaker?: BreakerState; errors?: number } {
  const st = source.stats?.();
  return st ? { kind: source.kind, breaker: st.breaker, errors: st.errors } : { kind: source.kind };
}

/** Circuit breakers for /health. */
function breakers(sources: readonly MetricSource[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    const st = source.stats?.();
    if (st) out[`source:${source.kind}`] = st.breaker;
  }
  return out;
}

async function prepareNext(dev: boolean, env: Env, security: SecurityCtx): Promise<NextHandler> {
  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req, res) => {
    applyDocumentCsp(req, res, security); // Next reads the nonce from the request header
    return handle(req, res);
  };
}
