import type { Store } from "../store/store";
import { ingestKey } from "./convert";

export type IngestRow = { service: string; t: number; intervalMs: number; sample: unknown };

const BATCH = 500;

/**
 * Stores pushed samples; a (service, t) already stored is left as it was (idempotent).
 * Returns the keys `service\0t` that were new, i.e. that this call wrote.
 */
export async function insertIngestSamples(store: Store, rows: readonly IngestRow[], receivedAt: number): Promise<Set<string>> {
  const fresh = new Set<string>();
  if (rows.length === 0) return fresh;
  if (store.sqliteBatch) {
    // Hot path: one prepared statement in one transaction, in the database's worker thread.
    const changes = await store.sqliteBatch(
      "insert into ingest_samples (service, t, interval_ms, sample, received_at) values (?, ?, ?, ?, ?) on conflict (service, t) do nothing",
      rows.map((r) => [r.service, r.t, r.intervalMs, JSON.stringify(r.sample), receivedAt]),
    );
    rows.forEach((r, i) => {
      if (changes[i] === 1) fresh.add(ingestKey(r.service, r.t));
    });
    return fresh;
  }
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const inserted = await trx
        .insertInto("ingest_samples")
        .values(rows.slice(i, i + BATCH).map((r) => ({ service: r.service, t: r.t, interval_ms: r.intervalMs, sample: JSON.stringify(r.sample), received_at: receivedAt })))
        .onConflict((oc) => oc.columns(["service", "t"]).doNothing())
        .returning(["service", "t"])
        .execute();
      for (const r of inserted) fresh.add(ingestKey(r.service, Number(r.t)));
    }
  });
  return fresh;
}

/** Pushed samples are kept for idempotency checks a while after they were applied. */
export const INGEST_RETENTION_MS = 2 * 24 * 3600_000;

/** Retention (lib/store/retention.ts) of `ingest_samples`. */
export const ingestSamplesPurger = (store: Store) => ({ name: "pushed", purge: (now: number) => purgeIngestSamplesBefore(store, now - INGEST_RETENTION_MS) });

export async function purgeIngestSamplesBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("ingest_samples").where("t", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}
