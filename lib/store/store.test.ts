import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "./store";
import { getMeta, setMeta, setMetaIfAbsent } from "./meta";
import { postgresBackend, sqliteBackend, type Backend } from "./testing/backends";

const T0 = 1_700_000_000_000;

function storeSuite(backend: Backend): void {
  describe(`store on ${backend.name}`, () => {
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
      await store.db.deleteFrom("meta").execute();
    });

    it("upserts meta values and keeps a first value when asked to", async () => {
      expect(await getMeta(store, "first_start")).toBeNull();
      await setMeta(store, "k", "1");
      await setMeta(store, "k", "2");
      expect(await getMeta(store, "k")).toBe("2");
      expect(await setMetaIfAbsent(store, "first_start", String(T0))).toBe(String(T0));
      expect(await setMetaIfAbsent(store, "first_start", String(T0 + 1))).toBe(String(T0));
    });

    it("answers a ping, and rejects one once closed", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping(500)).rejects.toThrow(/closed/);
      await expect(getMeta(store, "k")).rejects.toThrow();
      // A SQLite data folder serves one store at a time (lib/store/sqlite.ts lockDataDir): reopen it for the next tests.
      store = await backend.open();
    });

    it("describes itself without credentials", () => {
      expect(store.describe()).toMatch(new RegExp(`^${backend.name}:`));
      expect(store.describe()).not.toMatch(/:[^:@/]+@/);
    });
  });
}

storeSuite(sqliteBackend());
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) storeSuite(postgresBackend(databaseUrl));
