import { z } from "zod";
import { ENTRY_KINDS, ENTRY_SOURCES, ITEM_PRIORITIES, ITEM_STATUSES, ITEM_TYPES, ROLES, SEVERITIES, STATUSES } from "./vocabulary";

/**
 * The incident resources as the API, the store and the live channels carry them
 * (docs/incidents-contract.md); inputs are in ./schemas.ts. Times are epoch ms, UTC.
 */

const time = z.number().meta({ description: "epoch ms (UTC)" });
const nullableTime = z.number().nullable().meta({ description: "epoch ms (UTC)" });

export const RoleHolderSchema = z.object({ role: z.enum(ROLES), name: z.string() });
export type RoleHolder = z.infer<typeof RoleHolderSchema>;

export const IncidentSchema = z.object({
  id: z.string(),
  number: z.number().int().meta({ description: 'shown as "INC-<number>"' }),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  services: z.array(z.string()),
  drill: z.boolean(),
  summary: z.string(),
  startedAt: time,
  detectedAt: time,
  acknowledgedAt: nullableTime,
  identifiedAt: nullableTime,
  /** When the incident entered monitoring (mitigated). */
  mitigatedAt: nullableTime,
  resolvedAt: nullableTime,
  closedAt: nullableTime,
  createdAt: time,
  createdBy: z.string(),
  roles: z.array(RoleHolderSchema),
  version: z.number().int(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** What the board showed for one service: latency p99 (ms), req/s, error % and the highest saturation %. */
export const ServiceSignalsSchema = z.object({ p99: z.number(), rps: z.number(), errorPct: z.number(), saturationPct: z.number() });
export type ServiceSignals = z.infer<typeof ServiceSignalsSchema>;
export const SignalSnapshotSchema = z
  .object({ t: time, services: z.record(z.string(), ServiceSignalsSchema) })
  .meta({ description: "golden signals of the incident's services when the entry was written" });
export type SignalSnapshot = z.infer<typeof SignalSnapshotSchema>;

export const TimelineEntrySchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.enum(ENTRY_KINDS),
  body: z.string().meta({ description: "markdown" }),
  occurredAt: time,
  recordedAt: time,
  author: z.string(),
  source: z.enum(ENTRY_SOURCES),
  pinned: z.boolean(),
  version: z.number().int(),
  snapshot: SignalSnapshotSchema,
  seq: z.number().int().meta({ description: "assigned by the store when the entry is written, strictly increasing: orders entries with the same occurredAt" }),
  edited: z
    .object({ at: time, by: z.string(), revisions: z.number().int() })
    .optional()
    .meta({ description: "absent until the body or time is first edited: the last edit (who, when) and how many there were; the history is GET …/timeline/{eid}/revisions" }),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** One edit of an entry: the body and time it replaced (of entry version `version`), who replaced them and when. */
export const EntryRevisionSchema = z.object({
  version: z.number().int(),
  body: z.string().meta({ description: "markdown, as it was before the edit" }),
  occurredAt: time,
  editedBy: z.string(),
  editedAt: time,
});
export type EntryRevision = z.infer<typeof EntryRevisionSchema>;
export const EntryRevisionListSchema = z.object({ entry: TimelineEntrySchema, revisions: z.array(EntryRevisionSchema) });

/**
 * The timeline's one order, used by the store, the live snapshot, the postmortem and the browser:
 * by occurredAt, then by the store-assigned `seq` (docs/incidents-contract.md, "Order").
 */
export function compareEntries(a: Pick<TimelineEntry, "occurredAt" | "seq">, b: Pick<TimelineEntry, "occurredAt" | "seq">): number {
  return a.occurredAt - b.occurredAt || a.seq - b.seq;
}

export const ActionItemSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  title: z.string(),
  /** "" = unassigned. */
  owner: z.string(),
  dueAt: nullableTime,
  priority: z.enum(ITEM_PRIORITIES),
  type: z.enum(ITEM_TYPES),
  status: z.enum(ITEM_STATUSES),
  ticketUrl: z.string().nullable(),
  createdAt: time,
  createdBy: z.string(),
  version: z.number().int(),
});
export type ActionItem = z.infer<typeof ActionItemSchema>;

export const IncidentMetricsSchema = z.object({ mttdMs: z.number(), mttaMs: z.number().nullable(), mttrMs: z.number().nullable() });
export type IncidentMetrics = z.infer<typeof IncidentMetricsSchema>;

/** GET /api/v1/incidents/{id}: the incident with its timeline (by occurredAt, then seq), action items and MTTx. */
export const IncidentDetailSchema = z.object({
  incident: IncidentSchema,
  timeline: z.array(TimelineEntrySchema),
  actionItems: z.array(ActionItemSchema),
  metrics: IncidentMetricsSchema,
});
export type IncidentDetail = z.infer<typeof IncidentDetailSchema>;

/** The state of one runbook step in one incident, as the POST answer and the `runbook-check` event carry it. */
export const RunbookCheckSchema = z.object({ runbook: z.string(), index: z.number().int(), checked: z.boolean(), by: z.string(), at: z.number() });

/** One step of GET /api/v1/incidents/{id}/runbook-steps. */
export const RunbookStepStateSchema = z.object({
  index: z.number().int(),
  text: z.string(),
  checked: z.boolean(),
  by: z.string().nullable(),
  at: z.number().nullable(),
});
export type RunbookStepState = z.infer<typeof RunbookStepStateSchema>;
export const RunbookStepsSchema = z.object({ checks: z.array(RunbookStepStateSchema) });
export const IncidentListSchema = z.object({ incidents: z.array(IncidentSchema) });

/**
 * A viewer of an incident (presence), in the `incident:<id>` snapshot and `viewers` event. With
 * several instances each entry names the instance the connection is on (lib/incidents/presence.ts).
 */
export const ViewerSchema = z.object({ name: z.string(), since: z.number(), instance: z.string().optional() });
export type Viewer = z.infer<typeof ViewerSchema>;

/** `incident:<id>` snapshot: the detail plus who is viewing. */
export const IncidentChannelSnapshotSchema = IncidentDetailSchema.extend({ viewers: z.array(ViewerSchema) });

/** `incident:<id>` events (the `postmortem` event is lib/postmortems' PostmortemSavedSchema). */
export const IncidentUpdateSchema = z.object({ incident: IncidentSchema, metrics: IncidentMetricsSchema.optional() });
export const EntryEventSchema = z.object({ entry: TimelineEntrySchema });
export const ActionItemEventSchema = z.object({ item: ActionItemSchema });
export const ViewersEventSchema = z.object({ viewers: z.array(ViewerSchema) });

/** `incidents` snapshot (open ones and the latest resolved) and its `upsert` event. */
export const IncidentListSnapshotSchema = z.object({ incidents: z.array(IncidentSchema), active: z.number().int(), lastStartedAt: z.number().nullable() });
export const IncidentUpsertSchema = z.object({ incident: IncidentSchema });
