import fs from "node:fs/promises";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describeError } from "./errors";
import { SqliteWorkerClient } from "./sqlite-worker-client";

export const SQLITE_FILE_NAME = "war-room.sqlite";
/** Held (a write lock) by the one process that serves a SQLite data folder. */
export const LOCK_FILE_NAME = "war-room.lock";
/** Who holds the lock, for the message a second process gets; the lock itself decides. */
export const PID_FILE_NAME = "war-room.pid";

/** A second War Room process on a SQLite data folder the first one serves. */
export class DataDirInUse extends Error {
  constructor(dataDir: string, pid: number | null) {
    super(`${dataDir} is in use by another War Room process (pid ${pid ?? "unknown"}); SQLite serves one instance — use PostgreSQL and REDIS_URL to run several`);
    this.name = "DataDirInUse";
  }
}

/**
 * Takes the data folder for this process, or throws DataDirInUse. The lock is an open write
 * transaction on a small SQLite file beside the database: an OS lock (fcntl) that the kernel
 * drops when the process dies, even by kill -9, so no stale lock can block a restart, and PID
 * reuse cannot fool it as it would a PID file. It is taken before the database is opened, so a
 * second process never touches the database (two writers would each keep their own memory of it).
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const pidFile = path.join(dataDir, PID_FILE_NAME);
  const lock = new BetterSqlite3(path.join(dataDir, LOCK_FILE_NAME), { timeout: 0 });
  try {
    lock.exec("BEGIN IMMEDIATE");
  } catch (e) {
    lock.close();
    if ((e as { code?: unknown }).code === "SQLITE_BUSY") throw new DataDirInUse(dataDir, readPid(pidFile));
    throw e;
  }
  try {
    writeFileSync(pidFile, `${process.pid}\n`);
  } catch (e) {
    lock.close();
    throw e;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      // Before the lock goes: once it is free, the pid file may already be the next holder's.
      if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
      lock.close();
    },
  };
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

type Warn = (o: object, msg?: string) => void;

/**
 * Opens (creating if needed) `<dataDir>/war-room.sqlite` in its worker thread
 * (lib/store/sqlite-worker.mjs), tuned so acknowledged writes survive (WAL, synchronous FULL).
 */
export async function openSqliteFile(dataDir: string, warn: Warn): Promise<{ client: SqliteWorkerClient; file: string; unlock: () => void }> {
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  let lock: { release(): void } | undefined;
  try {
    await fs.mkdir(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
    const { client, journal } = await SqliteWorkerClient.open(file);
    if (journal !== "wal") warn({ file, journal }, "SQLite refused WAL mode; writes stay durable but readers block writers");
    return { client, file, unlock: lock.release };
  } catch (e) {
    lock?.release();
    if (e instanceof DataDirInUse) throw e;
    throw new Error(`Cannot open SQLite database at ${file}: ${describeError(e)}`, { cause: e });
  }
}
