import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, migrateToLatest } from "../store/migrations";
import { createPgPool, parsePgUrl } from "../store/postgres";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";
import { postgresBackend, sqliteBackend, type Backend } from "../store/testing/backends";
import { assertLocalDatabaseUrl } from "../store/testing/local-database";
import { decodeSample } from "./packed";
import { insertIngestSamples, purgeIngestSamplesBefore } from "./repo";
import { SampleSchema } from "./schema";

const T = 1_795_000_000_000;
const sample = (service: string, t: number, requests: number) =>
  SampleSchema.parse({ service, t, intervalSeconds: 10, requests, errors: 1, latency: { quantiles: { p50Ms: 20, p95Ms: 80, p99Ms: 140 } }, saturation: { cpuPct: 40 } });
const row = (service: string, t: number, requests = 100) => ({ service, t, intervalMs: 10_000, raw: sample(service, t, requests) });

const stored = async (store: Pick<Store, "db">) =>
  (await store.db.selectFrom("ingest_samples").selectAll().orderBy("t").orderBy("service").execute()).map((r) => ({ service: r.service, t: Number(r.t), receivedAt: Number(r.received_at), sample: decodeSample(r.service, Number(r.t), r.sample) }));

function suite(backend: Backend): void {
  describe(`ingest_samples on ${backend.name}`, () => {
    let store: Store | undefined;
    afterAll(async () => {
      await backend.teardown(store);
      await store?.close();
    });

    it("stores every new sample once, as received; a (service, t) already stored stays as it was", async () => {
      await backend.setup();
      store = await backend.open();
      // 1,200 rows: several of the repo's 500-row statements on Postgres.
      const first = Array.from({ length: 1_200 }, (_, i) => row(["api", "db", "web"][i % 3], T + Math.floor(i / 3) * 1000));
      expect((await insertIngestSamples(store, first, T)).every(Boolean)).toBe(true);
      const again = [row("api", T, 999), row("api", T + 400_000), row("db", T + 1000, 999)];
      expect(await insertIngestSamples(store, again, T + 5)).toEqual([false, true, false]);
      const rows = await stored(store);
      expect(rows).toHaveLength(1_201);
      expect(rows[0]).toEqual({ service: "api", t: T, receivedAt: T, sample: sample("api", T, 100) });
      expect(rows.at(-1)).toEqual({ service: "api", t: T + 400_000, receivedAt: T + 5, sample: sample("api", T + 400_000, 100) });
    });

    it("a big batch mixing new and stored samples: each is reported and stored exactly as one at a time would be", async () => {
      // 250 rows: the SQLite worker inserts 100-row chunks (lib/store/sqlite-worker.mjs runPacked);
      // the first chunk has two stored samples (api at T, db at T + 1000), the others none.
      const mixed = Array.from({ length: 250 }, (_, i) => (i === 10 ? row("api", T, 7) : i === 50 ? row("db", T + 1000, 7) : row("cache", T + i * 1000, 7)));
      const fresh = await insertIngestSamples(store!, mixed, T + 9);
      expect(fresh.filter((f) => !f)).toHaveLength(2);
      expect([fresh[10], fresh[50], fresh[0], fresh[99], fresh[100], fresh[249]]).toEqual([false, false, true, true, true, true]);
      const rows = await stored(store!);
      expect(rows).toHaveLength(1_201 + 248);
      expect(rows.filter((r) => r.service === "cache").every((r) => r.receivedAt === T + 9)).toBe(true);
      expect(rows.find((r) => r.service === "api" && r.t === T)?.sample.requests).toBe(100);
      await store!.db.deleteFrom("ingest_samples").where("service", "=", "cache").execute();
    });

    it("retention removes the samples before a time and keeps the rest", async () => {
      expect(await purgeIngestSamplesBefore(store!, T + 200_000)).toBe(600);
      const rows = await stored(store!);
      expect(rows).toHaveLength(601);
      expect(Math.min(...rows.map((r) => r.t))).toBe(T + 200_000);
    });
  });
}

suite(sqliteBackend());
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) suite(postgresBackend(databaseUrl));

/** Migration 0014 on a store that already holds pushed samples as JSON text: they stay readable and keep their idempotency. */
const BEFORE = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0014"));
type Target = { name: string; open(): Promise<{ db: Kysely<Database>; migrate(all: boolean): Promise<void>; close(): Promise<void> }> };

const sqliteTarget: Target = {
  name: "sqlite",
  async open() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-ingest-0014-"));
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

function postgresTarget(url: string): Target {
  return {
    name: "postgres",
    async open() {
      assertLocalDatabaseUrl(url);
      const schema = `wr_ingest_${process.pid}_${randomBytes(4).toString("hex")}`;
      const pool = createPgPool(parsePgUrl(url), { schema, max: 2, queryTimeoutMs: 10_000, onIdleError: () => undefined });
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

for (const target of databaseUrl ? [sqliteTarget, postgresTarget(databaseUrl)] : [sqliteTarget]) {
  describe(`migration 0014_ingest_samples on ${target.name}`, () => {
    let close: (() => Promise<void>) | undefined;
    afterAll(async () => close?.());

    it("keeps the samples stored before it: readable, and a resend of them is still a duplicate", async () => {
      const t = await target.open();
      close = t.close;
      await t.migrate(false);
      const old = sample("api", T, 7);
      await sql`insert into ingest_samples (service, t, interval_ms, sample, received_at) values ('api', ${T}, 10000, ${JSON.stringify(old)}, ${T})`.execute(t.db);
      await t.migrate(true);
      expect(await stored(t)).toEqual([{ service: "api", t: T, receivedAt: T, sample: old }]);
      expect(await insertIngestSamples({ db: t.db } as Store, [row("api", T), row("api", T + 1000)], T + 1)).toEqual([false, true]);
      expect((await stored(t)).map((r) => r.sample)).toEqual([old, sample("api", T + 1000, 100)]);
    });
  });
}
