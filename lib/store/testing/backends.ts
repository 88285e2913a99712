/** The stores the store-level suites run against: a fresh SQLite folder, or a Postgres schema of their own. */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { openStore, type Store } from "../store";
import { assertLocalDatabaseUrl } from "./local-database";

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), "war-room-store-"));

export type Backend = {
  name: string;
  /** Prepares a fresh, empty target; throws if the target is not allowed. */
  setup(): Promise<void>;
  open(): Promise<Store>;
  /** Same target for another process; see lib/drills/testing/durability-child.ts. */
  childTarget(): { dataDir: string; databaseUrl?: string; pgSchema?: string };
  teardown(store: Store | undefined): Promise<void>;
};

export function sqliteBackend(): Backend {
  let dataDir = "";
  return {
    name: "sqlite",
    setup: async () => void (dataDir = await tempDir()),
    open: () => openStore({ dataDir }),
    childTarget: () => ({ dataDir }),
    teardown: async () => {
      if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(databaseUrl: string): Backend {
  const pgSchema = `wr_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  let dataDir = "";
  return {
    name: "postgres",
    setup: async () => {
      assertLocalDatabaseUrl(databaseUrl);
      dataDir = await tempDir();
    },
    open: () => openStore({ databaseUrl, dataDir, pgSchema }),
    childTarget: () => ({ dataDir, databaseUrl, pgSchema }),
    teardown: async (store) => {
      if (store) await sql`drop schema if exists ${sql.id(pgSchema)} cascade`.execute(store.db);
      if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
