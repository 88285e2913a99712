import { Conflict, NotFound } from "../errors";
import { runOnce, type Once } from "../store/idempotency";
import { getActionItem, insertActionItem, insertActionItemIn, updateActionItem } from "./repo";
import type { OnceOptions } from "./timeline";
import { newId, parseInput, requireIncident, type IncidentCtx, type Writer } from "./context";
import type { ActionItem } from "./model";
import { CreateActionItemSchema, PatchActionItemSchema } from "./schemas";

export async function addActionItem({ ctx, incidentId, input, writer }: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer }): Promise<ActionItem> {
  const item = await draftItem(ctx, incidentId, input, writer);
  await insertActionItem(ctx.store, item);
  ctx.events?.item(item);
  return item;
}

/** addActionItem at most once per Idempotency-Key (lib/store/idempotency.ts): a retry gets the first answer. */
export async function addActionItemOnce({ ctx, incidentId, input, writer, once }: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer; once: OnceOptions<ActionItem> }): Promise<Once<ActionItem>> {
  const item = await draftItem(ctx, incidentId, input, writer);
  const r = await runOnce(ctx.store.db, once.request, item.createdAt, async (trx) => {
    await insertActionItemIn(trx, item);
    return { value: item, answer: once.answer(item) };
  });
  if (!r.replayed) ctx.events?.item(item);
  return r;
}

async function draftItem(ctx: IncidentCtx, incidentId: string, input: unknown, writer: Writer): Promise<ActionItem> {
  const data = parseInput(CreateActionItemSchema, input, "action item");
  await requireIncident(ctx, incidentId);
  return { id: newId(), incidentId, ...data, status: "open", createdAt: ctx.clock.now(), createdBy: writer.author, version: 1 };
}

/** Changes the fields given, of the version the writer saw; a stale version is a Conflict with the current item. */
export async function patchActionItem({ ctx, incidentId, itemId, input }: { ctx: IncidentCtx; incidentId: string; itemId: string; input: unknown }): Promise<ActionItem> {
  const { version, ...changes } = parseInput(PatchActionItemSchema, input, "action item change");
  await requireIncident(ctx, incidentId);
  const current = await requireItem(ctx, incidentId, itemId);
  if (current.version !== version) throw staleItem(current);
  const next: ActionItem = { ...current };
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) Object.assign(next, { [k]: v });
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  const committed = await updateActionItem(ctx.store, version, next);
  if (!committed) throw staleItem(await requireItem(ctx, incidentId, itemId));
  ctx.events?.item(committed);
  return committed;
}

async function requireItem(ctx: IncidentCtx, incidentId: string, id: string): Promise<ActionItem> {
  const item = await getActionItem(ctx.store, incidentId, id);
  if (!item) throw new NotFound(`no action item "${id}" in incident "${incidentId}"`);
  return item;
}

function staleItem(current: ActionItem): Conflict {
  return new Conflict(`this action item was changed by someone else (now version ${current.version}); review it and retry`, { current });
}
