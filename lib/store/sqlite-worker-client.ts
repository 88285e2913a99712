import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";

type Reply = { id: number; ok?: Record<string, unknown>; error?: { name: string; message: string; code?: string } };
type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

/**
 * Parameter columns of a batch, packed so the message to the worker is a few strings and typed
 * arrays instead of an array per row: structured clone of 4,000 small arrays cost more than the
 * inserts on the main thread (BENCHMARKS.md "Push ingest"). `lines` is the column's values joined
 * with "\n" (for values that cannot contain one, e.g. JSON.stringify output); `dict` names each
 * row's value by index into `values`; `blobs` gives row i the bytes of `blobs[offsets[i] .. offsets[i + 1])`
 * (packed ingest samples, lib/ingest/packed.ts); `value` is the same for every row.
 */
export type PackedColumn = { lines: string } | { numbers: Float64Array } | { dict: string[]; index: Uint32Array } | { blobs: Float64Array; offsets: Uint32Array } | { value: string | number };
/** `chunk`: the same statement for `chunk.rows` rows at once (lib/store/sqlite-worker.mjs runPacked), columns in the same order. */
export type PackedBatch = { rows: number; columns: PackedColumn[]; chunk?: { rows: number; sql: string } };

export type QueryResult = { rows?: Record<string, unknown>[]; changes?: number; lastInsertRowid?: number | bigint };

/**
 * The main thread's side of lib/store/sqlite-worker.mjs: one worker thread holds the
 * better-sqlite3 database, and every statement is a message to it, so a slow query blocks that
 * thread, never the event loop that answers health checks and sends ticks. Replies come back in
 * order. The worker is referenced only while something waits on it, so an idle store does not
 * keep the process alive (as the synchronous handle did not) and a pending query never lets it exit.
 */
export class SqliteWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(readonly file: string) {
    this.worker = new Worker(new URL("./sqlite-worker.mjs", import.meta.url), { workerData: { file } });
    this.worker.unref();
    this.worker.on("message", (m: Reply) => this.settle(m));
    this.worker.on("error", (e) => this.fail(new Error(`SQLite worker failed: ${e.message}`, { cause: e })));
    this.worker.on("exit", (code) => this.fail(new Error(`SQLite worker exited (code ${code})`)));
  }

  /** Starts the worker and opens the database in it with the durability pragmas; resolves with the journal mode. */
  static async open(file: string): Promise<{ client: SqliteWorkerClient; journal: string }> {
    const client = new SqliteWorkerClient(file);
    try {
      const r = await client.call({ op: "open" });
      return { client, journal: String(r.journal) };
    } catch (e) {
      await client.worker.terminate();
      throw e;
    }
  }

  /** Statements waiting for the worker (queued behind the one it runs). */
  get queued(): number {
    return this.pending.size;
  }

  async query(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    return (await this.call({ op: "query", sql, params })) as QueryResult;
  }

  /** Runs one statement for each parameter row, all in one transaction; the changes of each row. */
  async batch(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    return (await this.call({ op: "batch", sql, rows })).changes as number[];
  }

  /**
   * `batch` with the rows packed by column (PackedBatch); the changes (0 or 1) of each row. The
   * columns' typed arrays that own their whole buffer are moved to the worker, not copied (copying
   * a 4,000-sample batch took ~1.7 ms of the main thread, BENCHMARKS.md "Push ingest"): they are
   * empty (detached) for the caller afterwards.
   */
  async batchPacked(sql: string, packed: PackedBatch): Promise<Uint8Array> {
    const transfer: ArrayBuffer[] = [];
    for (const c of packed.columns) {
      for (const v of Object.values(c) as unknown[]) {
        if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && !transfer.includes(v.buffer)) transfer.push(v.buffer);
      }
    }
    return (await this.call({ op: "batch", sql, packed }, false, transfer)).changes as Uint8Array;
  }

  /** A round trip to the worker: it answers once the statement it is running (if any) is done. */
  async ping(): Promise<void> {
    await this.call({ op: "ping" });
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      if (!this.failure) await this.call({ op: "close" }, true).catch(() => undefined);
      this.failure ??= new Error(`SQLite store ${this.file} is closed`);
      await this.worker.terminate();
    })());
  }

  private call(message: Record<string, unknown>, closing = false, transfer: ArrayBuffer[] = []): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing && !closing) return Promise.reject(new Error(`SQLite store ${this.file} is closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.error) p.reject(toError(m.error));
    else p.resolve(m.ok ?? {});
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}

/** The same error class and code better-sqlite3 throws on the main thread (errors map as before). */
function toError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === "SqliteError" && e.code) return new BetterSqlite3.SqliteError(e.message, e.code);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  return err;
}
