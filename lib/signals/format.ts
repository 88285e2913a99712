import { SIGNAL_META, type SignalName } from "./types";

/**
 * Display formatting for signal values, durations and times. Locale-independent on
 * purpose: the same number reads the same on every screen in the call.
 */

const DASH = "—";

function trimFixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

/** 0.42 → "0.42 ms", 84.3 → "84 ms", 1234 → "1.2 s", 75_000 → "1.3 min". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  const a = Math.abs(ms);
  if (a === 0) return "0 ms";
  if (a < 1) return `${trimFixed(ms, 2)} ms`;
  if (a < 10) return `${trimFixed(ms, 1)} ms`;
  if (a < 999.5) return `${Math.round(ms)} ms`;
  if (a < 59_950) return `${trimFixed(ms / 1000, 1)} s`;
  return `${trimFixed(ms / 60_000, 1)} min`;
}

/** Compact count: 842, 12.4k, 1.2M. */
export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  if (a < 10) return trimFixed(v, a === 0 || Number.isInteger(v) ? 0 : 1);
  if (a < 999.5) return `${Math.round(v)}`;
  if (a < 999_500) return a < 99_950 ? `${trimFixed(v / 1e3, 1)}k` : `${Math.round(v / 1e3)}k`;
  if (a < 999_500_000) return a < 99_950_000 ? `${trimFixed(v / 1e6, 1)}M` : `${Math.round(v / 1e6)}M`;
  return `${trimFixed(v / 1e9, 1)}G`;
}

/** 12_400 → "12.4k req/s". */
export function formatRps(v: number): string {
  return Number.isFinite(v) ? `${formatCompact(v)} req/s` : DASH;
}

/** 0.4237 → "0.42 %", 5.27 → "5.3 %", 42.4 → "42 %". */
export function formatPct(v: number): string {
  if (!Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  if (a === 0) return "0 %";
  if (a < 0.01) return v < 0 ? "> -0.01 %" : "< 0.01 %";
  if (a < 9.995) return `${trimFixed(v, a < 1 ? 2 : 1)} %`;
  return `${Math.round(v)} %`;
}

/** A signal value in its own unit. */
export function formatSignal(name: SignalName, v: number): string {
  switch (SIGNAL_META[name].unit) {
    case "ms":
      return formatMs(v);
    case "req/s":
      return formatRps(v);
    default:
      return formatPct(v);
  }
}

/** Milliseconds as "45s", "3m 12s", "1h 05m", "2d 3h". Negative counts as zero. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** How old something is: "0.4 s" under ten seconds, then as a duration. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  const a = Math.max(0, ms);
  return a < 10_000 ? `${(a / 1000).toFixed(1)} s` : formatDuration(a);
}

export type TimeZoneMode = "utc" | "local";

function parts(t: number, tz: TimeZoneMode) {
  const d = new Date(t);
  return tz === "utc"
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() }
    : { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
}
const p2 = (n: number) => String(n).padStart(2, "0");

/** "14:03:07" (or "14:03" without seconds) in UTC or the browser's zone. */
export function formatTime(t: number, tz: TimeZoneMode = "utc", seconds = true): string {
  if (!Number.isFinite(t)) return DASH;
  const x = parts(t, tz);
  return seconds ? `${p2(x.h)}:${p2(x.mi)}:${p2(x.s)}` : `${p2(x.h)}:${p2(x.mi)}`;
}

/**
 * The zone a time is shown in: "UTC", or the browser zone's short name at that moment ("CET",
 * "GMT+1"; summer and winter time differ). Every time shown in local mode carries it (issue #16),
 * as UTC times always carried "UTC".
 */
export function zoneName(t: number, tz: TimeZoneMode): string {
  if (tz === "utc") return "UTC";
  try {
    const part = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
      .formatToParts(Number.isFinite(t) ? new Date(t) : new Date())
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? "local";
  } catch {
    return "local";
  }
}

/** "14:03:07 UTC", "14:03 CET": formatTime with the zone, for a time shown on its own. */
export function formatTimeZoned(t: number, tz: TimeZoneMode = "utc", seconds = true): string {
  if (!Number.isFinite(t)) return DASH;
  return `${formatTime(t, tz, seconds)} ${zoneName(t, tz)}`;
}

/** "2026-11-23 14:03:07 UTC", "2026-11-23 15:03:07 CET". */
export function formatDateTime(t: number, tz: TimeZoneMode = "utc"): string {
  if (!Number.isFinite(t)) return DASH;
  const x = parts(t, tz);
  return `${x.y}-${p2(x.mo)}-${p2(x.d)} ${formatTime(t, tz)} ${zoneName(t, tz)}`;
}

/** "23 Nov 14:03" for chart axes spanning days. */
export function formatDayTime(t: number, tz: TimeZoneMode = "utc"): string {
  if (!Number.isFinite(t)) return DASH;
  const x = parts(t, tz);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][x.mo - 1];
  return `${x.d} ${month} ${p2(x.h)}:${p2(x.mi)}`;
}
