import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";
import type { SqliteWorkerClient } from "./sqlite-worker-client";
import { isRequestWork } from "./priority";

/**
 * Kysely's SQLite dialect with the database in a worker thread (lib/store/sqlite-worker-client.ts).
 * Like Kysely's own SqliteDriver there is one connection behind a lock: a transaction holds it
 * from `begin` to `commit`, so its statements run on the one database handle with nobody
 * else's in between, with the same semantics as before.
 */
export class SqliteWorkerDialect implements Dialect {
  constructor(private readonly client: SqliteWorkerClient) {}
  createDriver(): Driver {
    return new SqliteWorkerDriver(this.client);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class SqliteWorkerDriver implements Driver {
  private readonly lock = new ConnectionLock();
  private readonly connection: WorkerConnection;

  constructor(private readonly client: SqliteWorkerClient) {
    this.connection = new WorkerConnection(client);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire();
    return this.connection;
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("begin"));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("commit"));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("rollback"));
  }
  async savepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }
  async releaseSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }
  async releaseConnection(): Promise<void> {
    this.lock.release();
  }
  async destroy(): Promise<void> {
    await this.client.close();
  }
}

class WorkerConnection implements DatabaseConnection {
  constructor(private readonly client: SqliteWorkerClient) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const r = await this.client.query(q.sql, q.parameters);
    if (r.rows) return { rows: r.rows as R[] };
    return {
      numAffectedRows: r.changes !== undefined ? BigInt(r.changes) : undefined,
      insertId: r.lastInsertRowid !== undefined ? BigInt(r.lastInsertRowid) : undefined,
      rows: [],
    };
  }

  // Nothing streams from the store today (exports page through queries); rows would cross the thread in one message anyway.
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("the SQLite worker store does not stream queries; page through them instead");
  }
}

/**
 * In order of asking, background work (ticks, jobs) before request work (lib/store/priority.ts):
 * a request queue never makes the tick miss its slot. Requests cannot starve: background work
 * is a few statements a second.
 */
class ConnectionLock {
  private held = false;
  private readonly background: (() => void)[] = [];
  private readonly requests: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    const queue = isRequestWork() ? this.requests : this.background;
    return new Promise((resolve) => queue.push(resolve));
  }

  release(): void {
    const next = this.background.shift() ?? this.requests.shift();
    if (next) next();
    else this.held = false;
  }
}
