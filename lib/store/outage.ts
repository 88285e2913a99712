import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type PostgresDialectConfig, type QueryResult, type TransactionSettings } from "kysely";
import { StoreUnavailable } from "../errors";
import { describeError, isStoreUnreachable } from "./errors";

export type OutageLogger = { info(o: object, msg?: string): void; warn(o: object, msg?: string): void };

/**
 * Whether the database answered the last statement. Turns every "cannot reach it" driver error into
 * one StoreUnavailable (503 + Retry-After at the HTTP edge), and logs one line when an outage
 * begins and one when a statement succeeds again, instead of one per failed request.
 */
export class StoreOutage {
  private downSince: number | null = null;
  private failures = 0;
  /** Counts the ends of outages: a statement begun before the last one ended cannot start a new outage. */
  private recoveries = 0;
  private probing = false;
  private readonly label: string;
  private readonly logger: OutageLogger;
  private readonly now: () => number;

  constructor(opts: { label: string; logger: OutageLogger; now?: () => number }) {
    this.label = opts.label;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  get down(): boolean {
    return this.downSince !== null;
  }

  /** Taken when a statement begins, for `classify`. */
  get generation(): number {
    return this.recoveries;
  }

  /**
   * StoreUnavailable for an unreachable database (the first one of an outage is logged); any other
   * error unchanged. `began` (the `generation` when the statement began): a statement that was
   * already under way during the outage and fails after the database came back (it waited on a
   * dead connection) is refused but does not start a second outage.
   */
  classify(err: unknown, began = this.recoveries): unknown {
    if (err instanceof StoreUnavailable) return err;
    if (!isStoreUnreachable(err)) return err;
    this.failures++;
    if (this.downSince === null && began === this.recoveries) {
      this.downSince = this.now();
      // describeError: the driver's message and code only; the connection string (and its password) is never in it.
      this.logger.warn({ store: this.label, err: describeError(err) }, "store unreachable: writes answer 503 until it is back");
    }
    return new StoreUnavailable(err);
  }

  /**
   * An idle pooled connection that failed: counted in an outage under way, never the start of one
   * (a connection dropped after the database came back, or by an idle timeout, says nothing about
   * the next statement, which finds out for itself).
   */
  classifyIdle(err: unknown): unknown {
    return this.classify(err, -1);
  }

  /**
   * While the database is down, one connection attempt at a time finds out whether it is back;
   * the others fail at once instead of each waiting out the connect timeout (a database that
   * stopped answering would otherwise hold every request, and the tick, for seconds).
   */
  async attempt<T>(connect: () => Promise<T>): Promise<T> {
    if (this.downSince === null) return connect();
    if (this.probing) {
      this.failures++;
      throw new StoreUnavailable();
    }
    this.probing = true;
    try {
      return await connect();
    } finally {
      this.probing = false;
    }
  }

  /** A statement succeeded: ends the outage, if there was one. */
  reached(): void {
    if (this.downSince === null) return;
    this.logger.info({ store: this.label, downMs: this.now() - this.downSince, failedStatements: this.failures }, "store reachable again");
    this.downSince = null;
    this.failures = 0;
    this.recoveries++;
  }
}

/** Kysely's PostgreSQL dialect whose driver reports through a StoreOutage (lib/store/store.ts). */
export class GuardedPostgresDialect extends PostgresDialect {
  private readonly outage: StoreOutage;

  constructor(config: PostgresDialectConfig, outage: StoreOutage) {
    super(config);
    this.outage = outage;
  }

  override createDriver(): Driver {
    return new GuardedDriver(super.createDriver(), this.outage);
  }
}

/**
 * The outage generation each pooled connection was first handed out in (Kysely's PostgreSQL
 * driver hands out the same connection object for the same pg client). A connection from before
 * the last outage ended that fails now was dead before the database came back (CI saw one start a
 * second "outage" right after recovery): its failure is refused but starts no outage; the pool
 * drops it and the next connection finds out for itself.
 */
const firstHandedOut = new WeakMap<DatabaseConnection, number>();

class GuardedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  private readonly outage: StoreOutage;
  private readonly since: number;

  constructor(inner: DatabaseConnection, outage: StoreOutage) {
    this.inner = inner;
    this.outage = outage;
    let since = firstHandedOut.get(inner);
    if (since === undefined) firstHandedOut.set(inner, (since = outage.generation));
    this.since = since;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const began = Math.min(this.since, this.outage.generation);
    try {
      const result = await this.inner.executeQuery<R>(query);
      this.outage.reached();
      return result;
    } catch (err) {
      throw this.outage.classify(err, began);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const began = Math.min(this.since, this.outage.generation);
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw this.outage.classify(err, began);
    }
  }
}

/** Transactions, savepoints and releases go through the wrapped connection; the pool sees its own. */
class GuardedDriver implements Driver {
  private readonly inner: Driver;
  private readonly outage: StoreOutage;

  constructor(inner: Driver, outage: StoreOutage) {
    this.inner = inner;
    this.outage = outage;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A connect begun before an outage ended and failing after it says nothing about the database now.
    const began = this.outage.generation;
    try {
      return new GuardedConnection(await this.outage.attempt(() => this.inner.acquireConnection()), this.outage);
    } catch (err) {
      throw this.outage.classify(err, began);
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["savepoint"]>>[2]): Promise<void> {
    await this.inner.savepoint?.(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["rollbackToSavepoint"]>>[2]): Promise<void> {
    await this.inner.rollbackToSavepoint?.(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver["releaseSavepoint"]>>[2]): Promise<void> {
    await this.inner.releaseSavepoint?.(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection instanceof GuardedConnection ? connection.inner : connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
