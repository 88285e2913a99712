// @ts-check
/**
 * The thread that owns the SQLite database (lib/store/sqlite-worker-client.ts talks to it).
 * better-sqlite3 is synchronous: run on the main thread, every statement blocks health checks,
 * ticks and WebSocket sends (../shared PITFALLS.md). Here it blocks only this thread.
 * Plain JavaScript because a worker thread runs without the tsx loader (vitest, `npm start`).
 * Messages are handled one at a time, in order; the client keeps Kysely's one-connection lock,
 * so a transaction's statements are never interleaved with another caller's.
 */
import { Buffer } from "node:buffer";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const port = parentPort;
if (!port) throw new Error("sqlite-worker.mjs runs as a worker thread");

/** @type {{ file: string }} */
const { file } = workerData;
/** Prepared statements by SQL text: Kysely sends the same few hundred statements over and over. */
const statements = new Map();
const MAX_STATEMENTS = 500;

/** @type {import("better-sqlite3").Database | undefined} */
let db;

/** @param {unknown} e */
function describe(e) {
  const err = /** @type {{ name?: unknown; message?: unknown; code?: unknown }} */ (e ?? {});
  return {
    name: typeof err.name === "string" ? err.name : "Error",
    message: typeof err.message === "string" ? err.message : String(e),
    code: typeof err.code === "string" ? err.code : undefined,
  };
}

/** Structured clone turns a Buffer into a plain Uint8Array; better-sqlite3 binds Buffers. */
/** @param {unknown[]} params */
function bindable(params) {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
}

/** @param {import("better-sqlite3").Database} d @param {string} sql */
function prepare(d, sql) {
  let stmt = statements.get(sql);
  if (stmt) {
    statements.delete(sql);
    statements.set(sql, stmt);
    return stmt;
  }
  stmt = d.prepare(sql);
  statements.set(sql, stmt);
  if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value);
  return stmt;
}

/**
 * Runs `stmt` once per row of a packed batch (lib/store/sqlite-worker-client.ts PackedBatch),
 * building each row's parameters here rather than receiving an array per row. With
 * `packed.chunk` (the same insert for `chunk.rows` rows in one statement), whole chunks go in one
 * statement each, inside a savepoint: when its changes are the chunk's row count every row was
 * new; otherwise (a duplicate) the savepoint is rolled back and that chunk goes row by row, so
 * each row's changes are known either way. One statement per row was most of the worker's CPU
 * (BENCHMARKS.md "Push ingest").
 * @param {import("better-sqlite3").Database} d
 * @param {import("better-sqlite3").Statement} stmt
 * @param {{ rows: number; chunk?: { rows: number; sql: string }; columns: ({ lines: string } | { numbers: Float64Array } | { dict: string[]; index: Uint32Array } | { blobs: Float64Array; offsets: Uint32Array } | { value: string | number })[] }} packed
 */
function runPacked(d, stmt, packed) {
  const n = packed.rows;
  /** @type {((i: number) => unknown)[]} */
  const get = packed.columns.map((c) => {
    if ("lines" in c) {
      const values = c.lines.split("\n");
      return (i) => values[i];
    }
    if ("numbers" in c) return (i) => c.numbers[i];
    if ("dict" in c) return (i) => c.dict[c.index[i]];
    if ("blobs" in c) {
      // Each row's blob is a view on the one buffer that came with the message (bound as bytes, not copied here).
      const { blobs, offsets } = c;
      return (i) => Buffer.from(blobs.buffer, blobs.byteOffset + offsets[i] * 8, (offsets[i + 1] - offsets[i]) * 8);
    }
    return () => c.value;
  });
  const cols = get.length;
  const args = new Array(cols);
  const changes = new Uint8Array(n);
  const oneByOne = (/** @type {number} */ from, /** @type {number} */ to) => {
    for (let i = from; i < to; i++) {
      for (let k = 0; k < cols; k++) args[k] = get[k](i);
      changes[i] = stmt.run(args).changes;
    }
  };
  let i = 0;
  const chunk = packed.chunk;
  if (chunk && chunk.rows > 1 && n >= chunk.rows) {
    const many = prepare(d, chunk.sql);
    const save = prepare(d, "savepoint packed_chunk");
    const undo = prepare(d, "rollback to packed_chunk");
    const release = prepare(d, "release packed_chunk");
    const m = chunk.rows;
    const flat = new Array(m * cols);
    for (; i + m <= n; i += m) {
      for (let r = 0, a = 0; r < m; r++) for (let k = 0; k < cols; k++) flat[a++] = get[k](i + r);
      save.run();
      if (many.run(flat).changes === m) {
        release.run();
        changes.fill(1, i, i + m);
      } else {
        undo.run();
        release.run();
        oneByOne(i, i + m);
      }
    }
  }
  oneByOne(i, n);
  return changes;
}

/** @param {{ op: string; sql?: string; params?: unknown[]; rows?: unknown[][]; packed?: Parameters<typeof runPacked>[2] }} m */
function run(m) {
  if (m.op === "open") {
    db = new Database(file);
    const journal = db.pragma("journal_mode = WAL", { simple: true });
    // FULL in WAL mode fsyncs the log on every commit: an acknowledged write survives power loss.
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.pragma("wal_autocheckpoint = 10000");
    return { journal };
  }
  if (!db) throw new Error("SQLite database is not open");
  const d = db;
  switch (m.op) {
    case "query": {
      const stmt = prepare(d, m.sql ?? "");
      const params = bindable(m.params ?? []);
      if (stmt.reader) return { rows: stmt.all(params) };
      const r = stmt.run(params);
      return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
    }
    case "batch": {
      // One statement for many parameter rows, in one transaction (push ingest, lib/ingest/repo.ts).
      const stmt = prepare(d, m.sql ?? "");
      if (m.packed) return { changes: d.transaction(() => runPacked(d, stmt, m.packed))() };
      const rows = m.rows ?? [];
      const changes = d.transaction(() => rows.map((r) => stmt.run(bindable(r)).changes))();
      return { changes };
    }
    case "ping":
      d.prepare("select 1").get();
      return {};
    case "close":
      statements.clear();
      d.close();
      db = undefined;
      return {};
    default:
      throw new Error(`unknown SQLite worker op ${m.op}`);
  }
}

port.on("message", (/** @type {{ id: number; op: string }} */ m) => {
  try {
    port.postMessage({ id: m.id, ok: run(m) });
  } catch (e) {
    port.postMessage({ id: m.id, error: describe(e) });
  }
});
