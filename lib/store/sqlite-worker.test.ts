import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store";
import { getMeta, setMeta } from "./meta";
import { asRequestWork } from "./priority";

/** SQLite in its worker thread (lib/store/sqlite-worker.mjs): what callers relied on with the synchronous handle still holds. */
const HEAVY = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000) select count(*) as n from c`;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-worker-"));
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("SQLite worker store", () => {
  it("keeps a transaction on its connection: nobody else's statement runs in between, and a rollback leaves nothing", async () => {
    const order: string[] = [];
    let outside: Promise<string | null> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto("meta").values({ key: "k", value: "in trx" }).execute();
      // Asked while the transaction is open: it waits for the commit and then sees it.
      outside = getMeta(store, "k").then((v) => (order.push("outside read"), v));
      await new Promise((r) => setTimeout(r, 20));
      await trx.updateTable("meta").set({ value: "committed" }).where("key", "=", "k").execute();
      order.push("commit");
    });
    expect(await outside).toBe("committed");
    expect(order).toEqual(["commit", "outside read"]);

    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto("meta").values({ key: "gone", value: "x" }).execute();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await getMeta(store, "gone")).toBeNull();
  });

  it("reports a refused statement as the same SqliteError with its code, and keeps serving", async () => {
    await setMeta(store, "dup", "1");
    const err = await store.db.insertInto("meta").values({ key: "dup", value: "2" }).execute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BetterSqlite3.SqliteError);
    expect((err as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    await expect(sql`select nope from nowhere`.execute(store.db)).rejects.toThrow(/no such table: nowhere/);
    expect(await getMeta(store, "dup")).toBe("1");
  });

  it("batches one statement over many rows in one transaction and tells which rows changed", async () => {
    const insert = "insert into ingest_samples (service, t, interval_ms, sample, received_at) values (?, ?, ?, ?, ?) on conflict (service, t) do nothing";
    expect(await store.sqliteBatch!(insert, [["api", 1, 1000, "{}", 5]])).toEqual([1]);
    expect(await store.sqliteBatch!(insert, [["api", 1, 1000, "{}", 6], ["api", 2, 1000, "{}", 6]])).toEqual([0, 1]);
    const rows = await store.db.selectFrom("ingest_samples").select(["t", "received_at"]).orderBy("t").execute();
    expect(rows.map((r) => [Number(r.t), Number(r.received_at)])).toEqual([[1, 5], [2, 6]]);
  });

  it("batches rows packed by column and tells which rows changed", async () => {
    const insert = "insert into ingest_samples (service, t, interval_ms, sample, received_at) values (?, ?, ?, ?, ?) on conflict (service, t) do nothing";
    const pack = (services: string[], index: number[], t: number[], samples: string[], at: number) => ({
      rows: t.length,
      columns: [{ dict: services, index: Uint32Array.from(index) }, { numbers: Float64Array.from(t) }, { numbers: Float64Array.from(t.map(() => 1000)) }, { lines: samples.join("\n") }, { value: at }],
    });
    expect([...(await store.sqliteBatchPacked!(insert, pack(["api"], [0], [1], ['{"a":"x\\ny"}'], 5)))]).toEqual([1]);
    expect([...(await store.sqliteBatchPacked!(insert, pack(["db", "api"], [1, 0, 1], [1, 1, 2], ["{}", '{"b":1}', "[]"], 6)))]).toEqual([0, 1, 1]);
    const rows = await store.db.selectFrom("ingest_samples").select(["service", "t", "interval_ms", "sample", "received_at"]).orderBy("service").orderBy("t").execute();
    expect(rows.map((r) => [r.service, Number(r.t), Number(r.interval_ms), r.sample, Number(r.received_at)])).toEqual([
      ["api", 1, 1000, '{"a":"x\\ny"}', 5],
      ["api", 2, 1000, "[]", 6],
      ["db", 1, 1000, '{"b":1}', 6],
    ]);
  });

  it("serves background work (ticks, jobs) before request work waiting at the connection", async () => {
    const order: string[] = [];
    const heavy = HEAVY.execute(store.db).then(() => order.push("heavy"));
    const request = asRequestWork(() => getMeta(store, "a")).then(() => order.push("request"));
    const tick = getMeta(store, "b").then(() => order.push("tick"));
    await Promise.all([heavy, request, tick]);
    expect(order).toEqual(["heavy", "tick", "request"]);
  });

  it("refuses statements once closed, and the folder can be opened again", async () => {
    await store.close();
    await expect(getMeta(store, "k")).rejects.toThrow();
    await expect(store.ping(500)).rejects.toThrow(/closed/);
    store = await openStore({ dataDir: dir });
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
