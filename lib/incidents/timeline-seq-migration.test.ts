import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, migrateToLatest } from "../store/migrations";
import { createPgPool, parsePgUrl } from "../store/postgres";
import { assertLocalDatabaseUrl } from "../store/testing/local-database";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";
import { insertEntries, listEntries } from "./repo";
import { latestRunbookChecks } from "./runbook-checks-repo";
import type { EntryDraft } from "./model";

/**
 * Migration 0008_timeline_entry_seq on a store that already holds timelines: existing entries
 * are numbered in the order the timeline showed them, and new ones continue after them.
 */
const T0 = 1_795_000_000_000;
const BEFORE = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0008"));

type Target = { name: string; open(): Promise<{ db: Kysely<Database>; migrate(all: boolean): Promise<void>; close(): Promise<void> }> };

const sqliteTarget: Target = {
  name: "sqlite",
  async open() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-seq-"));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path.join(dir, "db.sqlite")) }) });
    return {
      db,
      migrate: async (all) => void (await migrateToLatest(db, all ? {} : { migrations: BEFORE })),
      close: async () => {
        await db.destroy();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgresTarget(databaseUrl: string): Target {
  return {
    name: "postgres",
    async open() {
      assertLocalDatabaseUrl(databaseUrl);
      const schema = `wr_seq_${process.pid}_${randomBytes(4).toString("hex")}`;
      const pool = createPgPool(parsePgUrl(databaseUrl), { schema, max: 2, queryTimeoutMs: 10_000, onIdleError: () => undefined });
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      await sql`create schema ${sql.id(schema)}`.execute(db);
      return {
        db,
        migrate: async (all) => void (await migrateToLatest(db, { migrationTableSchema: schema, ...(all ? {} : { migrations: BEFORE }) })),
        close: async () => {
          await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
          await db.destroy();
        },
      };
    },
  };
}

function row(id: string, occurredAt: number, recordedAt: number) {
  return { id, incident_id: "inc", kind: "note", body: id, occurred_at: occurredAt, recorded_at: recordedAt, author: "ada", source: "user", pinned: 0, version: 1, snapshot: JSON.stringify({ t: T0, services: {} }) };
}

function suite(target: Target): void {
  describe(`migration 0008 on ${target.name}`, () => {
    let close: (() => Promise<void>) | undefined;
    afterAll(async () => close?.());

    it("numbers existing entries in their timeline order; new entries and runbook checks follow", async () => {
      const t = await target.open();
      close = t.close;
      await t.migrate(false);
      await sql`insert into incidents (id, number, title, severity, status, services, drill, summary, started_at, detected_at, created_at, created_by, roles, version, updated_at)
        values ('inc', 1, 'x', 'SEV2', 'investigating', '[]', 0, '', ${T0}, ${T0}, ${T0}, 'ada', '[]', 1, ${T0})`.execute(t.db);
      // Inserted out of order; the old order was occurredAt, then recordedAt, then id.
      for (const r of [row("c", T0 + 2_000, T0 + 2_000), row("b", T0 + 1_000, T0 + 5_000), row("a", T0 + 1_000, T0 + 3_000), row("d", T0 + 1_000, T0 + 3_000)]) {
        await sql`insert into timeline_entries (id, incident_id, kind, body, occurred_at, recorded_at, author, source, pinned, version, snapshot)
          values (${r.id}, ${r.incident_id}, ${r.kind}, ${r.body}, ${r.occurred_at}, ${r.recorded_at}, ${r.author}, ${r.source}, ${r.pinned}, ${r.version}, ${r.snapshot})`.execute(t.db);
      }
      await sql`insert into runbook_checks (id, incident_id, runbook, step_index, step_text, checked, checked_by, at) values ('old', 'inc', 'rb', 0, 'step', 1, 'ada', ${T0})`.execute(t.db);
      await t.migrate(true);

      const store = { db: t.db } as Store;
      const before = await listEntries(store, "inc");
      expect(before.map((e) => [e.id, e.seq])).toEqual([["a", 1], ["d", 2], ["b", 3], ["c", 4]]);

      const draft = (id: string): EntryDraft => ({ id, incidentId: "inc", kind: "note", body: id, occurredAt: T0 + 1_000, recordedAt: T0 + 9_000, author: "ada", source: "user", pinned: false, version: 1, snapshot: { t: T0, services: {} } });
      const added = await insertEntries(t.db, [draft("e"), draft("f")]);
      expect(added.map((e) => e.seq)).toEqual([5, 6]);
      expect((await listEntries(store, "inc")).map((e) => e.id)).toEqual(["a", "d", "b", "e", "f", "c"]);
      // A check made before the migration keeps its state until a newer one comes.
      expect((await latestRunbookChecks(store, "inc", "rb")).get(0)).toMatchObject({ checked: true, by: "ada" });
    });
  });
}

suite(sqliteTarget);
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) suite(postgresTarget(databaseUrl));
