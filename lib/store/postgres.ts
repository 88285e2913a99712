import pg from "pg";

/** Where a DATABASE_URL points, without its credentials. */
export type PgTarget = {
  connectionString: string;
  /** Connection `options` from the URL, merged with ours because the URL's would win. */
  urlOptions: string | null;
  /** host:port/database, safe to log. */
  label: string;
};

const URL_EXAMPLE = "postgres://user:password@host:5432/database";

/** Parses DATABASE_URL; the error never repeats the URL, which may hold a password. */
export function parsePgUrl(databaseUrl: string): PgTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL; expected ${URL_EXAMPLE}`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL has unsupported scheme "${url.protocol}"; expected ${URL_EXAMPLE}`);
  }
  // pg lets ?host= override the URL's host.
  const host = url.searchParams.get("host") || url.hostname || "localhost";
  const port = url.port || url.searchParams.get("port") || "5432";
  let database: string;
  try {
    database = decodeURIComponent(url.pathname.slice(1));
  } catch {
    throw new Error("DATABASE_URL has a badly encoded database name");
  }
  const urlOptions = url.searchParams.get("options");
  url.searchParams.delete("options");
  return { connectionString: url.toString(), urlOptions, label: `${host}:${port}/${database || "(default)"}` };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Only plain lower-case identifiers: they need no quoting in search_path or DDL. */
export function assertPgSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid Postgres schema name "${schema}": use lower-case letters, digits and _ (max 63)`);
  }
}

const INT8_OID = 20;

/** Our bigint columns hold epoch ms, well inside the safe integer range. */
function parseInt8(value: string): number {
  return Number(value);
}

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)),
};

export type PgPoolOptions = {
  schema?: string;
  max: number;
  /** Bounds every statement on the server and every query round trip on the client. */
  queryTimeoutMs: number;
  onIdleError: (err: Error) => void;
};

export function createPgPool(target: PgTarget, opts: PgPoolOptions): pg.Pool {
  const options = [target.urlOptions, opts.schema ? `-c search_path=${opts.schema}` : null].filter(Boolean).join(" ");
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    options: options || undefined,
    max: opts.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: opts.queryTimeoutMs,
    // The server's clearer "statement timeout" error should arrive first; this catches a dead network.
    query_timeout: opts.queryTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    application_name: "war-room",
    types,
  });
  // Without a listener, an idle client losing its connection would crash the process.
  pool.on("error", opts.onIdleError);
  // The same holds for a checked-out client (pg-pool listens only while a client is idle): a
  // database that goes away mid-transaction emits "error" on it. The statement in flight fails
  // with that error and reports the outage (lib/store/outage.ts); this listener only keeps the
  // process alive.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
