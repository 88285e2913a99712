import fs from "node:fs/promises";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describeError } from "./errors";

export const SQLITE_FILE_NAME = "war-room.sqlite";

type Warn = (o: object, msg?: string) => void;

/** Opens (creating if needed) `<dataDir>/war-room.sqlite`, tuned so acknowledged writes survive. */
export async function openSqliteFile(dataDir: string, warn: Warn): Promise<{ sqlite: BetterSqlite3.Database; file: string }> {
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    await fs.mkdir(dataDir, { recursive: true });
    sqlite = new BetterSqlite3(file);
    const journal = sqlite.pragma("journal_mode = WAL", { simple: true });
    if (journal !== "wal") warn({ file, journal }, "SQLite refused WAL mode; writes stay durable but readers block writers");
    // FULL in WAL mode fsyncs the log on every commit: an acknowledged write survives power loss.
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    return { sqlite, file };
  } catch (e) {
    sqlite?.close();
    throw new Error(`Cannot open SQLite database at ${file}: ${describeError(e)}`, { cause: e });
  }
}
