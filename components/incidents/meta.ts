import {
  Activity,
  Bell,
  BellOff,
  BellRing,
  BookOpen,
  Clock3,
  FlaskConical,
  Gavel,
  MessageSquare,
  ShieldAlert,
  UserCog,
  Wrench,
  type LucideIcon,
} from "lucide-react";
import { ROLE_INFO, SEVERITY_HINT as HINT, SEVERITY_MEANING } from "@/lib/incidents/model";
import type { EntryKind, IncidentSeverity, IncidentStatus } from "./types";

/** Severity as words and colour; the one-line meaning is shown wherever severity is chosen. */
export const SEVERITY_UI: Record<IncidentSeverity, { label: string; name: string; meaning: string; chip: string; accent: string }> = {
  SEV1: {
    label: "SEV1",
    ...SEVERITY_MEANING.SEV1,
    chip: "bg-critical/18 text-critical ring-critical/55",
    accent: "border-l-critical",
  },
  SEV2: {
    label: "SEV2",
    ...SEVERITY_MEANING.SEV2,
    chip: "bg-warn/14 text-warn ring-warn/50",
    accent: "border-l-warn",
  },
  SEV3: {
    label: "SEV3",
    ...SEVERITY_MEANING.SEV3,
    chip: "bg-chart-1/12 text-chart-1 ring-chart-1/45",
    accent: "border-l-chart-1",
  },
  SEV4: {
    label: "SEV4",
    ...SEVERITY_MEANING.SEV4,
    chip: "bg-stale/12 text-muted ring-stale/40",
    accent: "border-l-stale",
  },
};

export const SEVERITY_HINT = HINT;

export const STATUS_UI: Record<IncidentStatus, { label: string; chip: string }> = {
  investigating: { label: "Investigating", chip: "bg-critical/12 text-critical ring-critical/40" },
  identified: { label: "Identified", chip: "bg-warn/12 text-warn ring-warn/40" },
  monitoring: { label: "Monitoring", chip: "bg-chart-1/12 text-chart-1 ring-chart-1/40" },
  resolved: { label: "Resolved", chip: "bg-ok/12 text-ok ring-ok/40" },
  closed: { label: "Closed", chip: "bg-stale/12 text-muted ring-stale/35" },
};

/** The forward path; `closed` follows `resolved` when the postmortem is published. */
export const LIFECYCLE: IncidentStatus[] = ["investigating", "identified", "monitoring", "resolved"];

/** Where an incident can go from `status`: the next step first, then skips, reopen targets for resolved ones. */
export function nextStatuses(status: IncidentStatus): { next: IncidentStatus | null; others: IncidentStatus[]; reopen: boolean } {
  if (status === "closed") return { next: null, others: [], reopen: false };
  if (status === "resolved") return { next: null, others: ["investigating", "identified", "monitoring", "closed"], reopen: true };
  const i = LIFECYCLE.indexOf(status);
  const forward = LIFECYCLE.slice(i + 1);
  return { next: forward[0] ?? null, others: forward.slice(1), reopen: false };
}

/** Role labels and instructions: the backend's copy (lib/incidents), so the timeline and the UI agree. */
export const ROLE_UI = ROLE_INFO;

export const KIND_UI: Record<EntryKind, { label: string; Icon: LucideIcon; tone: string }> = {
  note: { label: "Note", Icon: MessageSquare, tone: "text-muted" },
  decision: { label: "Decision", Icon: Gavel, tone: "text-chart-1" },
  action: { label: "Action", Icon: Wrench, tone: "text-chart-3" },
  "status-change": { label: "Status", Icon: Activity, tone: "text-warn" },
  "severity-change": { label: "Severity", Icon: ShieldAlert, tone: "text-critical" },
  "role-change": { label: "Role", Icon: UserCog, tone: "text-muted" },
  "impact-change": { label: "Impact start", Icon: Clock3, tone: "text-warn" },
  "alert-fired": { label: "Alert fired", Icon: Bell, tone: "text-critical" },
  "alert-resolved": { label: "Alert resolved", Icon: BellOff, tone: "text-ok" },
  "alert-acknowledged": { label: "Alert acknowledged", Icon: BellRing, tone: "text-chart-1" },
  "alert-silenced": { label: "Alert silenced", Icon: BellOff, tone: "text-muted" },
  "runbook-step": { label: "Runbook", Icon: BookOpen, tone: "text-chart-1" },
  "drill-event": { label: "Drill", Icon: FlaskConical, tone: "text-drill" },
};

/** Chart marker colour per kind (CSS variables, as every chart colour). */
export function markerColor(kind: EntryKind): string {
  switch (kind) {
    case "decision":
      return "var(--color-chart-1)";
    case "status-change":
      return "var(--color-warn)";
    case "severity-change":
    case "alert-fired":
      return "var(--color-critical)";
    case "drill-event":
      return "var(--color-drill)";
    default:
      return "var(--color-muted)";
  }
}

export const incidentLabel = (n: number) => `INC-${n}`;
