import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { loadConfig } from "../lib/config/load";
import type { Config } from "../lib/config/schema";
import { readEnv } from "../lib/config/env";
import { createLogger } from "../lib/log";
import { startWarRoom, type WarRoomServer } from "../lib/server/server";
import type { RateLimitOptions } from "../lib/server/rate-limit";
import type { ShedLimits } from "../lib/server/shed";
import { manualClock, systemClock } from "../lib/time";
import pg from "pg";
import { assertLocalDatabaseUrl } from "../lib/store/testing/local-database";
import type { Redis } from "ioredis";

/** The stores integration suites run against: SQLite always, Postgres when DATABASE_URL is set (local only). */
export const BACKENDS: { name: string; databaseUrl?: string }[] = [
  { name: "SQLite" },
  ...(process.env.DATABASE_URL ? [{ name: "PostgreSQL", databaseUrl: process.env.DATABASE_URL }] : []),
];

/** An API + WebSocket server (no UI) on a free port with its own SQLite folder and a hand-driven clock. */
export async function startTestServer(
  opts: {
    backfill?: boolean;
    dataDir?: string;
    startAt?: number;
    databaseUrl?: string;
    runbooksDir?: string;
    /** Extra environment (e.g. ALERTMANAGER_WEBHOOK_SECRET). */
    env?: Record<string, string>;
    /** Changes to the demo config. */
    configure?: (c: Config) => Config;
    /** Team postmortem template folder (default: none). */
    postmortemTemplatesDir?: string;
    /** Reuse a Postgres schema (restart tests). */
    pgSchema?: string;
    /**
     * Run on the system clock and tick by itself (real Prometheus scrapes in real time).
     * `clock` then reads Date.now() and refuses set/advance; `tick()` is not available.
     */
    realTime?: boolean;
    /** Collect every log line (JSON, level info and up) here instead of discarding them. */
    logLines?: string[];
    /** Small rate limits for the tests that exercise them (lib/server/rate-limit.ts). */
    rateLimits?: Partial<RateLimitOptions>;
    /** A Redis client (or URL) shared by several test servers (StartOptions.redis). */
    redis?: Redis | string;
    /** Leader lease timings (several-instance tests shorten them). */
    lease?: { leaseTtlMs?: number; leaseRenewMs?: number };
    /** Presence beat interval with several instances (lib/incidents/presence.ts). */
    presenceBeatMs?: number;
    /**
     * Load-shedding limits (lib/server/shed.ts). The event-loop check is off by default here: the
     * servers of a test file share one event loop with each other and the runner, so one server's
     * start-up would read as another's overload. Queue-time shedding stays on.
     */
    shed?: Partial<ShedLimits>;
  } = {},
) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "war-room-test-"));
  const manual = manualClock(opts.startAt ?? Date.UTC(2026, 10, 23, 12, 0, 0));
  const realTimeOnly = () => {
    throw new Error("startTestServer({ realTime: true }) runs on the system clock; it cannot be set");
  };
  const clock: typeof manual = opts.realTime ? { now: systemClock.now, set: realTimeOnly, advance: realTimeOnly } : manual;
  if (opts.databaseUrl) assertLocalDatabaseUrl(opts.databaseUrl);
  // Each Postgres run gets a schema of its own, dropped on dispose.
  const pgSchema = opts.databaseUrl ? (opts.pgSchema ?? `wr_it_${process.pid}_${Math.random().toString(36).slice(2, 8)}`) : undefined;
  const env = readEnv({ PORT: "0", HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "silent", DATABASE_URL: opts.databaseUrl, ...opts.env });
  const server: WarRoomServer = await startWarRoom({
    env,
    config: opts.configure ? opts.configure(loadConfig(undefined)) : loadConfig(undefined),
    logger: opts.logLines ? createLogger("info", { write: (line: string) => void opts.logLines!.push(line) }) : createLogger("silent"),
    ui: "none",
    clock,
    pgSchema,
    autoTick: opts.realTime === true,
    backfill: opts.backfill ?? false,
    runbooksDir: opts.runbooksDir,
    postmortemTemplatesDir: opts.postmortemTemplatesDir ?? join(tmpdir(), "war-room-no-templates"),
    rateLimits: opts.rateLimits,
    redis: opts.redis,
    lease: opts.lease,
    presenceBeatMs: opts.presenceBeatMs,
    shed: { maxEventLoopDelayMs: 0, ...opts.shed },
  });
  // The seven-day minute backfill runs after start (lib/server/root.ts); a test sees it done.
  if (opts.backfill) await server.warRoom.minuteBackfill().done;
  let t = clock.now();
  /** Advances the clock one tick and publishes it. */
  const tick = async (n = 1) => {
    if (opts.realTime) throw new Error("startTestServer({ realTime: true }) ticks by itself");
    for (let i = 0; i < n; i++) {
      t += server.warRoom.tickMs;
      clock.set(t);
      await server.warRoom.jobs.tick.run(t);
    }
  };
  const dispose = async (keepData = false) => {
    await server.close(1000);
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    if (pgSchema && opts.databaseUrl && !keepData) {
      // A plain connection: a store (openStore) would migrate the default schema, which every
      // worktree's tests share, and a branch with a newer migration would break the others' runs.
      const admin = new pg.Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`drop schema if exists "${pgSchema}" cascade`);
      } finally {
        await admin.end();
      }
    }
  };
  return { server, clock, tick, dispose, dataDir, pgSchema, wsUrl: `ws://127.0.0.1:${server.port}/ws` };
}

/** A loopback port nobody listens on right now: for servers whose public origin must be known before they start. */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export type Frame = { type: string; [k: string]: unknown };

/** A WebSocket client that records every frame and can wait for one matching a predicate. */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("message", (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
  }

  send(msg: unknown) {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next(pred: (f: Frame) => boolean, from = 0): Promise<Frame> {
    const seen = this.frames.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  events(channel: string) {
    return this.frames.filter((f) => f.type === "event" && f.channel === channel);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

/** A config change: these services are fed by push ingest (push is refused for any other, lib/ingest/ownership.ts). */
export const pushFed =
  (ids: readonly string[], then: (c: Config) => Config = (c) => c) =>
  (c: Config): Config =>
    then({ ...c, services: c.services.map((s) => (ids.includes(s.id) ? { ...s, source: "push" as const } : s)) });
