import type { Store } from "./store";

export async function getMeta(store: Store, key: string): Promise<string | null> {
  const row = await store.db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row ? row.value : null;
}

export async function setMeta(store: Store, key: string, value: string): Promise<void> {
  await store.db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/**
 * Stores `value` unless the key already has one, and returns what is stored: a first-start
 * time stays the first even when several instances start together.
 */
export async function setMetaIfAbsent(store: Store, key: string, value: string): Promise<string> {
  await store.db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return (await getMeta(store, key)) ?? value;
}
