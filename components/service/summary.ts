import { SIGNAL_META, type SignalName } from "@/lib/signals/types";
import { formatSignal } from "@/lib/signals/format";
import type { ChartSeries } from "./model";

type Line = { key: SignalName };
type Threshold = { label: string };

/**
 * The text alternative of a chart: for every line its newest value and its peak over the
 * window, then the thresholds drawn on it. The signal the chart is about (`primary`) first.
 */
export function chartSummary(title: string, series: ChartSeries, lines: readonly Line[], primary: SignalName, thresholds: readonly Threshold[], stale: boolean): string {
  const ordered = [...lines].sort((a, b) => Number(b.key === primary) - Number(a.key === primary));
  const parts: string[] = [];
  for (const l of ordered) {
    const col = series.cols[l.key];
    let now = Number.NaN;
    let peak = Number.NaN;
    if (col)
      for (let i = 0; i < col.length; i++) {
        const v = col[i];
        if (Number.isNaN(v)) continue;
        now = v;
        if (!(v <= peak)) peak = v;
      }
    const name = SIGNAL_META[l.key].short;
    parts.push(Number.isNaN(now) ? `${name} no data` : `${name} now ${formatSignal(l.key, now)}, peak ${formatSignal(l.key, peak)}`);
  }
  const limits = thresholds.length ? `thresholds: ${thresholds.map((t) => t.label).join(", ")}` : "no threshold";
  return `${title}${stale ? " (stale data, not current)" : ""}: ${parts.join("; ")}; ${limits}.`;
}
