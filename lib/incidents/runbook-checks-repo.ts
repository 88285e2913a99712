import type { EntryDraft, TimelineEntry } from "./model";
import { insertEntries } from "./repo";
import type { Store } from "../store/store";

export type RunbookCheckRow = { id: string; incidentId: string; runbook: string; index: number; text: string; checked: boolean; by: string; at: number };

/**
 * Writes the tick (or untick) and its timeline entry in one transaction; the check carries its
 * entry's store-assigned `seq`, which orders checks made in the same millisecond (on any instance).
 */
export async function insertRunbookCheck(store: Store, check: RunbookCheckRow, draft: EntryDraft): Promise<TimelineEntry> {
  return store.db.transaction().execute(async (trx) => {
    const [entry] = await insertEntries(trx, [draft]);
    await trx
      .insertInto("runbook_checks")
      .values({
        id: check.id,
        incident_id: check.incidentId,
        runbook: check.runbook,
        step_index: check.index,
        step_text: check.text,
        checked: check.checked ? 1 : 0,
        checked_by: check.by,
        at: check.at,
        seq: entry.seq,
      })
      .execute();
    return entry;
  });
}

/** The newest check of each step of one runbook in one incident, by step index. */
export async function latestRunbookChecks(store: Store, incidentId: string, runbook: string): Promise<Map<number, RunbookCheckRow>> {
  const rows = await store.db
    .selectFrom("runbook_checks")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("runbook", "=", runbook)
    .orderBy("at")
    .orderBy("seq")
    .orderBy("id")
    .execute();
  const latest = new Map<number, RunbookCheckRow>();
  for (const r of rows) {
    const index = Number(r.step_index);
    latest.set(index, { id: r.id, incidentId: r.incident_id, runbook: r.runbook, index, text: r.step_text, checked: Number(r.checked) === 1, by: r.checked_by, at: Number(r.at) });
  }
  return latest;
}
