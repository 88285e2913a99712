import type { Store } from "../store/store";
import type { PostmortemsTable } from "../store/schema";
import type { Selectable } from "kysely";

import { POSTMORTEM_STATUSES, type PostmortemDocument, type PostmortemStatus } from "./contract";

export { POSTMORTEM_STATUSES, type PostmortemStatus };

/** A postmortem as stored (lib/postmortems/contract.ts PostmortemSchema); `impact` is the JSON the draft was computed with. */
export type Postmortem = Omit<PostmortemDocument, "impact"> & { impact: unknown };

function fromRow(r: Selectable<PostmortemsTable>): Postmortem {
  return {
    incidentId: r.incident_id,
    template: r.template,
    status: r.status as PostmortemStatus,
    body: r.body,
    impact: JSON.parse(r.impact) as unknown,
    version: Number(r.version),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
    publishedAt: r.published_at === null ? null : Number(r.published_at),
  };
}

export async function getPostmortem(store: Store, incidentId: string): Promise<Postmortem | null> {
  const r = await store.db.selectFrom("postmortems").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
  return r ? fromRow(r) : null;
}

/** Inserts a new postmortem; false when the incident already has one (nothing written). */
export async function insertPostmortem(store: Store, p: Postmortem): Promise<boolean> {
  const r = await store.db
    .insertInto("postmortems")
    .values({
      incident_id: p.incidentId,
      template: p.template,
      status: p.status,
      body: p.body,
      impact: JSON.stringify(p.impact),
      version: p.version,
      created_at: p.createdAt,
      created_by: p.createdBy,
      updated_at: p.updatedAt,
      updated_by: p.updatedBy,
      published_at: p.publishedAt,
    })
    .onConflict((oc) => oc.column("incident_id").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Compare-and-set: writes `next` only if the stored version is still `expectedVersion`.
 * Returns the stored postmortem after the write, or null when the version did not match.
 */
export async function updatePostmortem(store: Store, expectedVersion: number, next: Postmortem, alsoInTx?: (trx: Store["db"]) => Promise<void>): Promise<Postmortem | null> {
  return store.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("postmortems")
      .set({ body: next.body, status: next.status, version: next.version, updated_at: next.updatedAt, updated_by: next.updatedBy, published_at: next.publishedAt })
      .where("incident_id", "=", next.incidentId)
      .where("version", "=", expectedVersion)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    if (alsoInTx) await alsoInTx(trx);
    return next;
  });
}
