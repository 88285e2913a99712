import type { Incident } from "./contract";

/**
 * Incidents (SPEC §5; JSON contract in docs/incidents-contract.md): the shapes the API, the
 * store and the live channels carry. Times are epoch milliseconds, UTC.
 */

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type IncidentSeverity = (typeof SEVERITIES)[number];

export const STATUSES = ["investigating", "identified", "monitoring", "resolved", "closed"] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export const ROLES = ["incident-commander", "communications-lead", "scribe", "operations-lead", "sme"] as const;
export type IncidentRole = (typeof ROLES)[number];

export const ENTRY_KINDS = [
  "note",
  "decision",
  "action",
  "status-change",
  "severity-change",
  "role-change",
  "alert-fired",
  "alert-resolved",
  "runbook-step",
  "drill-event",
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
/** Kinds a person writes; the others are recorded by the system. */
export const WRITABLE_KINDS = ["note", "decision", "action"] as const;
export type WritableKind = (typeof WRITABLE_KINDS)[number];

export const ENTRY_SOURCES = ["user", "system", "alert", "api"] as const;
export type EntrySource = (typeof ENTRY_SOURCES)[number];

export const ITEM_PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export const ITEM_TYPES = ["mitigate", "prevent", "detect", "process"] as const;
export const ITEM_STATUSES = ["open", "in-progress", "done", "wont-do"] as const;

export type {
  ActionItem,
  Incident,
  IncidentDetail,
  IncidentMetrics,
  RoleHolder,
  ServiceSignals,
  SignalSnapshot,
  TimelineEntry,
} from "./contract";

export const SEVERITY_HINT = "When unsure, pick the higher severity.";

export const SEVERITY_MEANING: Record<IncidentSeverity, { name: string; meaning: string }> = {
  SEV1: { name: "Critical", meaning: "Customer-facing outage or data loss; all hands." },
  SEV2: { name: "Major", meaning: "Significant degradation for many customers." },
  SEV3: { name: "Minor", meaning: "Limited impact or a workaround exists." },
  SEV4: { name: "Low", meaning: "No customer impact yet; follow up in hours." },
};

/** `single`: at most one person holds the role at a time. */
export const ROLE_INFO: Record<IncidentRole, { label: string; instruction: string; single: boolean }> = {
  "incident-commander": {
    label: "Incident commander",
    instruction: "Owns the response: sets priorities, makes the calls, delegates. Does not debug.",
    single: true,
  },
  "communications-lead": {
    label: "Communications lead",
    instruction: "Keeps stakeholders and customers informed on a fixed cadence; shields the responders.",
    single: true,
  },
  scribe: { label: "Scribe", instruction: "Records decisions, actions and times in the timeline as they happen.", single: true },
  "operations-lead": {
    label: "Operations lead",
    instruction: "Directs the hands-on work on systems; proposes and carries out mitigations.",
    single: true,
  },
  sme: { label: "Subject-matter expert", instruction: "Brings deep knowledge of one system; investigates and advises when asked.", single: false },
};

export const isOpen = (i: Pick<Incident, "status">): boolean => i.status !== "resolved" && i.status !== "closed";
