import type { Selectable } from "kysely";
import { DrillKindSchema, type Drill } from "./types";
import type { DrillsTable } from "../store/schema";
import type { Store } from "../store/store";

const LIST_DEFAULT_LIMIT = 100;
const LIST_MAX_LIMIT = 1000;

export async function insertDrill(store: Store, drill: Drill & { createdAt: number }): Promise<void> {
  await store.db
    .insertInto("drills")
    .values({
      id: drill.id,
      kind: drill.kind,
      target: drill.target,
      magnitude: drill.magnitude,
      started_at: drill.startedAt,
      ends_at: drill.endsAt,
      stopped_at: drill.stoppedAt,
      created_by: drill.createdBy,
      note: drill.note,
      created_at: drill.createdAt,
    })
    .execute();
}

export async function getDrill(store: Store, id: string): Promise<Drill | null> {
  const row = await store.db.selectFrom("drills").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toDrill(row) : null;
}

/**
 * Stops a drill early at `at`: only the first stop counts, and never once it has ended. The stop
 * and the read of the result are one transaction: an error in either leaves the drill running in
 * the store as it still is in memory (lib/drills/service.ts updates memory after this resolves).
 */
export async function stopDrill(store: Store, id: string, at: number): Promise<Drill | null> {
  return store.db.transaction().execute(async (trx) => {
    await trx.updateTable("drills").set({ stopped_at: at }).where("id", "=", id).where("stopped_at", "is", null).where("ends_at", ">", at).execute();
    const row = await trx.selectFrom("drills").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toDrill(row) : null;
  });
}

/** Drills started at or after `since`, newest first. */
export async function listDrills(store: Store, opts: { since?: number; limit?: number } = {}): Promise<Drill[]> {
  const limit = opts.limit ?? LIST_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let query = store.db.selectFrom("drills").selectAll();
  if (opts.since !== undefined) query = query.where("started_at", ">=", opts.since);
  const rows = await query
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(Math.min(limit, LIST_MAX_LIMIT))
    .execute();
  return rows.map(toDrill);
}

/** Deletes drills whose effective end (stop or planned end, whichever is first) is before `t`. */
export async function purgeDrillsEndedBefore(store: Store, t: number): Promise<number> {
  const result = await store.db
    .deleteFrom("drills")
    .where((eb) => eb.or([eb("ends_at", "<", t), eb("stopped_at", "<", t)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toDrill(row: Selectable<DrillsTable>): Drill {
  const kind = DrillKindSchema.safeParse(row.kind);
  if (!kind.success) throw new Error(`Drill ${row.id} has unknown kind "${row.kind}" in the database`);
  return {
    id: row.id,
    kind: kind.data,
    target: row.target,
    magnitude: row.magnitude,
    startedAt: row.started_at,
    endsAt: row.ends_at,
    stoppedAt: row.stopped_at,
    createdBy: row.created_by,
    note: row.note,
  };
}
