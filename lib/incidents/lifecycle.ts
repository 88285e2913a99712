import { Invalid } from "../errors";
import { ROLE_INFO, ROLES, type Incident, type IncidentMetrics, type IncidentSeverity, type IncidentStatus, type RoleHolder } from "./model";

/** The forward path; `closed` follows `resolved` (when the postmortem is published). */
export const FORWARD: readonly IncidentStatus[] = ["investigating", "identified", "monitoring", "resolved"];

/** How far a timeline entry may claim to lie in the future (clock skew between browsers and the server). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type Transition = "none" | "forward" | "reopen" | "close";

/** What moving from `from` to `to` is, or null when the lifecycle forbids it. */
export function transition(from: IncidentStatus, to: IncidentStatus): Transition | null {
  if (from === to) return "none";
  if (from === "closed") return null;
  if (to === "closed") return from === "resolved" ? "close" : null;
  if (from === "resolved") return "reopen";
  return FORWARD.indexOf(to) > FORWARD.indexOf(from) ? "forward" : null;
}

/** Statuses an incident in `from` may move to. */
export function allowedTransitions(from: IncidentStatus): IncidentStatus[] {
  return (["investigating", "identified", "monitoring", "resolved", "closed"] as const).filter((to) => {
    const t = transition(from, to);
    return t !== null && t !== "none";
  });
}

/**
 * The time a change made `now` is recorded at: never before any time the incident already
 * carries, so lifecycle times never run backwards even if a server clock steps back.
 */
export function changeTime(i: Incident, now: number): number {
  return Math.max(now, i.detectedAt, i.acknowledgedAt ?? 0, i.identifiedAt ?? 0, i.mitigatedAt ?? 0, i.resolvedAt ?? 0, i.closedAt ?? 0);
}

/** Sets the timestamps of entering `to` at time `t`. Throws Invalid for a move the lifecycle forbids. */
export function applyStatus(i: Incident, to: IncidentStatus, t: number): Incident {
  const kind = transition(i.status, to);
  if (kind === null) {
    const allowed = allowedTransitions(i.status);
    const hint = allowed.length ? `allowed: ${allowed.join(", ")}` : "a closed incident cannot change status";
    throw new Invalid(`cannot move an incident from ${i.status} to ${to}; ${hint}`, [{ path: "status", message: hint }]);
  }
  if (kind === "none") return i;
  const next: Incident = { ...i, status: to };
  if (kind === "reopen") next.resolvedAt = null;
  if (to === "identified") next.identifiedAt ??= t;
  if (to === "monitoring") next.mitigatedAt ??= t;
  if (to === "resolved") next.resolvedAt = t;
  if (to === "closed") next.closedAt = t;
  return next;
}

export type SystemChange = { kind: "status-change" | "severity-change" | "role-change" | "impact-change"; body: string };

export type IncidentChanges = { status?: IncidentStatus; severity?: IncidentSeverity; title?: string; summary?: string; roles?: RoleHolder[]; startedAt?: number };

/**
 * Applies a patch at time `now`: the next incident (same version; the store bumps it) and the
 * system timeline entries it calls for, in order: status, severity, roles.
 */
export function applyChanges(i: Incident, changes: IncidentChanges, now: number): { next: Incident; entries: SystemChange[]; at: number } {
  const at = changeTime(i, now);
  const entries: SystemChange[] = [];
  let next = { ...i };
  if (changes.status !== undefined && changes.status !== i.status) {
    next = applyStatus(next, changes.status, at);
    const verb = transition(i.status, changes.status) === "reopen" ? "Reopened" : "Status changed";
    entries.push({ kind: "status-change", body: `${verb}: ${i.status} → ${changes.status}` });
  }
  if (changes.severity !== undefined && changes.severity !== i.severity) {
    next.severity = changes.severity;
    entries.push({ kind: "severity-change", body: `Severity changed: ${i.severity} → ${changes.severity}` });
  }
  if (changes.startedAt !== undefined && changes.startedAt !== i.startedAt) {
    // MTTD = detection − impact start: the impact cannot start after it was detected.
    if (changes.startedAt > i.detectedAt) {
      const message = `the impact cannot start after it was detected (${iso(i.detectedAt)})`;
      throw new Invalid(message, [{ path: "startedAt", message }]);
    }
    next.startedAt = changes.startedAt;
    entries.push({ kind: "impact-change", body: `Impact started at changed: ${iso(i.startedAt)} → ${iso(changes.startedAt)}` });
  }
  if (changes.title !== undefined) next.title = changes.title;
  if (changes.summary !== undefined) next.summary = changes.summary;
  if (changes.roles !== undefined) {
    for (const body of roleChanges(i.roles, changes.roles)) entries.push({ kind: "role-change", body });
    next.roles = changes.roles;
    if (next.acknowledgedAt === null && changes.roles.some((r) => r.role === "incident-commander")) next.acknowledgedAt = at;
  }
  return { next, entries, at };
}

/** One line per role whose holders changed, e.g. "Incident commander: Grace (was Ada)". */
export function roleChanges(before: readonly RoleHolder[], after: readonly RoleHolder[]): string[] {
  const holders = (list: readonly RoleHolder[], role: string) => list.filter((r) => r.role === role).map((r) => r.name);
  const lines: string[] = [];
  for (const role of ROLES) {
    const was = holders(before, role);
    const now = holders(after, role);
    if ([...was].sort().join("\u0000") === [...now].sort().join("\u0000")) continue;
    lines.push(`${ROLE_INFO[role].label}: ${now.join(", ") || "unassigned"}${was.length ? ` (was ${was.join(", ")})` : ""}`);
  }
  return lines;
}

/** The time an incident starts: now unless given; a little in the future is clock skew, more is refused. */
export function resolveStartedAt(startedAt: number | undefined, now: number): number {
  if (startedAt === undefined) return now;
  if (startedAt > now + FUTURE_TOLERANCE_MS) {
    throw new Invalid("startedAt is in the future", [{ path: "startedAt", message: `must not be after ${iso(now)}` }]);
  }
  return Math.min(startedAt, now);
}

/** A timeline time must lie within the incident: not before it started, not more than 5 minutes ahead. */
export function checkOccurredAt(occurredAt: number, incident: Pick<Incident, "startedAt">, now: number): void {
  if (occurredAt < incident.startedAt) {
    const message = `occurredAt is before the incident started (${iso(incident.startedAt)})`;
    throw new Invalid(message, [{ path: "occurredAt", message }]);
  }
  if (occurredAt > now + FUTURE_TOLERANCE_MS) {
    const message = `occurredAt is more than 5 minutes in the future (now ${iso(now)})`;
    throw new Invalid(message, [{ path: "occurredAt", message }]);
  }
}

/** MTTD, MTTA and MTTR of one incident (null while the moment has not come). */
export function incidentMetrics(i: Incident): IncidentMetrics {
  return {
    mttdMs: i.detectedAt - i.startedAt,
    mttaMs: i.acknowledgedAt === null ? null : i.acknowledgedAt - i.detectedAt,
    mttrMs: i.resolvedAt === null ? null : i.resolvedAt - i.startedAt,
  };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
