import { formatDuration } from "../signals/format";
import type { ImpactReport } from "./contract";

const p2 = (n: number): string => String(n).padStart(2, "0");

/** 2026-11-23 12:01:07 UTC (to the second: a 45 s incident needs seconds). */
export function isoSecond(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC`;
}

function timeOfDay(t: number): string {
  return isoSecond(t).slice(11);
}

/**
 * Which window and data the impact numbers cover, as the postmortem states it:
 * "from 2026-11-23 12:01:07 to 12:01:52 UTC (45s), per-second data".
 */
export function impactWindowText(impact: ImpactReport): string {
  const { from, to } = impact.window;
  const sameDay = isoSecond(from).slice(0, 10) === isoSecond(to).slice(0, 10);
  const span = `from ${isoSecond(from).replace(" UTC", "")} to ${sameDay ? timeOfDay(to) : isoSecond(to)} (${formatDuration(impact.durationMs)})`;
  return `${span}, ${resolutionText(impact)}`;
}

function resolutionText(impact: ImpactReport): string {
  switch (impact.resolution) {
    case "seconds":
      return "per-second data";
    case "minutes":
      return "per-minute data, pro-rated at the edges";
    case "mixed": {
      const switchAt = Math.max(...impact.services.map((s) => s.secondsFrom ?? -Infinity));
      return `per-minute data (pro-rated) until ${timeOfDay(switchAt).replace(" UTC", "")}, per-second data after`;
    }
    case "none":
      return "no data recorded";
    default:
      // Drafted before the resolution was reported: whole minutes touched by the window.
      return "per-minute data";
  }
}
