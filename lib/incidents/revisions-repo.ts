import type { Store } from "../store/store";
import type { EntryRevision, TimelineEntry } from "./contract";

/** The edit being committed: who, when, and (for a body or time change) the revision it keeps. */
export type EntryEdit = { expectedVersion: number; next: TimelineEntry; revision: { id: string; previous: TimelineEntry; by: string; at: number } | null };

/**
 * Compare-and-set on one entry, with the revision it replaces in the same transaction (the
 * history never misses an acknowledged edit). Null when `expectedVersion` is stale: nothing written.
 */
export async function commitEntryEdit(store: Store, edit: EntryEdit): Promise<TimelineEntry | null> {
  const version = edit.expectedVersion + 1;
  const { next, revision } = edit;
  const edited = revision ? { at: revision.at, by: revision.by, revisions: (revision.previous.edited?.revisions ?? 0) + 1 } : next.edited;
  return store.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("timeline_entries")
      .set({
        body: next.body,
        occurred_at: next.occurredAt,
        pinned: next.pinned ? 1 : 0,
        version,
        ...(revision && edited ? { edited_at: edited.at, edited_by: edited.by, revisions: edited.revisions } : {}),
      })
      .where("id", "=", next.id)
      .where("version", "=", edit.expectedVersion)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    if (revision) {
      await trx
        .insertInto("timeline_entry_revisions")
        .values({
          id: revision.id,
          entry_id: next.id,
          incident_id: next.incidentId,
          version: revision.previous.version,
          body: revision.previous.body,
          occurred_at: revision.previous.occurredAt,
          edited_by: revision.by,
          edited_at: revision.at,
        })
        .execute();
    }
    const out: TimelineEntry = { ...next, version };
    if (edited) out.edited = edited;
    return out;
  });
}

/** The edits of one entry, oldest first. */
export async function listRevisions(store: Store, incidentId: string, entryId: string): Promise<EntryRevision[]> {
  const rows = await store.db
    .selectFrom("timeline_entry_revisions")
    .selectAll()
    .where("entry_id", "=", entryId)
    .where("incident_id", "=", incidentId)
    .orderBy("version")
    .execute();
  return rows.map((r) => ({ version: Number(r.version), body: r.body, occurredAt: Number(r.occurred_at), editedBy: r.edited_by, editedAt: Number(r.edited_at) }));
}
