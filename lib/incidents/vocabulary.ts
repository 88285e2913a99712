/** The words of incidents: statuses, roles, timeline entry kinds and action item fields (docs/incidents-contract.md). */
export { SEVERITIES, type IncidentSeverity } from "../severity";

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
  "impact-change",
  "alert-fired",
  "alert-resolved",
  "alert-acknowledged",
  "alert-silenced",
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
