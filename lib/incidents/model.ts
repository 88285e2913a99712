/**
 * Incidents (JSON contract in docs/incidents-contract.md): the shapes the API, the
 * store and the live channels carry. Times are epoch milliseconds, UTC. The resources are zod
 * schemas in ./contract.ts, their words (statuses, roles, kinds) in ./vocabulary.ts.
 */
import type { Incident, TimelineEntry } from "./contract";
import type { IncidentRole, IncidentSeverity } from "./vocabulary";

export * from "./vocabulary";

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
export { compareEntries } from "./contract";

/** A timeline entry before the store has given it its `seq` (lib/incidents/repo.ts insertEntries). */
export type EntryDraft = Omit<TimelineEntry, "seq">;

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
