import type { GroupBy } from "./groups";

export type BoardView = { group: GroupBy; compact: boolean; filter: string };

/** The view lives in the URL (`group`, `density`, `q`) so a link pasted into the call shows the same board. */
export function parseBoardView(q: Record<string, string | string[] | undefined>): BoardView {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  return { group: one(q.group) === "state" ? "state" : "team", compact: one(q.density) === "compact", filter: one(q.q).slice(0, 200) };
}

