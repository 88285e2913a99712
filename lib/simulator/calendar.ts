/** Shape of traffic over the day and the week, in UTC. */
import { smoothstep } from "./noise";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const TROUGH_HOUR = 4;
const PEAK_HOUR = 15;
const RISE_HOURS = PEAK_HOUR - TROUGH_HOUR;

/**
 * −1 at 04:00 UTC, +1 at 15:00 UTC: a half-cosine up over 11 h and down over 13 h, smooth at
 * both turns and averaging exactly 0 over the day, so baseRps stays the daily mean.
 */
export function diurnal(t: number): number {
  const hour = (((t % DAY) + DAY) % DAY) / HOUR;
  const sinceTrough = (hour - TROUGH_HOUR + 24) % 24;
  if (sinceTrough < RISE_HOURS) return -Math.cos((Math.PI * sinceTrough) / RISE_HOURS);
  return Math.cos((Math.PI * (sinceTrough - RISE_HOURS)) / (24 - RISE_HOURS));
}

const WEEKEND_DIP = 0.25;
/** Half-width of the blend around midnight, in days, so Saturday does not start with a cliff. */
const BLEND_DAYS = 2 / 24;
const SATURDAY = 6;
const MONDAY = 1;

/** 1 on weekdays, 0.75 from Saturday 00:00 to Monday 00:00 UTC, blended over ±2 h. */
export function weekly(t: number): number {
  // 1970-01-01 was a Thursday, so +4 puts Sunday 00:00 at 0.
  const x = (((t / DAY + 4) % 7) + 7) % 7;
  let weekend: number;
  if (x >= SATURDAY - BLEND_DAYS) weekend = smoothstep((x - SATURDAY + BLEND_DAYS) / (2 * BLEND_DAYS));
  else if (x < MONDAY + BLEND_DAYS) weekend = 1 - smoothstep((x - MONDAY + BLEND_DAYS) / (2 * BLEND_DAYS));
  else weekend = 0;
  return 1 - WEEKEND_DIP * weekend;
}

