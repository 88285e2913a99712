import { z } from "zod";
import { Conflict, Invalid, NotFound } from "../errors";
import type { Runbook } from "../runbooks/model";
import { insertRunbookCheck, latestRunbookChecks } from "./runbook-checks-repo";
import { newId, parseInput, requireIncident, snapshotOf, writeTime, type IncidentCtx, type RunbookCheck, type Writer } from "./context";
import { isOpen, type EntryDraft, type TimelineEntry } from "./model";
import type { RunbookStepState } from "./contract";

/** Where runbooks come from: the runbook library (lib/runbooks/library.ts). */
export type RunbookSource = { get(slug: string): Runbook | undefined };

const slug = z.string().min(1, "runbook is required").max(1000);

export const RunbookStepInputSchema = z
  .object({
    runbook: slug,
    index: z.number().int("index is a whole number").min(0, "index starts at 0"),
    checked: z.boolean(),
  })
  .strict();

export const RunbookStepsQuerySchema = z.object({ runbook: slug }).strict();

export type { RunbookStepState };

function requireRunbook(runbooks: RunbookSource, slugValue: string): Runbook {
  const rb = runbooks.get(slugValue);
  if (!rb) throw new NotFound(`no runbook "${slugValue}"`);
  return rb;
}

/** Every step of a runbook with whether it was ticked in this incident, by whom and when. */
export async function runbookSteps({ ctx, runbooks, incidentId, query }: { ctx: IncidentCtx; runbooks: RunbookSource; incidentId: string; query: unknown }): Promise<RunbookStepState[]> {
  const q = parseInput(RunbookStepsQuerySchema, query, "query");
  await requireIncident(ctx, incidentId);
  const rb = requireRunbook(runbooks, q.runbook);
  const latest = await latestRunbookChecks(ctx.store, incidentId, rb.slug);
  return rb.checklist.map((step) => {
    const c = latest.get(step.index);
    return c ? { index: step.index, text: step.text, checked: c.checked, by: c.by, at: c.at } : { index: step.index, text: step.text, checked: false, by: null, at: null };
  });
}

/**
 * Ticks or unticks a runbook step during an open incident: the check and a "runbook-step"
 * timeline entry are written in one transaction, then published.
 */
export async function checkRunbookStep({ ctx, runbooks, incidentId, input, writer }: { ctx: IncidentCtx; runbooks: RunbookSource; incidentId: string; input: unknown; writer: Writer }): Promise<{ check: RunbookCheck; entry: TimelineEntry }> {
  const data = parseInput(RunbookStepInputSchema, input, "runbook step");
  const [incident, now] = await Promise.all([requireIncident(ctx, incidentId), writeTime(ctx, incidentId)]);
  const rb = requireRunbook(runbooks, data.runbook);
  const step = rb.checklist[data.index];
  if (!step) {
    throw new Invalid(`runbook "${rb.slug}" has ${rb.checklist.length} step${rb.checklist.length === 1 ? "" : "s"} (0–${Math.max(0, rb.checklist.length - 1)}); there is no step ${data.index}`, [{ path: "index", message: "no such step" }]);
  }
  if (!isOpen(incident)) throw new Conflict(`INC-${incident.number} is ${incident.status}; runbook steps can only be ticked while it is open`);
  const link = `[${rb.slug}](/runbooks/${rb.slug})`;
  const draft: EntryDraft = {
    id: newId(),
    incidentId,
    kind: "runbook-step",
    body: data.checked ? `☑ ${step.text} — ${link}` : `☐ Unticked ${step.text} — ${link}`,
    occurredAt: now,
    recordedAt: now,
    author: writer.author,
    source: writer.source,
    pinned: false,
    version: 1,
    snapshot: snapshotOf(ctx, incident.services, now),
  };
  const check: RunbookCheck = { runbook: rb.slug, index: step.index, checked: data.checked, by: writer.author, at: now };
  const entry = await insertRunbookCheck(ctx.store, { id: newId(), incidentId, text: step.text, ...check }, draft);
  ctx.events?.entry(entry);
  ctx.events?.runbookCheck?.(incidentId, check);
  return { check, entry };
}
