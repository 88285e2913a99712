/**
 * A one-line description of a driver error. Node reports a refused dual-stack connect as an
 * AggregateError with an empty message, and pg errors carry their useful part in `code`.
 */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) {
    const inner = [...new Set(e.errors.map(describeError))];
    return e.message ? `${e.message} (${inner.join("; ")})` : inner.join("; ");
  }
  if (e instanceof Error) {
    const code = (e as Error & { code?: unknown }).code;
    const message = e.message || e.name;
    return typeof code === "string" && !message.includes(code) ? `${message} [${code}]` : message;
  }
  return String(e);
}

/** Socket errors that mean the database server cannot be reached (or went away mid-query). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "EHOSTDOWN", "ENETUNREACH", "ENETDOWN", "ENOTFOUND", "EAI_AGAIN"]);
/**
 * PostgreSQL SQLSTATEs for a server that is there but will not serve: 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovery), 53300
 * too_many_connections; class 08 is every connection exception.
 */
const PG_UNAVAILABLE_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** What node-postgres and pg-pool say when a connection died or never came (they carry no code). */
const PG_CONNECTION_MESSAGES = [
  "Connection terminated", // "… unexpectedly", "… due to connection timeout" (pg/lib/client.js, pg-pool)
  "timeout exceeded when trying to connect", // pg-pool connectionTimeoutMillis
  "Query read timeout", // pg query_timeout: the network went silent mid-query
  "Client has encountered a connection error and is not queryable",
];

/**
 * True when `e` says the database cannot be reached right now (refused, reset, timed out, shutting
 * down), as opposed to a statement the database refused. Looks through AggregateError (dual-stack
 * connects) and `cause` chains.
 */
export function isStoreUnreachable(e: unknown, depth = 0): boolean {
  if (depth > 5 || e === null || typeof e !== "object") return false;
  if (e instanceof AggregateError && e.errors.some((inner) => isStoreUnreachable(inner, depth + 1))) return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || PG_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (e as { message?: unknown }).message;
  if (typeof message === "string" && PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return true;
  return isStoreUnreachable((e as { cause?: unknown }).cause, depth + 1);
}
