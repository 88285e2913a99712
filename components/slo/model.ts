import type { SloStatus } from "@/lib/slo/contract";
import type { DisplayState } from "@/components/ui/state";
import { compareNames } from "@/components/ui/collate";

/** Budget-remaining bands: above 50 % ok, 20–50 % warn, below 20 % critical. */
export const BUDGET_WARN_BELOW = 0.5;
export const BUDGET_CRITICAL_BELOW = 0.2;

export function budgetState(remaining: number | null | undefined): DisplayState {
  if (remaining === null || remaining === undefined || !Number.isFinite(remaining)) return "unknown";
  if (remaining < BUDGET_CRITICAL_BELOW) return "critical";
  if (remaining <= BUDGET_WARN_BELOW) return "warn";
  return "ok";
}

const MINUS = "\u2212";

/** Percent of budget left as a number for aria-valuenow: one decimal, may be negative. */
export function budgetPercent(remaining: number | null | undefined): number | null {
  if (remaining === null || remaining === undefined || !Number.isFinite(remaining)) return null;
  return Math.round(remaining * 1000) / 10;
}

/** 0.783 → "78 %", 0.042 → "4.2 %", −0.12 → "−12 %"; null → "no data". */
export function formatBudget(remaining: number | null | undefined): string {
  const pct = budgetPercent(remaining);
  if (pct === null) return "no data";
  const a = Math.abs(pct);
  const body = a >= 9.95 || a === 0 ? String(Math.round(a)) : a.toFixed(1);
  return `${pct < 0 && body !== "0" ? MINUS : ""}${body} %`;
}

/** The budget as one phrase, with "(exhausted)" at or below zero. */
export function budgetText(remaining: number | null | undefined): string {
  const text = formatBudget(remaining);
  return remaining !== null && remaining !== undefined && Number.isFinite(remaining) && remaining <= 0 ? `${text} (exhausted)` : text;
}

/** "non-5xx requests", "requests faster than 500 ms". */
export function sliDescription(sli: SloStatus["sli"]): string {
  if (sli.kind === "latency") return `requests faster than ${sli.thresholdMs} ms`;
  return sli.good === "non-5xx" ? "non-5xx requests" : "requests without errors";
}

/** 0.999 → "99.9 %", 0.9995 → "99.95 %". */
export function formatTarget(target: number): string {
  return `${+(target * 100).toPrecision(10)} %`;
}

export function windowLabel(window: SloStatus["window"]): string {
  return window === "calendar-month" ? "calendar month" : `${window} rolling`;
}

/** 0.2165 → "0.22×", 14.4 → "14.4×", 120 → "120×"; null → "—". */
export function formatBurn(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0×";
  if (v < 0.01) return "< 0.01×";
  if (v < 10) return `${v.toFixed(2)}×`;
  if (v < 100) return `${+v.toFixed(1)}×`;
  return `${Math.round(v)}×`;
}

/** A rule's factor as configured: 14.4 → "14.4×", 1 → "1×", 0.9333 → "0.93×". */
export function formatFactor(v: number): string {
  return `${+v.toFixed(2)}×`;
}

const DAY = 86_400_000;

/** Days and hours without minute noise: "3d 4h", "5h 12m", "not burning". */
export function formatLongDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

export type Exhaustion = { text: string; state: DisplayState };

/** Time to exhaustion at the 1h burn rate, as the server computes it (lib/slo/math.ts). */
export function exhaustion(slo: Pick<SloStatus, "budgetRemaining" | "timeToExhaustionMs" | "burnRates">): Exhaustion {
  const remaining = slo.budgetRemaining;
  if (remaining === null || !Number.isFinite(remaining)) return { text: "no data", state: "unknown" };
  if (remaining <= 0) return { text: "budget exhausted", state: "critical" };
  const ms = slo.timeToExhaustionMs;
  if (ms === null || !Number.isFinite(ms)) {
    return { text: slo.burnRates["1h"] === null ? "no traffic in the last 1h" : "not burning", state: "ok" };
  }
  if (ms > 365 * DAY) return { text: "at current 1h burn: more than a year", state: "ok" };
  return { text: `at current 1h burn: ${formatLongDuration(ms)}`, state: ms < DAY ? "critical" : ms < 3 * DAY ? "warn" : "ok" };
}

/** SLOs grouped by service, in the order the server lists them. */
export function groupByService(slos: readonly SloStatus[]): { service: string; slos: SloStatus[] }[] {
  const groups = new Map<string, SloStatus[]>();
  for (const s of slos) {
    const g = groups.get(s.service);
    if (g) g.push(s);
    else groups.set(s.service, [s]);
  }
  return [...groups].map(([service, list]) => ({ service, slos: list }));
}

