import type { Store } from "../store/store";
import { ingestKey } from "./convert";
import { packSampleBytes, packSamples } from "./packed";
import type { Sample } from "./schema";

/** A sample as stored: `raw` goes into `sample` in its packed form (lib/ingest/packed.ts). IngestSample fits as it is. */
export type IngestRow = { service: string; t: number; intervalMs: number; raw: Sample };

const BATCH = 500;
const INSERT_HEAD = "insert into ingest_samples (service, t, interval_ms, sample, received_at) values ";
const INSERT_TAIL = " on conflict (t, service) do nothing";
const INSERT_SQL = `${INSERT_HEAD}(?, ?, ?, ?, ?)${INSERT_TAIL}`;
/** Rows per multi-row insert in the SQLite worker (5 parameters each, far below SQLite's 32,766). */
const CHUNK_ROWS = 100;
const INSERT_CHUNK_SQL = `${INSERT_HEAD}${Array.from({ length: CHUNK_ROWS }, () => "(?, ?, ?, ?, ?)").join(", ")}${INSERT_TAIL}`;

/**
 * Stores pushed samples; a (service, t) already stored is left as it was (idempotent).
 * Returns, per row, whether it was new (this call wrote it).
 */
export async function insertIngestSamples(store: Store, rows: readonly IngestRow[], receivedAt: number): Promise<boolean[]> {
  const fresh: boolean[] = new Array<boolean>(rows.length).fill(false);
  if (rows.length === 0) return fresh;
  if (store.sqliteBatchPacked) {
    // Hot path: one prepared statement in one transaction, in the database's worker thread, the
    // rows sent as columns (lib/store/sqlite-worker-client.ts PackedBatch): services as a
    // dictionary, times in a Float64Array, the samples packed into one more (lib/ingest/packed.ts).
    const n = rows.length;
    const services: string[] = [];
    const serviceAt = new Map<string, number>();
    const index = new Uint32Array(n);
    const t = new Float64Array(n);
    const intervalMs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      let k = serviceAt.get(r.service);
      if (k === undefined) {
        k = services.push(r.service) - 1;
        serviceAt.set(r.service, k);
      }
      index[i] = k;
      t[i] = r.t;
      intervalMs[i] = r.intervalMs;
    }
    const { data, offsets } = packSamples(rows);
    const changes = await store.sqliteBatchPacked(INSERT_SQL, {
      rows: n,
      chunk: { rows: CHUNK_ROWS, sql: INSERT_CHUNK_SQL },
      columns: [{ dict: services, index }, { numbers: t }, { numbers: intervalMs }, { blobs: data, offsets }, { value: receivedAt }],
    });
    for (let i = 0; i < n; i++) fresh[i] = changes[i] === 1;
    return fresh;
  }
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(ingestKey(r.service, r.t), i));
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const inserted = await trx
        .insertInto("ingest_samples")
        .values(rows.slice(i, i + BATCH).map((r) => ({ service: r.service, t: r.t, interval_ms: r.intervalMs, sample: packSampleBytes(r.raw), received_at: receivedAt })))
        .onConflict((oc) => oc.columns(["t", "service"]).doNothing())
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

/** The primary key starts with `t` (migration 0014_ingest_samples): this deletes one range of it. */
export async function purgeIngestSamplesBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("ingest_samples").where("t", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}
