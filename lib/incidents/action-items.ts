import { Conflict, NotFound } from "../errors";
import { getActionItem, insertActionItem, updateActionItem } from "./repo";
import { newId, parseInput, requireIncident, type IncidentCtx, type Writer } from "./context";
import type { ActionItem } from "./model";
import { CreateActionItemSchema, PatchActionItemSchema } from "./schemas";

export async function addActionItem({ ctx, incidentId, input, writer }: { ctx: IncidentCtx; incidentId: string; input: unknown; writer: Writer }): Promise<ActionItem> {
  const data = parseInput(CreateActionItemSchema, input, "action item");
  await requireIncident(ctx, incidentId);
  const item: ActionItem = { id: newId(), incidentId, ...data, status: "open", createdAt: ctx.clock.now(), createdBy: writer.author, version: 1 };
  await insertActionItem(ctx.store, item);
  ctx.events?.item(item);
  return item;
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
