import { formatBudget, type BurndownRow } from "./model";

/**
 * The text alternative of the burn-down chart (components/slo/BurndownChart.tsx): budget left
 * now, the lowest it went in the window, the ideal line's value now, and the 0 % line.
 */
export function burndownSummary(rows: readonly BurndownRow[], stale: boolean): string {
  let now: BurndownRow | null = null;
  let low: number | null = null;
  for (const r of rows) {
    if (r.remaining === null) continue;
    now = r;
    if (low === null || r.remaining < low) low = r.remaining;
  }
  const head = `Budget burn-down${stale ? " (stale data, not current)" : ""}`;
  if (!now || low === null) return `${head}: no data yet; the budget is exhausted at 0 %.`;
  const pct = (v: number) => formatBudget(v / 100);
  return `${head}: ${pct(now.remaining!)} left now, ideal ${pct(now.ideal)}; lowest ${pct(low)}; the budget is exhausted at 0 %.`;
}
