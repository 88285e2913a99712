import type { ActionItem, Incident, IncidentDetail, IncidentMetrics, TimelineEntry } from "./types";
import { isActive } from "./types";
import { parsed, validItems } from "@/components/contract";
import {
  ActionItemEventSchema,
  ActionItemSchema,
  EntryEventSchema,
  IncidentMetricsSchema,
  IncidentSchema,
  IncidentUpdateSchema,
  TimelineEntrySchema,
  ViewerSchema,
  ViewersEventSchema,
  compareEntries,
} from "@/lib/incidents/contract";

/** Pure cache updates for incident data; every write is version-checked so a late frame never rolls back. */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function upsert<T extends { id: string; version: number }>(list: readonly T[], next: T): T[] {
  const i = list.findIndex((x) => x.id === next.id);
  if (i < 0) return [...list, next];
  if (list[i].version > next.version) return list as T[];
  const out = list.slice();
  out[i] = next;
  return out;
}

/** The server's order (lib/incidents/contract.ts compareEntries): occurredAt, then the store-assigned seq. */
export function sortTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  return entries.slice().sort(compareEntries);
}

export function detailFromSnapshot(data: unknown): IncidentDetail | null {
  const incident = isObject(data) ? parsed(IncidentSchema, data.incident) : null;
  if (!isObject(data) || !incident) return null;
  return {
    incident,
    timeline: sortTimeline(validItems(TimelineEntrySchema, data.timeline)),
    actionItems: validItems(ActionItemSchema, data.actionItems),
    metrics: parsed(IncidentMetricsSchema, data.metrics) ?? { mttdMs: 0, mttaMs: null, mttrMs: null },
    viewers: validItems(ViewerSchema, data.viewers),
  };
}

export function withIncident(d: IncidentDetail, incident: Incident, metrics?: IncidentMetrics): IncidentDetail {
  if (incident.version < d.incident.version) return d;
  return { ...d, incident, metrics: metrics ?? d.metrics };
}

export function withEntry(d: IncidentDetail, entry: TimelineEntry): IncidentDetail {
  const next = upsert(d.timeline, entry);
  return next === d.timeline ? d : { ...d, timeline: sortTimeline(next) };
}

export function withItem(d: IncidentDetail, item: ActionItem): IncidentDetail {
  const next = upsert(d.actionItems, item);
  return next === d.actionItems ? d : { ...d, actionItems: next };
}

export function applyIncidentEvent(d: IncidentDetail, event: string, data: unknown): IncidentDetail {
  switch (event) {
    case "incident": {
      const e = parsed(IncidentUpdateSchema, data);
      return e ? withIncident(d, e.incident, e.metrics) : d;
    }
    case "entry": {
      const e = parsed(EntryEventSchema, data);
      return e ? withEntry(d, e.entry) : d;
    }
    case "action-item": {
      const e = parsed(ActionItemEventSchema, data);
      return e ? withItem(d, e.item) : d;
    }
    case "viewers": {
      const e = parsed(ViewersEventSchema, data);
      return e ? { ...d, viewers: e.viewers } : d;
    }
    default:
      return d;
  }
}

// ---- the list -------------------------------------------------------------------

export type StatusFilter = "active" | "resolved" | "all";
export type DrillFilter = "include" | "only" | "exclude";
export type ListFilters = { status: StatusFilter; severity: string | null; service: string | null; drills: DrillFilter };

/** One parser for the list's URL (`?status=&severity=&service=&drills=`). */
export function parseFilters(get: (k: string) => string | null | undefined): ListFilters {
  const status = get("status");
  const severity = get("severity");
  const drills = get("drills");
  const service = get("service");
  return {
    status: status === "resolved" || status === "all" ? status : "active",
    severity: severity && /^SEV[1-4]$/.test(severity) ? severity : null,
    service: service && /^[A-Za-z0-9._-]{1,190}$/.test(service) ? service : null,
    drills: drills === "only" || drills === "exclude" ? drills : "include",
  };
}

export function filtersToQuery(f: ListFilters): string {
  const q = new URLSearchParams();
  if (f.status !== "active") q.set("status", f.status);
  if (f.severity) q.set("severity", f.severity);
  if (f.service) q.set("service", f.service);
  if (f.drills !== "include") q.set("drills", f.drills);
  return q.toString();
}

/** The API query for a filter: "resolved" covers closed ones too, as the user means "over". */
export function apiQuery(f: ListFilters): string {
  const q = new URLSearchParams({ status: f.status === "resolved" ? "all" : f.status });
  if (f.severity) q.set("severity", f.severity);
  if (f.service) q.set("service", f.service);
  if (f.drills !== "include") q.set("drill", f.drills === "only" ? "true" : "false");
  return q.toString();
}

export function matchesFilters(i: Incident, f: ListFilters): boolean {
  if (f.status === "active" && !isActive(i)) return false;
  if (f.status === "resolved" && isActive(i)) return false;
  if (f.severity && i.severity !== f.severity) return false;
  if (f.service && !i.services.includes(f.service)) return false;
  if (f.drills === "only" && !i.drill) return false;
  if (f.drills === "exclude" && i.drill) return false;
  return true;
}

const newestFirst = (a: Incident, b: Incident) => b.number - a.number;

/** A live upsert applied to a filtered list: replaced, added, or dropped when it stops matching. */
export function applyToList(list: readonly Incident[], incident: Incident, f: ListFilters): Incident[] {
  const old = list.find((x) => x.id === incident.id);
  if (old && old.version > incident.version) return list as Incident[];
  const rest = list.filter((x) => x.id !== incident.id);
  return (matchesFilters(incident, f) ? [...rest, incident] : rest).sort(newestFirst);
}

export function sortIncidents(list: Incident[]): Incident[] {
  return list.slice().sort(newestFirst);
}
