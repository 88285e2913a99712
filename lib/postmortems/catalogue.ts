/**
 * The placeholders a postmortem template may use, with what each one becomes. `endTime`: the
 * value only exists once the incident is resolved, so a draft of an unresolved incident from a
 * template using it is refused (`needs_end_time`).
 */
export type PlaceholderInfo = { description: string; endTime: boolean; group: PlaceholderGroup };
export type PlaceholderGroup = "incident" | "roles" | "times" | "durations" | "impact" | "slo" | "timeline" | "action items" | "other";

function p(group: PlaceholderGroup, description: string, endTime = false): PlaceholderInfo {
  return { group, description, endTime };
}

export const PLACEHOLDERS = {
  "incident.title": p("incident", "Title of the incident"),
  "incident.number": p("incident", "Incident number, e.g. 42 (write #{{incident.number}} for #42)"),
  "incident.id": p("incident", "Incident id"),
  "incident.severity": p("incident", "Severity with its name, e.g. SEV2 (Major)"),
  "incident.severity_meaning": p("incident", "One-line meaning of the severity"),
  "incident.status": p("incident", "Current status, e.g. resolved"),
  "incident.services": p("incident", "Affected services, comma separated (display names when known)"),
  "incident.summary": p("incident", "Summary written on the incident (\"_No summary recorded._\" when empty)"),
  "incident.drill": p("incident", "\"yes\" for a drill, \"no\" otherwise"),
  "incident.drill_notice": p("incident", "A warning line when the incident is a drill, nothing otherwise"),
  "incident.created_by": p("incident", "Who declared the incident"),

  "roles.table": p("roles", "Table of every role and who held it"),
  "roles.commander": p("roles", "Incident commander(s), comma separated, or \"unassigned\""),
  "roles.communications": p("roles", "Communications lead(s), or \"unassigned\""),
  "roles.scribe": p("roles", "Scribe(s), or \"unassigned\""),
  "roles.operations": p("roles", "Operations lead(s), or \"unassigned\""),
  "roles.sme": p("roles", "Subject-matter experts, or \"unassigned\""),

  "times.started": p("times", "When the incident started (UTC, ISO to the minute)"),
  "times.detected": p("times", "When it was detected"),
  "times.acknowledged": p("times", "When a responder first acknowledged it (— when never)"),
  "times.identified": p("times", "When the cause was identified (— when never)"),
  "times.mitigated": p("times", "When it was mitigated, i.e. entered monitoring (— when never)"),
  "times.resolved": p("times", "When it was resolved", true),
  "times.table": p("times", "Table of start / detection / acknowledgement / identification / mitigation / resolution times", true),

  "durations.mttd": p("durations", "Time to detect: detected − started"),
  "durations.mtta": p("durations", "Time to acknowledge: acknowledged − detected (— when never)"),
  "durations.mttm": p("durations", "Time to mitigate: mitigated − started (— when never)"),
  "durations.mttr": p("durations", "Time to resolve: resolved − started", true),
  "duration.total": p("durations", "Total duration, started → resolved (same as durations.mttr)", true),
  "durations.table": p("durations", "Table of MTTD, MTTA, time to mitigate and MTTR", true),

  "impact.table": p("impact", "Per affected service: peak p99, peak error rate, requests, estimated failed requests", true),
  "impact.summary": p("impact", "One paragraph summing up the measured impact", true),
  "impact.peak_p99": p("impact", "Highest p99 latency across affected services, with service and minute", true),
  "impact.peak_error_rate": p("impact", "Highest error rate across affected services, with service and minute", true),
  "impact.failed_requests": p("impact", "Estimated failed requests across affected services", true),
  "impact.requests": p("impact", "Requests served by the affected services during the incident", true),
  "impact.window": p("impact", "The incident window the impact is computed over", true),
  "slo.table": p("slo", "Per SLO of the affected services: bad events and error budget consumed in the incident", true),
  "slo.summary": p("slo", "One line per SLO: budget consumed", true),

  "timeline.pinned": p("timeline", "Table of the pinned timeline entries with their signal snapshots"),
  "timeline.all": p("timeline", "Table of every timeline entry with their signal snapshots"),
  "timeline.entries": p("timeline", "Pinned entries or all of them, as chosen when creating the draft"),

  "action_items.table": p("action items", "Table of the action items"),
  "action_items.open": p("action items", "Table of the action items not done yet"),
  "action_items.count": p("action items", "Number of action items"),

  generated_at: p("other", "When the draft was generated (UTC)"),
  "template.name": p("other", "Name of the template the draft came from"),
} as const satisfies Record<string, PlaceholderInfo>;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as PlaceholderName[];

export function isPlaceholder(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** Placeholders whose value needs the incident's end (resolution) time. */
export const END_TIME_PLACEHOLDERS = PLACEHOLDER_NAMES.filter((n) => PLACEHOLDERS[n].endTime);

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * The known placeholder nearest to `name`, or undefined when none is close: exact match ignoring
 * case, a catalogue name ending in `.name` (`title` → `incident.title`), else the smallest edit
 * distance within max(2, 40 % of the length).
 */
export function suggestPlaceholder(name: string): PlaceholderName | undefined {
  const lower = name.toLowerCase().replace(/-/g, "_");
  if (isPlaceholder(lower)) return lower;
  const bySuffix = PLACEHOLDER_NAMES.filter((n) => n.endsWith(`.${lower}`));
  if (bySuffix.length === 1) return bySuffix[0];
  let best: PlaceholderName | undefined;
  let bestDistance = Infinity;
  for (const n of PLACEHOLDER_NAMES) {
    const d = levenshtein(lower, n);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(lower.length * 0.4)) ? best : undefined;
}
