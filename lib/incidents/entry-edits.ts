import { Conflict, Invalid, NotFound } from "../errors";
import { getEntry } from "./repo";
import { commitEntryEdit, listRevisions } from "./revisions-repo";
import { newId, parseInput, requireIncident, type IncidentCtx, type Writer } from "./context";
import { checkOccurredAt } from "./lifecycle";
import { WRITABLE_KINDS, type TimelineEntry } from "./model";
import type { EntryRevision } from "./contract";
import { PatchEntrySchema } from "./schemas";

/**
 * Edits an entry's body, time or pin, of the version the writer saw. System entries (status,
 * alerts …) can only be pinned. Any responder may edit any person's entry, as in incident.io:
 * the scribe often tidies what others wrote; the history (a revision per body or time change,
 * with who and when) keeps what it said before. Pinning is not an edit of what the entry says
 * and keeps no revision.
 */
export async function patchEntry({ ctx, incidentId, entryId, input, writer }: { ctx: IncidentCtx; incidentId: string; entryId: string; input: unknown; writer?: Writer }): Promise<TimelineEntry> {
  const { version, ...changes } = parseInput(PatchEntrySchema, input, "timeline entry change");
  const incident = await requireIncident(ctx, incidentId);
  const current = await requireEntry(ctx, incidentId, entryId);
  if (current.version !== version) throw staleEntry(current);
  if ((changes.body !== undefined || changes.occurredAt !== undefined) && !(WRITABLE_KINDS as readonly string[]).includes(current.kind)) {
    throw new Invalid(`a ${current.kind} entry is recorded by the system; it can be pinned but not edited`, [{ path: changes.body !== undefined ? "body" : "occurredAt", message: "not editable on system entries" }]);
  }
  const now = ctx.clock.now();
  if (changes.occurredAt !== undefined) checkOccurredAt(changes.occurredAt, incident, now);
  const next: TimelineEntry = { ...current, ...changes };
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  const rewritten = next.body !== current.body || next.occurredAt !== current.occurredAt;
  const revision = rewritten ? { id: newId(), previous: current, by: writer?.author ?? "anonymous", at: now } : null;
  const committed = await commitEntryEdit(ctx.store, { expectedVersion: version, next, revision });
  if (!committed) throw staleEntry(await requireEntry(ctx, incidentId, entryId));
  ctx.events?.entry(committed);
  return committed;
}

/** An entry as it is now and what each edit replaced, oldest first. */
export async function entryHistory({ ctx, incidentId, entryId }: { ctx: IncidentCtx; incidentId: string; entryId: string }): Promise<{ entry: TimelineEntry; revisions: EntryRevision[] }> {
  const entry = await requireEntry(ctx, incidentId, entryId);
  return { entry, revisions: await listRevisions(ctx.store, incidentId, entryId) };
}

async function requireEntry(ctx: IncidentCtx, incidentId: string, id: string): Promise<TimelineEntry> {
  const entry = await getEntry(ctx.store, incidentId, id);
  if (!entry) throw new NotFound(`no timeline entry "${id}" in incident "${incidentId}"`);
  return entry;
}

function staleEntry(current: TimelineEntry): Conflict {
  return new Conflict(`this timeline entry was changed by someone else (now version ${current.version}); review it and retry`, { current });
}
