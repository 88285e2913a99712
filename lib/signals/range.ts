import { z } from "zod";

/**
 * Time ranges of the service page, kept in the URL as `?range=…`. One parser for the
 * server page and the client components, so a pasted link shows the same window.
 */
export const RANGES = ["15m", "1h", "6h", "24h", "7d"] as const;
export type RangeKey = (typeof RANGES)[number];
export const DEFAULT_RANGE: RangeKey = "15m";
export const RangeSchema = z.enum(RANGES);

/** Most points a chart series may hold (PITFALLS: SVG slows down past a few hundred). */
export const MAX_CHART_POINTS = 600;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const RANGE_META: Record<RangeKey, { label: string; ms: number; live: boolean }> = {
  "15m": { label: "Live 15m", ms: 15 * MINUTE, live: true },
  "1h": { label: "1h", ms: HOUR, live: false },
  "6h": { label: "6h", ms: 6 * HOUR, live: false },
  "24h": { label: "24h", ms: 24 * HOUR, live: false },
  "7d": { label: "7d", ms: 7 * 24 * HOUR, live: false },
};

/** Parse `?range=`; anything missing or unknown is the default, never an error page. */
export function parseRange(value: string | string[] | null | undefined): RangeKey {
  const v = Array.isArray(value) ? value[0] : value;
  const r = RangeSchema.safeParse(v);
  return r.success ? r.data : DEFAULT_RANGE;
}

const NICE_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** Smallest "round" step in seconds that keeps a window at or under `maxPoints` points. */
export function stepSecondsFor(windowMs: number, maxPoints = MAX_CHART_POINTS): number {
  const min = windowMs / 1000 / maxPoints;
  return NICE_STEPS_S.find((s) => s >= min) ?? Math.ceil(min);
}

/** The history request of a range: `to` aligned down to the step so repeated fetches line up. */
export function historyWindow(range: RangeKey, now: number): { from: number; to: number; step: number } {
  const ms = RANGE_META[range].ms;
  const step = stepSecondsFor(ms);
  const to = Math.floor(now / (step * 1000)) * step * 1000;
  return { from: to - ms, to, step };
}

/** Search string for a range on the current URL, keeping other parameters (e.g. kiosk). */
export function withRange(search: string, range: RangeKey): string {
  const params = new URLSearchParams(search);
  if (range === DEFAULT_RANGE) params.delete("range");
  else params.set("range", range);
  const s = params.toString();
  return s ? `?${s}` : "";
}
