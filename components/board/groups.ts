import type { PointValues, ServiceInfo } from "@/lib/signals/contract";
import { serviceStates } from "@/lib/signals/state";
import { compareNames } from "@/components/ui/collate";

/** How the board groups its tiles (kept in the URL as `group`). */
export type GroupBy = "team" | "state";
export type TileState = "critical" | "warn" | "unknown" | "ok";

export type TileView = { info: ServiceInfo; values: PointValues | null; state: TileState };
export type TileGroup = { key: string; label: string; tiles: TileView[]; counts: Record<TileState, number> };

/** Worst first: critical, warn, no data, ok. */
const ORDER: Record<TileState, number> = { critical: 0, warn: 1, unknown: 2, ok: 3 };
const STATE_LABEL: Record<TileState, string> = { critical: "Critical", warn: "Warning", unknown: "No data", ok: "OK" };
const NO_TEAM = "No team";

export function tileViews(services: readonly ServiceInfo[], latest: Record<string, PointValues | null>): TileView[] {
  return services.map((info) => {
    const values = latest[info.id] ?? null;
    return { info, values, state: values ? serviceStates(values, info.thresholds ?? {}).state : "unknown" };
  });
}

/**
 * Every word of the filter must appear in the service's id, name, team or state ("critical",
 * "warn", "ok"), case-insensitively: "pay crit" finds the critical payments services.
 */
export function matchesFilter(v: TileView, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = `${v.info.id} ${v.info.name} ${v.info.team ?? ""} ${v.state} ${v.state === "unknown" ? "no data" : ""}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

const byWorst = (a: TileView, b: TileView) => ORDER[a.state] - ORDER[b.state] || compareNames(a.info.name, b.info.name);

/**
 * Groups (by team or by state) ordered worst first, tiles in each worst first then by name, so a
 * tile moves only when its state changes, never with every jitter of its figures.
 */
export function groupTiles(views: readonly TileView[], by: GroupBy, filter: string): TileGroup[] {
  const groups = new Map<string, TileGroup>();
  for (const v of views) {
    if (!matchesFilter(v, filter)) continue;
    const key = by === "team" ? (v.info.team ?? NO_TEAM) : v.state;
    let g = groups.get(key);
    if (!g) {
      g = { key, label: by === "team" ? key : STATE_LABEL[v.state], tiles: [], counts: { critical: 0, warn: 0, unknown: 0, ok: 0 } };
      groups.set(key, g);
    }
    g.tiles.push(v);
    g.counts[v.state]++;
  }
  const list = [...groups.values()];
  for (const g of list) g.tiles.sort(byWorst);
  const worstOf = (g: TileGroup) => ORDER[g.tiles[0].state];
  return list.sort((a, b) =>
    by === "state"
      ? ORDER[a.key as TileState] - ORDER[b.key as TileState]
      : worstOf(a) - worstOf(b) || b.counts.critical - a.counts.critical || b.counts.warn - a.counts.warn || compareNames(a.label, b.label),
  );
}
