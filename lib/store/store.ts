import { Kysely, PostgresDialect, sql, type LogEvent } from "kysely";
import { StoreUnavailable } from "../errors";
import { withTimeout } from "../time";
import type { Database } from "./schema";
import { describeError } from "./errors";
import { migrateToLatest } from "./migrations";
import { openSqliteFile } from "./sqlite";
import { SqliteWorkerDialect } from "./sqlite-worker-dialect";
import type { PackedBatch, SqliteWorkerClient } from "./sqlite-worker-client";
import { assertPgSchemaName, createPgPool, parsePgUrl, type PgTarget } from "./postgres";
import { GuardedPostgresDialect, StoreOutage } from "./outage";

export type Dialect = "sqlite" | "postgres";

export type Store = {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite only: runs one statement for every parameter row in one transaction in the database's
   * worker thread (lib/store/sqlite-worker.mjs), under Kysely's connection lock so no Kysely
   * transaction is open meanwhile; resolves with the changes of each row. For hot paths (push ingest).
   */
  sqliteBatch?(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]>;
  /** `sqliteBatch` with the rows packed by column (cheaper to send to the worker); the changes (0 or 1) of each row. */
  sqliteBatchPacked?(sql: string, packed: PackedBatch): Promise<Uint8Array>;
  /** e.g. "sqlite:data/war-room.sqlite" or "postgres:127.0.0.1:5432/test"; never a password. */
  describe(): string;
  /** Cheap round trip; rejects within timeoutMs. */
  ping(timeoutMs?: number): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
};

export type StoreLogger = { info(o: object, msg?: string): void; warn(o: object, msg?: string): void };

export type OpenStoreOptions = {
  /** postgres:// or postgresql://; without it the store is a SQLite file in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Postgres only: create and use this schema (tests use one per run). */
  pgSchema?: string;
  logger?: StoreLogger;
  /** Told the SQL and duration of every statement (the /metrics store write histogram). */
  onQuery?: (sql: string, ms: number) => void;
};

const silent: StoreLogger = { info() {}, warn() {} };
const QUERY_TIMEOUT_MS = 10_000;
/** Migrations may rewrite big tables; they get their own connection with a longer leash. */
const MIGRATION_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_PING_TIMEOUT_MS = 2_000;

/** Opens the database and brings its schema up to date before resolving. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const logger = opts.logger ?? silent;
  const log = opts.onQuery ? queryLog(opts.onQuery) : undefined;
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.pgSchema, logger, log) : openSqlite(opts.dataDir, logger, log);
}

function queryLog(onQuery: (sql: string, ms: number) => void): (e: LogEvent) => void {
  return (e) => {
    if (e.level === "query") onQuery(e.query.sql, e.queryDurationMillis);
  };
}

async function openSqlite(dataDir: string, logger: StoreLogger, log?: (e: LogEvent) => void): Promise<Store> {
  const { client, file, unlock } = await openSqliteFile(dataDir, (o, msg) => logger.warn(o, msg));
  const db = new Kysely<Database>({ dialect: new SqliteWorkerDialect(client), log });
  try {
    const applied = await migrateToLatest(db);
    logger.info({ store: `sqlite:${file}`, applied }, "store opened");
  } catch (e) {
    await db.destroy();
    unlock();
    throw e;
  }
  return makeStore(db, "sqlite", `sqlite:${file}`, client, unlock);
}

async function openPostgres(databaseUrl: string, schema: string | undefined, logger: StoreLogger, log?: (e: LogEvent) => void): Promise<Store> {
  const target = parsePgUrl(databaseUrl);
  if (schema !== undefined) assertPgSchemaName(schema);
  const label = `postgres:${target.label}${schema ? `?schema=${schema}` : ""}`;
  const outage = new StoreOutage({ label, logger });
  // An idle connection dropped by a database that went away is part of the outage, logged once with it.
  const onIdleError = (err: Error) => {
    if (!(outage.classifyIdle(err) instanceof StoreUnavailable)) logger.warn({ store: label, err: describeError(err) }, "idle Postgres connection failed");
  };

  const applied = await migratePostgres(target, schema, label, onIdleError);
  // The pool needs no help to recover: a broken client is dropped on release, and the next
  // statement opens a fresh connection (pg-pool), so writes work again once the database is back.
  const pool = createPgPool(target, { schema, max: 10, queryTimeoutMs: QUERY_TIMEOUT_MS, onIdleError });
  const db = new Kysely<Database>({ dialect: new GuardedPostgresDialect({ pool }, outage), log });
  // Also initialises Kysely's driver: destroy() on a never-used Kysely neither ends the pool
  // nor stops later queries from quietly reopening it.
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy();
    const cause = e instanceof StoreUnavailable ? e.cause : e;
    throw new Error(`Cannot connect to ${label}: ${describeError(cause)}`, { cause });
  }
  logger.info({ store: label, applied }, "store opened");
  return makeStore(db, "postgres", label);
}

async function migratePostgres(target: PgTarget, schema: string | undefined, label: string, onIdleError: (err: Error) => void): Promise<string[]> {
  const pool = createPgPool(target, { schema, max: 1, queryTimeoutMs: MIGRATION_TIMEOUT_MS, onIdleError });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (e) {
      throw new Error(`Cannot connect to ${label}: ${describeError(e)}`, { cause: e });
    }
    if (schema) await createSchemaIfMissing(db, schema);
    const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    // Pin Kysely's bookkeeping to our schema: unpinned, it finds kysely_migration in any schema.
    const migrationTableSchema = current.rows[0]?.schema ?? undefined;
    return await migrateToLatest(db, { migrationTableSchema });
  } finally {
    await db.destroy();
  }
}

async function createSchemaIfMissing(db: Kysely<unknown>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    // Two instances starting together can both pass "if not exists"; the loser sees 23505.
    if ((e as { code?: unknown }).code !== "23505") throw e;
  }
}

function makeStore(db: Kysely<Database>, dialect: Dialect, label: string, sqlite?: SqliteWorkerClient, unlock?: () => void): Store {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    ...(sqlite
      ? {
          sqliteBatch: (text, rows) => db.connection().execute(() => sqlite.batch(text, rows)),
          sqliteBatchPacked: (text, packed) => db.connection().execute(() => sqlite.batchPacked(text, packed)),
        }
      : {}),
    describe: () => label,
    ping: async (timeoutMs = DEFAULT_PING_TIMEOUT_MS) => {
      if (closing) throw new Error(`${label} is closed`);
      // SQLite: straight to the worker, not behind the connection lock, so a queue of requests
      // does not make a busy but healthy store look down (/health/ready).
      await withTimeout(sqlite ? sqlite.ping() : sql`select 1`.execute(db).then(() => undefined), timeoutMs, `ping ${label}`);
    },
    close: () => (closing ??= db.destroy().finally(() => unlock?.())),
  };
}
