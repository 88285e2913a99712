import {
  CircleCheck,
  CircleQuestionMark,
  Hourglass,
  OctagonExclamationPoint,
  TriangleExclamationPoint,
  type LucideIcon,
} from "lucide-react";
import clsx from "clsx";
import type { OverallStatus, SignalState } from "@/lib/signals/types";

/** What a state looks like: always a word and an icon, colour only as a third cue. */
export type DisplayState = SignalState | "stale" | "unknown";

export const STATE_UI: Record<DisplayState, { label: string; Icon: LucideIcon; text: string; chip: string }> = {
  ok: { label: "OK", Icon: CircleCheck, text: "text-ok", chip: "bg-ok/12 text-ok ring-ok/40" },
  warn: { label: "WARN", Icon: TriangleExclamationPoint, text: "text-warn", chip: "bg-warn/12 text-warn ring-warn/45" },
  critical: {
    label: "CRITICAL",
    Icon: OctagonExclamationPoint,
    text: "text-critical",
    chip: "bg-critical/15 text-critical ring-critical/50",
  },
  stale: { label: "STALE", Icon: Hourglass, text: "text-stale", chip: "bg-stale/12 text-stale ring-stale/40" },
  unknown: { label: "NO DATA", Icon: CircleQuestionMark, text: "text-stale", chip: "bg-stale/10 text-stale ring-stale/30" },
};

export type BannerStatus = OverallStatus | "STALE";

export const BANNER_UI: Record<BannerStatus, { state: DisplayState; label: string }> = {
  HEALTHY: { state: "ok", label: "HEALTHY" },
  DEGRADED: { state: "warn", label: "DEGRADED" },
  CRITICAL: { state: "critical", label: "CRITICAL" },
  UNKNOWN: { state: "unknown", label: "UNKNOWN" },
  STALE: { state: "stale", label: "STALE" },
};

export function StatePill({ state, className, label }: { state: DisplayState; className?: string; label?: string }) {
  const ui = STATE_UI[state];
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-bold tracking-wide ring-1 ring-inset whitespace-nowrap",
        ui.chip,
        className,
      )}
    >
      <ui.Icon aria-hidden className="size-3.5 shrink-0" strokeWidth={2.5} />
      {label ?? ui.label}
    </span>
  );
}

/** Icon-plus-word marker shown next to a value that breaches its threshold. */
export function StateMark({ state, compact = false }: { state: DisplayState; compact?: boolean }) {
  if (state === "ok") return null;
  const ui = STATE_UI[state];
  return (
    <span className={clsx("inline-flex items-center gap-1 text-[0.7rem] font-bold tracking-wide", ui.text)}>
      <ui.Icon aria-hidden className="size-3.5" strokeWidth={2.5} />
      {compact ? <span className="sr-only">{ui.label}</span> : ui.label}
    </span>
  );
}
