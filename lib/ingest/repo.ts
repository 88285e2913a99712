import type { Store } from "../store/store";
import { ingestKey } from "./convert";

/** A sample as stored: `raw` is what was received (JSON text in `sample`). IngestSample fits as it is. */
export type IngestRow = { service: string; t: number; intervalMs: number; raw: unknown };

const BATCH = 500;

/**
 * Stores pushed samples; a (service, t) already stored is left as it was (idempotent).
 * Returns, per row, whether it was new (this call wrote it).
 */
export async function insertIngestSamples(store: Store, rows: readonly IngestRow[], receivedAt: number): Promise<boolean[]> {
  const fresh: boolean[] = new Array<boolean>(rows.length).fill(false);
  if (rows.length === 0) return fresh;
  if (store.sqliteBatch) {
    // Hot path: one prepared statement in one transaction, in the database's worker thread.
    const changes = await store.sqliteBatch(
      "insert into ingest_samples (service, t, interval_ms, sample, received_at) values (?, ?, ?, ?, ?) on conflict (service, t) do nothing",
      rows.map((r) => [r.service, r.t, r.intervalMs, JSON.stringify(r.raw), receivedAt]),
    );
    for (let i = 0; i < rows.length; i++) fresh[i] = changes[i] === 1;
    return fresh;
  }
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(ingestKey(r.service, r.t), i));
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const inserted = await trx
        .insertInto("ingest_samples")
        .values(rows.slice(i, i + BATCH).map((r) => ({ service: r.service, t: r.t, interval_ms: r.intervalMs, sample: JSON.stringify(r.raw), received_at: receivedAt })))
        .onConflict((oc) => oc.columns(["service", "t"]).doNothing())
        .returning(["service", "t"])
        .execute();
      for (const r of inserted) fresh[index.get(ingestKey(r.service, Number(r.t)))!] = true;
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
