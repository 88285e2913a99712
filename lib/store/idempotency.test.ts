import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Unprocessable } from "../errors";
import type { Store } from "./store";
import { sqliteBackend } from "./testing/backends";
import { IDEMPOTENCY_RETENTION_MS, idempotencyPurger, runOnce } from "./idempotency";

const T0 = 1_795_000_000_000;

describe("runOnce", () => {
  const backend = sqliteBackend();
  let store: Store;
  beforeAll(async () => {
    await backend.setup();
    store = await backend.open();
  });
  afterAll(() => backend.teardown(store));

  const count = async () => Number((await store.db.selectFrom("meta").select((eb) => eb.fn.countAll().as("n")).where("key", "like", "once:%").executeTakeFirstOrThrow()).n);
  const work = (value: string) => async (trx: Parameters<Parameters<typeof runOnce>[3]>[0]) => {
    await trx.insertInto("meta").values({ key: `once:${value}:${Math.random()}`, value }).execute();
    return { value, answer: { status: 201, body: { value } } };
  };

  it("runs the work once per key and replays its answer; another request with the key is 422", async () => {
    const req = { scope: "local:Ada", key: "k1", fingerprint: "f1" };
    const first = await runOnce(store.db, req, T0, work("a"));
    expect(first).toEqual({ replayed: false, value: "a", answer: { status: 201, body: { value: "a" } } });
    expect(await runOnce(store.db, req, T0 + 1000, work("b"))).toEqual({ replayed: true, answer: { status: 201, body: { value: "a" } } });
    await expect(runOnce(store.db, { ...req, fingerprint: "f2" }, T0, work("c"))).rejects.toBeInstanceOf(Unprocessable);
    expect(await count()).toBe(1);
    // Another user's same key is another key.
    expect((await runOnce(store.db, { ...req, scope: "local:Grace" }, T0, work("d"))).replayed).toBe(false);
    expect(await count()).toBe(2);
  });

  it("a work that fails writes nothing and leaves the key free", async () => {
    const req = { scope: "local:Ada", key: "k2", fingerprint: "f" };
    const before = await count();
    await expect(
      runOnce(store.db, req, T0, async (trx) => {
        await work("lost")(trx);
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await count()).toBe(before);
    expect((await runOnce(store.db, req, T0, work("e"))).replayed).toBe(false);
  });

  it("keeps keys for the retention window, then the purge drops them", async () => {
    const req = { scope: "local:Ada", key: "old", fingerprint: "f" };
    await runOnce(store.db, req, T0, work("old"));
    const purger = idempotencyPurger(store.db);
    expect(await purger.purge(T0 + IDEMPOTENCY_RETENTION_MS)).toBe(0);
    expect(IDEMPOTENCY_RETENTION_MS).toBeGreaterThanOrEqual(24 * 3600_000);
    expect((await runOnce(store.db, req, T0 + IDEMPOTENCY_RETENTION_MS, work("again"))).replayed).toBe(true);
    expect(await purger.purge(T0 + IDEMPOTENCY_RETENTION_MS + 1)).toBeGreaterThanOrEqual(1);
    expect((await runOnce(store.db, req, T0 + IDEMPOTENCY_RETENTION_MS + 2, work("new"))).replayed).toBe(false);
  });
});
