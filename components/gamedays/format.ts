import type { Probe, Run } from "@/lib/gamedays/model";

/** "2m 05s", "45s", "—". */
export function dur(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(s % 60).padStart(2, "0")}s`;
}

export const offset = (ms: number) => `+${dur(ms)}`;

export function num(v: number | null, digits = 2): string {
  if (v === null || !Number.isFinite(v)) return "no data";
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

export const VERDICT_LABEL: Record<Run["verdict"], string> = { awaited: "Awaited", pass: "Pass", fail: "Fail", stopped: "Stopped" };
export const VERDICT_CLASS: Record<Run["verdict"], string> = {
  awaited: "border-line text-muted",
  pass: "border-ok/40 bg-ok/10 text-ok",
  fail: "border-critical/40 bg-critical/10 text-critical",
  stopped: "border-warn/40 bg-warn/10 text-warn",
};

/** How a probe reads now: a hypothesis inside or outside the steady state; an abort criterion quiet, building or tripped. */
export function probeState(p: Probe, now: number): { label: string; tone: "ok" | "warn" | "critical" | "muted" } {
  if (p.value === null) return { label: "no data", tone: "muted" };
  if (p.kind === "hypothesis") return p.holds ? { label: "inside", tone: "ok" } : { label: "broken", tone: "critical" };
  if (p.holds) return { label: "tripped", tone: "critical" };
  if (p.trueSince !== null) return { label: `building ${dur(now - p.trueSince)} / ${dur(p.condition.forMs)}`, tone: "warn" };
  return { label: "quiet", tone: "ok" };
}