/** The SLO with the least budget left; SLOs without data only when none has any. */
export function worstSlo(slos: readonly SloStatus[]): SloStatus | null {
  let worst: SloStatus | null = null;
  for (const s of slos) {
    if (s.budgetRemaining === null || !Number.isFinite(s.budgetRemaining)) continue;
    if (!worst || s.budgetRemaining < (worst.budgetRemaining as number)) worst = s;
  }
  return worst ?? slos[0] ?? null;
}

export type BurndownPoint = { t: number; remaining: number | null; ideal: number };
export type Burndown = { slo: string; from: number; to: number; points: BurndownPoint[] };
export type BurndownRow = { t: number; remaining: number | null; ideal: number };

/**
 * Chart rows in percent. The ideal line runs to the end of the window (a calendar month ends
 * after `to`), where the remaining line stops at now.
 */
export function burndownRows(b: Burndown, windowMs: number): { rows: BurndownRow[]; domain: [number, number] } {
  const end = Math.max(b.to, b.from + windowMs);
  const hasData = b.points.some((p) => p.remaining !== null && Number.isFinite(p.remaining));
  const rows: BurndownRow[] = [{ t: b.from, remaining: hasData ? 100 : null, ideal: 100 }];
  for (const p of b.points) {
    if (p.t <= b.from) continue;
    rows.push({
      t: p.t,
      remaining: p.remaining !== null && Number.isFinite(p.remaining) ? p.remaining * 100 : null,
      ideal: p.ideal * 100,
    });
  }
  if (end > b.to + 60_000) rows.push({ t: end, remaining: null, ideal: 0 });
  return { rows, domain: [b.from, end] };
}

/** Worst first: a firing page-tier burn alert, then a firing ticket-tier one, then the least budget left; no data last. */
export function sloRank(s: SloStatus): [number, number] {
  const firing = s.burnAlerts.filter((a) => a.firing);
  const alert = firing.some((a) => a.rule.severity === "page") ? 0 : firing.length ? 1 : 2;
  const budget = s.budgetRemaining !== null && Number.isFinite(s.budgetRemaining) ? s.budgetRemaining : Infinity;
  return [alert, budget];
}

export function bySeverity(a: SloStatus, b: SloStatus): number {
  const [x, y] = [sloRank(a), sloRank(b)];
  return x[0] - y[0] || x[1] - y[1] || compareNames(a.name, b.name);
}

/** Every word must appear in the SLO's service, name or id, or its state ("firing", "critical", "warn", "ok"). */
export function sloMatches(s: SloStatus, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const firing = s.burnAlerts.some((a) => a.firing) ? "firing" : "";
  const hay = `${s.service} ${s.name} ${s.id} ${budgetState(s.budgetRemaining)} ${firing}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * SLOs of the filter in exactly the worst-first order (bySeverity: firing page-tier, then firing
 * ticket-tier, then least budget left), cut into runs of one service for the headings. Grouping
 * every SLO of a service under its worst one put a service's healthy SLO above another service's
 * firing one (issue #16), so a service may head more than one run.
 */
export function groupWorstFirst(slos: readonly SloStatus[], filter: string): { key: string; service: string; slos: SloStatus[] }[] {
  const runs: { key: string; service: string; slos: SloStatus[] }[] = [];
  for (const s of slos.filter((x) => sloMatches(x, filter)).sort(bySeverity)) {
    const last = runs.at(-1);
    if (last?.service === s.service) last.slos.push(s);
    else runs.push({ key: `${s.service}:${s.id}`, service: s.service, slos: [s] });
  }
  return runs;
}

/**
 * Where the ideal burn-down line stands now (100 % at the window's start, 0 % at its end, as
 * lib/slo/tracker.ts draws it) and which day of the window it is. Shown beside a calendar month's
 * remaining budget so that 39 % left on the 1st reads as far behind the ideal 97 %, not as "39 %
 * of a month is plenty"; a rolling window is always at its steady state, so it has none.
 */
export function idealNow(slo: Pick<SloStatus, "window" | "windowFrom" | "windowMs">, now: number): { ideal: number; day: number } | null {
  if (slo.window !== "calendar-month" || !(slo.windowMs > 0)) return null;
  const elapsed = Math.min(Math.max(0, now - slo.windowFrom), slo.windowMs);
  return { ideal: 1 - elapsed / slo.windowMs, day: Math.floor(elapsed / DAY) + 1 };
}

/** "39 % left · ideal 97 % on day 1" for a calendar month; "39 % left" otherwise. */
export function budgetBesideIdeal(slo: Pick<SloStatus, "window" | "windowFrom" | "windowMs" | "budgetRemaining">, now: number | null): string {
  if (slo.budgetRemaining === null || !Number.isFinite(slo.budgetRemaining)) return "no data";
  const left = `${formatBudget(slo.budgetRemaining)} left`;
  const at = now === null ? null : idealNow(slo, now);
  if (!at) return left;
  return `${left} · ideal ${formatBudget(at.ideal)} on day ${at.day}`;
}
