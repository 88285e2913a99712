/**
 * Incident shapes as the browser receives them: the backend's model (docs/incidents-contract.md)
 * plus what only the incident channel carries (viewers).
 */
import type { IncidentDetail as StoredDetail } from "@/lib/incidents/model";
import type { Viewer } from "@/lib/incidents/contract";

export {
  ENTRY_KINDS,
  ITEM_PRIORITIES,
  ITEM_STATUSES,
  ITEM_TYPES,
  ROLES,
  SEVERITIES,
  STATUSES,
  isOpen as isActive,
} from "@/lib/incidents/model";
export type {
  ActionItem,
  EntryKind,
  Incident,
  IncidentMetrics,
  IncidentRole,
  IncidentSeverity,
  IncidentStatus,
  RoleHolder,
  ServiceSignals,
  TimelineEntry,
  WritableKind,
} from "@/lib/incidents/model";

export type { Viewer } from "@/lib/incidents/contract";

/** Everything the incident page shows: the `incident:<id>` snapshot, or the HTTP read plus live viewers. */
export type IncidentDetail = StoredDetail & { viewers: Viewer[] };
