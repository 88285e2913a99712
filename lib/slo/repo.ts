import { sql } from "kysely";
import type { Store } from "../store/store";

export type SliRow = { sloId: string; start: number; spanMs: number; good: number; total: number };

const BATCH = 400;

/** Writes (or overwrites) SLI buckets; idempotent on (slo, start). */
export async function upsertSliCounts(store: Store, rows: readonly SliRow[]): Promise<void> {
  if (rows.length === 0) return;
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx
        .insertInto("sli_counts")
        .values(rows.slice(i, i + BATCH).map((r) => ({ slo_id: r.sloId, start: r.start, span_ms: r.spanMs, good: r.good, total: r.total })))
        .onConflict((oc) =>
          oc.columns(["slo_id", "start"]).doUpdateSet((eb) => ({
            span_ms: eb.ref("excluded.span_ms"),
            good: eb.ref("excluded.good"),
            total: eb.ref("excluded.total"),
          })),
        )
        .execute();
    }
  });
}

/** Sum of good/total over buckets starting in [from, to). */
export async function sumSliCounts(store: Store, sloId: string, from: number, to: number): Promise<{ good: number; total: number }> {
  const row = await store.db
    .selectFrom("sli_counts")
    .select([sql<number | null>`sum(good)`.as("good"), sql<number | null>`sum(total)`.as("total")])
    .where("slo_id", "=", sloId)
    .where("start", ">=", from)
    .where("start", "<", to)
    .executeTakeFirst();
  return { good: Number(row?.good ?? 0), total: Number(row?.total ?? 0) };
}

/** Buckets in [from, to), oldest first (burn-down charts). */
export async function listSliCounts(store: Store, sloId: string, from: number, to: number): Promise<SliRow[]> {
  const rows = await store.db
    .selectFrom("sli_counts")
    .selectAll()
    .where("slo_id", "=", sloId)
    .where("start", ">=", from)
    .where("start", "<", to)
    .orderBy("start")
    .execute();
  return rows.map((r) => ({ sloId: r.slo_id, start: Number(r.start), spanMs: Number(r.span_ms), good: Number(r.good), total: Number(r.total) }));
}

export async function purgeSliCountsBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("sli_counts").where("start", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Earliest and latest row start of every SLO that has rows, in one query (start-up of a large estate). */
export async function sliStartBounds(store: Store): Promise<Map<string, { earliest: number; latest: number }>> {
  const rows = await store.db
    .selectFrom("sli_counts")
    .select(["slo_id", sql<number>`min(start)`.as("earliest"), sql<number>`max(start)`.as("latest")])
    .groupBy("slo_id")
    .execute();
  return new Map(rows.map((r) => [r.slo_id, { earliest: Number(r.earliest), latest: Number(r.latest) }]));
}

/** Rows of every SLO starting in [from, to), by SLO, each oldest first. */
export async function listSliCountsBySlo(store: Store, from: number, to: number): Promise<Map<string, SliRow[]>> {
  const rows = await store.db.selectFrom("sli_counts").selectAll().where("start", ">=", from).where("start", "<", to).orderBy("slo_id").orderBy("start").execute();
  const out = new Map<string, SliRow[]>();
  for (const r of rows) {
    const list = out.get(r.slo_id) ?? [];
    list.push({ sloId: r.slo_id, start: Number(r.start), spanMs: Number(r.span_ms), good: Number(r.good), total: Number(r.total) });
    out.set(r.slo_id, list);
  }
  return out;
}

/** Sums of the rows starting in [from, to) of the given SLOs, in one query. */
export async function sumSliCountsBySlo(store: Store, sloIds: readonly string[], from: number, to: number): Promise<Map<string, { good: number; total: number }>> {
  const out = new Map<string, { good: number; total: number }>();
  for (let i = 0; i < sloIds.length; i += 1000) {
    const rows = await store.db
      .selectFrom("sli_counts")
      .select(["slo_id", sql<number | null>`sum(good)`.as("good"), sql<number | null>`sum(total)`.as("total")])
      .where("slo_id", "in", sloIds.slice(i, i + 1000))
      .where("start", ">=", from)
      .where("start", "<", to)
      .groupBy("slo_id")
      .execute();
    for (const r of rows) out.set(r.slo_id, { good: Number(r.good ?? 0), total: Number(r.total ?? 0) });
  }
  return out;
}
