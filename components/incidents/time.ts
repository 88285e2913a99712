import type { TimeZoneMode } from "@/lib/signals/format";

const p2 = (n: number) => String(n).padStart(2, "0");

/** "2026-11-23 14:03:07" in UTC or local time, for editing. */
export function toInput(t: number, tz: TimeZoneMode): string {
  const d = new Date(t);
  const [y, mo, da, h, mi, s] =
    tz === "utc"
      ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
      : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${p2(mo)}-${p2(da)} ${p2(h)}:${p2(mi)}:${p2(s)}`;
}

/**
 * Parses what a scribe types for a time: "14:03", "14:03:07", or a full "2026-11-23 14:03[:07]".
 * A bare time means the most recent such moment not in the future (so "23:58" typed just after
 * midnight is yesterday). Returns null when it cannot be read.
 */
export function parseTimeInput(text: string, tz: TimeZoneMode, now: number): number | null {
  const s = text.trim().replace(/\s*(UTC|Z)$/i, "");
  const full = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  const bare = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  const make = (y: number, mo: number, d: number, h: number, mi: number, sec: number) =>
    tz === "utc" ? Date.UTC(y, mo - 1, d, h, mi, sec) : new Date(y, mo - 1, d, h, mi, sec).getTime();
  const valid = (h: number, mi: number, sec: number) => h < 24 && mi < 60 && sec < 60;
  if (full) {
    const [y, mo, d, h, mi, sec] = full.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    if (!valid(h, mi, sec) || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    return make(y, mo, d, h, mi, sec);
  }
  if (bare) {
    const [h, mi, sec] = bare.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    if (!valid(h, mi, sec)) return null;
    const today = new Date(now);
    const [y, mo, d] = tz === "utc" ? [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()] : [today.getFullYear(), today.getMonth() + 1, today.getDate()];
    const t = make(y, mo, d, h, mi, sec);
    return t > now + 60_000 ? t - 24 * 3600_000 : t;
  }
  return null;
}
