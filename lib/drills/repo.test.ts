import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Drill } from "./types";
import type { Store } from "../store/store";
import { getDrill, insertDrill, listDrills, purgeDrillsEndedBefore, stopDrill } from "./repo";
import { MIGRATIONS, migrateToLatest } from "../store/migrations";
import { postgresBackend, sqliteBackend, type Backend } from "../store/testing/backends";
import { killAfterAck } from "./testing/kill-after-ack";

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

function drill(id: string, startedAt: number, over: Partial<Drill> = {}): Drill & { createdAt: number } {
  return { id, kind: "errors", target: "payments", magnitude: 20.5, startedAt, endsAt: startedAt + 5 * MINUTE, stoppedAt: null, createdBy: "ana", note: "game day", createdAt: startedAt, ...over };
}

function drillStoreSuite(backend: Backend): void {
  describe(`drill store on ${backend.name}`, () => {
    let store: Store;

    beforeAll(async () => {
      await backend.setup();
      store = await backend.open();
    });
    afterAll(async () => {
      await backend.teardown(store);
      await store?.close();
    });
    beforeEach(async () => {
      await store.db.deleteFrom("drills").execute();
    });

    it("opens again on the same database without re-running migrations, keeping the data", async () => {
      await insertDrill(store, drill("d-keep", T0));
      // Closed first: a SQLite data folder serves one store at a time (lib/store/sqlite.ts lockDataDir).
      await store.close();
      store = await backend.open();
      const ran = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      expect(await getDrill(store, "d-keep")).toMatchObject({ id: "d-keep", kind: "errors" });
    });

    it("stores a drill and reads it back unchanged", async () => {
      const d = drill("d-1", T0, { stoppedAt: T0 + MINUTE, note: "zürich 🔥" });
      await insertDrill(store, d);
      const { createdAt: _createdAt, ...expected } = d;
      expect(await getDrill(store, "d-1")).toStrictEqual(expected);
      expect(await getDrill(store, "nope")).toBeNull();
    });

    it("rejects a second drill with the same id", async () => {
      await insertDrill(store, drill("d-dup", T0));
      await expect(insertDrill(store, drill("d-dup", T0 + 1))).rejects.toThrow();
    });

    it("lists drills newest first, from `since`, up to `limit`", async () => {
      for (let i = 0; i < 5; i++) await insertDrill(store, drill(`d-${i}`, T0 + i * MINUTE));
      expect((await listDrills(store, {})).map((d) => d.id)).toEqual(["d-4", "d-3", "d-2", "d-1", "d-0"]);
      expect((await listDrills(store, { limit: 2 })).map((d) => d.id)).toEqual(["d-4", "d-3"]);
      expect((await listDrills(store, { since: T0 + 2 * MINUTE })).map((d) => d.id)).toEqual(["d-4", "d-3", "d-2"]);
      await expect(listDrills(store, { limit: 0 })).rejects.toThrow(/limit/);
    });

    it("caps a list at 1000 drills", async () => {
      const rows = Array.from({ length: 1001 }, (_, i) => drill(`bulk-${i}`, T0 + i));
      await store.db
        .insertInto("drills")
        .values(rows.map((d) => ({ id: d.id, kind: d.kind, target: d.target, magnitude: d.magnitude, started_at: d.startedAt, ends_at: d.endsAt, stopped_at: null, created_by: d.createdBy, note: d.note, created_at: d.createdAt })))
        .execute();
      expect(await listDrills(store, { limit: 5000 })).toHaveLength(1000);
      expect(await listDrills(store)).toHaveLength(100);
    });

    it("stops a drill once, and not after its planned end", async () => {
      await insertDrill(store, drill("d-stop", T0));
      expect((await stopDrill(store, "d-stop", T0 + MINUTE))?.stoppedAt).toBe(T0 + MINUTE);
      expect((await stopDrill(store, "d-stop", T0 + 2 * MINUTE))?.stoppedAt).toBe(T0 + MINUTE);

      await insertDrill(store, drill("d-over", T0));
      expect((await stopDrill(store, "d-over", T0 + 5 * MINUTE))?.stoppedAt).toBeNull();
      expect(await stopDrill(store, "nope", T0)).toBeNull();
    });

    it("purges drills that ended (planned or stopped) before a time", async () => {
      await insertDrill(store, drill("old", T0)); // ends T0+5m
      await insertDrill(store, drill("stopped-early", T0 + 10 * MINUTE, { stoppedAt: T0 + 11 * MINUTE }));
      await insertDrill(store, drill("running", T0 + 10 * MINUTE)); // ends T0+15m
      expect(await purgeDrillsEndedBefore(store, T0 + 12 * MINUTE)).toBe(2);
      expect((await listDrills(store)).map((d) => d.id)).toEqual(["running"]);
      expect(await purgeDrillsEndedBefore(store, T0 + 12 * MINUTE)).toBe(0);
    });

    it("rejects a failing migration by name and leaves the schema as it was", async () => {
      const broken = { ...MIGRATIONS, "0999_broken": { up: async (db: Kysely<unknown>) => void (await sql`create tabel nonsense ()`.execute(db)) } };
      const migrationTableSchema = store.dialect === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0].s : undefined;
      await expect(migrateToLatest(store.db, { migrations: broken, migrationTableSchema })).rejects.toThrow(/migration "0999_broken" failed/);
      const ran = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
      expect(ran.rows.map((r) => r.name)).not.toContain("0999_broken");
      await insertDrill(store, drill("after-failure", T0));
    });

    it("keeps an acknowledged drill when the writing process is killed -9", async () => {
      const id = `durable-${randomBytes(4).toString("hex")}`;
      // The child must be the only process on the folder; reopening after its kill -9 also shows its lock died with it.
      await store.close();
      expect(await killAfterAck({ ...backend.childTarget(), id })).toBe("SIGKILL");
      store = await backend.open();
      expect(await getDrill(store, id)).toMatchObject({ id, kind: "latency", createdBy: "durability-test" });
      if (store.dialect === "sqlite") {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
        expect(check.rows).toEqual([{ integrity_check: "ok" }]);
      }
    });

  });
}


drillStoreSuite(sqliteBackend());
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) drillStoreSuite(postgresBackend(databaseUrl));
