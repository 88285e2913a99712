import type { SloStatus } from "./contract";

/**
 * An `update` merged into the held list: changed SLOs replace theirs by id (new ones go last),
 * removed ones go; an SLO the update leaves out keeps its object, so its card is not redrawn.
 */
export function mergeSlos(held: readonly SloStatus[], update: { slos: readonly SloStatus[]; removed?: readonly string[] }): SloStatus[] {
  const byId = new Map(update.slos.map((s) => [s.id, s]));
  const gone = new Set(update.removed ?? []);
  const out: SloStatus[] = [];
  for (const s of held) {
    if (gone.has(s.id)) continue;
    const next = byId.get(s.id);
    out.push(next ?? s);
    byId.delete(s.id);
  }
  return [...out, ...byId.values()];
}
