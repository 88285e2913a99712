import { Invalid } from "../errors";
import { incidentMetrics } from "../incidents/lifecycle";
import { compareEntries, ROLE_INFO, ROLES, SEVERITY_MEANING, type ActionItem, type EntryKind, type Incident, type TimelineEntry } from "../incidents/model";
import type { SloConfig } from "../slo/schema";
import { formatDuration } from "../signals/format";
import type { PlaceholderName } from "./catalogue";
import type { ImpactReport, ServiceImpact, SloImpact } from "./impact";
import type { PostmortemTemplate } from "./templates";
import { impactWindowText } from "./impact-text";
import { hasData } from "./service-impact";

/**
 * Turns a template and the recorded data of an incident into a Markdown draft (docs/api.md "Postmortems").
 * Pure: every value comes from `data`, including the clock. Times are UTC, ISO to the minute
 * (`2026-03-04T14:07Z`); tables are GFM; user text put in a table cell has `|` escaped and line
 * breaks turned into `<br>`. Placeholder values are inserted once and never re-parsed, so text
 * containing `{{` in an incident cannot inject placeholders.
 */

export type DraftData = {
  incident: Incident;
  timeline: readonly TimelineEntry[];
  actionItems: readonly ActionItem[];
  /** From computeImpact over the incident window; null when no metrics could be loaded. */
  impact: ImpactReport | null;
  /** SLO definitions; used to list the affected services' SLOs when `impact` is null. */
  slos?: readonly SloConfig[];
  /** Display names of services by id (the id is shown when missing). */
  serviceNames?: Readonly<Record<string, string>>;
  /** "Now" for {{generated_at}}. */
  now: number;
  /** Only UTC is supported: a postmortem reads the same for everyone. */
  timeZone?: "UTC";
  /** What {{timeline.entries}} shows: pinned entries only, or all of them. */
  pinnedOnly: boolean;
};

export type NeedsEndTime = {
  code: "needs_end_time";
  message: string;
  /** The end-time placeholders the template uses, in order of first use. */
  placeholders: PlaceholderName[];
  status: Incident["status"];
};

export type RenderResult = { ok: true; markdown: string } | { ok: false; error: NeedsEndTime };

/** A postmortem problem as a 400 for the HTTP edge; `details` is the problem object (with its `code`). */
export class PostmortemError extends Invalid {
  readonly problem: { code: string; message: string };
  constructor(problem: { code: string; message: string }) {
    super(problem.message, problem);
    this.problem = problem;
  }
}

/** Renders the draft, or explains why it cannot be (an unresolved incident and a template needing its end). */
export function renderDraft(template: PostmortemTemplate, data: DraftData): RenderResult {
  if (data.timeZone !== undefined && data.timeZone !== "UTC") throw new RangeError(`unsupported time zone ${String(data.timeZone)}: postmortems use UTC`);
  const { incident } = data;
  if (incident.resolvedAt === null && template.needsEndTime.length > 0) {
    const list = template.needsEndTime.map((n) => `{{${n}}}`).join(", ");
    return {
      ok: false,
      error: {
        code: "needs_end_time",
        status: incident.status,
        placeholders: [...template.needsEndTime],
        message: `incident #${incident.number} is not resolved yet (status ${incident.status}), and template "${template.name}" needs its end time for ${list}: resolve the incident first, or use a template without these placeholders`,
      },
    };
  }
  const ctx = new Ctx(template, data);
  let out = "";
  for (const s of template.segments) out += s.kind === "text" ? s.text : ctx.value(s.name);
  return { ok: true, markdown: out };
}

/** {@link renderDraft}, throwing a {@link PostmortemError} (400, details `{code: "needs_end_time", placeholders}`). */
export function renderDraftOrThrow(template: PostmortemTemplate, data: DraftData): string {
  const r = renderDraft(template, data);
  if (!r.ok) throw new PostmortemError(r.error);
  return r.markdown;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const DASH = "—";
const p2 = (n: number): string => String(n).padStart(2, "0");

/** 2026-03-04T14:07Z (UTC, to the minute). */
export function isoMinute(t: number | null): string {
  if (t === null || !Number.isFinite(t)) return DASH;
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}Z`;
}

/** 1234567 → "1,234,567" (rounded; locale-independent). */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return DASH;
  const n = Math.round(v);
  const s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${s}` : s;
}

/** Trims a fixed-point string: 12.50 → 12.5, 3.00 → 3. */
function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** Latency: "1,250 ms", "84 ms", "4.2 ms". */
export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  return Math.abs(ms) < 10 ? `${fixed(ms, 1)} ms` : `${formatCount(ms)} ms`;
}

/** Percent (0–100 scale): "9.12 %", "0.05 %", "42.5 %", "0 %". */
export function formatPercent(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return DASH;
  if (pct === 0) return "0 %";
  if (Math.abs(pct) < 0.01) return pct < 0 ? "> -0.01 %" : "< 0.01 %";
  return `${fixed(pct, Math.abs(pct) < 10 ? 2 : 1)} %`;
}

function durationOrDash(ms: number | null): string {
  return ms === null ? DASH : formatDuration(ms);
}

/** 0.999 → "99.9 %". */
function formatTarget(target: number): string {
  return `${Number((target * 100).toPrecision(12))} %`;
}

/**
 * Text for one GFM table cell: line breaks become `<br>`, every `|` ends up escaped (preceded
 * by an odd number of backslashes, so `\|` already escaped stays one pipe), and an empty cell
 * gets a space.
 */
export function escapeCell(text: string): string {
  const s = text
    .trim()
    .replace(/\r\n|\r|\n/g, "<br>")
    .replace(/(\\*)\|/g, (_m, slashes: string) => (slashes.length % 2 === 0 ? `${slashes}\\|` : `${slashes}|`));
  return s === "" ? " " : s;
}

/** A GFM table; cells are escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** Inline text: one line (line breaks become spaces). */
function inline(text: string): string {
  return text.replace(/\s*(?:\r\n|\r|\n)\s*/g, " ").trim();
}

const KIND_LABEL: Record<EntryKind, string> = {
  note: "Note",
  decision: "Decision",
  action: "Action",
  "status-change": "Status change",
  "severity-change": "Severity change",
  "role-change": "Role change",
  "impact-change": "Impact start changed",
  "alert-fired": "Alert fired",
  "alert-resolved": "Alert resolved",
  "alert-acknowledged": "Alert acknowledged",
  "alert-silenced": "Alert silenced",
  "runbook-step": "Runbook step",
  "drill-event": "Drill event",
};

const PRIORITY_ORDER = { P1: 0, P2: 1, P3: 2, P4: 3 } as const;

// ---------------------------------------------------------------------------------------------
// Values

class Ctx {
  private readonly metrics: ReturnType<typeof incidentMetrics>;
  private readonly cache = new Map<PlaceholderName, string>();

  constructor(
    private readonly template: PostmortemTemplate,
    private readonly data: DraftData,
  ) {
    this.metrics = incidentMetrics(data.incident);
  }

  value(name: PlaceholderName): string {
    let v = this.cache.get(name);
    if (v === undefined) {
      v = this.compute(name);
      this.cache.set(name, v);
    }
    return v;
  }

  private svc(id: string): string {
    return this.data.serviceNames?.[id] ?? id;
  }

  private holders(role: (typeof ROLES)[number]): string {
    const names = this.data.incident.roles.filter((r) => r.role === role).map((r) => inline(r.name));
    return names.length > 0 ? names.join(", ") : "unassigned";
  }

  private compute(name: PlaceholderName): string {
    const { incident: i, impact } = this.data;
    const m = this.metrics;
    switch (name) {
      case "incident.title":
        return inline(i.title);
      case "incident.number":
        return String(i.number);
      case "incident.id":
        return i.id;
      case "incident.severity":
        return `${i.severity} (${SEVERITY_MEANING[i.severity].name})`;
      case "incident.severity_meaning":
        return SEVERITY_MEANING[i.severity].meaning;
      case "incident.status":
        return i.status;
      case "incident.services":
        return i.services.length > 0 ? i.services.map((s) => this.svc(s)).join(", ") : "none recorded";
      case "incident.summary":
        return i.summary.trim() !== "" ? i.summary.trim() : "_No summary recorded on the incident._";
      case "incident.drill":
        return i.drill ? "yes" : "no";
      case "incident.drill_notice":
        return i.drill ? "> **Drill:** this incident was a drill; its impact was simulated.\n\n" : "";
      case "incident.created_by":
        return inline(i.createdBy);

      case "roles.table":
        return table(
          ["Role", "Who"],
          ROLES.map((r) => [ROLE_INFO[r].label, this.holders(r)]),
        );
      case "roles.commander":
        return this.holders("incident-commander");
      case "roles.communications":
        return this.holders("communications-lead");
      case "roles.scribe":
        return this.holders("scribe");
      case "roles.operations":
        return this.holders("operations-lead");
      case "roles.sme":
        return this.holders("sme");

      case "times.started":
        return isoMinute(i.startedAt);
      case "times.detected":
        return isoMinute(i.detectedAt);
      case "times.acknowledged":
        return isoMinute(i.acknowledgedAt);
      case "times.identified":
        return isoMinute(i.identifiedAt);
      case "times.mitigated":
        return isoMinute(i.mitigatedAt);
      case "times.resolved":
        return isoMinute(i.resolvedAt);
      case "times.table":
        return table(
          ["Moment", "Time (UTC)"],
          [
            ["Started", isoMinute(i.startedAt)],
            ["Detected", isoMinute(i.detectedAt)],
            ["Acknowledged", isoMinute(i.acknowledgedAt)],
            ["Identified", isoMinute(i.identifiedAt)],
            ["Mitigated", isoMinute(i.mitigatedAt)],
            ["Resolved", isoMinute(i.resolvedAt)],
          ],
        );

      case "durations.mttd":
        return formatDuration(m.mttdMs);
      case "durations.mtta":
        return durationOrDash(m.mttaMs);
      case "durations.mttm":
        return durationOrDash(i.mitigatedAt === null ? null : i.mitigatedAt - i.startedAt);
      case "durations.mttr":
      case "duration.total":
        return durationOrDash(m.mttrMs);
      case "durations.table":
        return table(
          ["Measure", "Duration"],
          [
            ["Time to detect (MTTD)", formatDuration(m.mttdMs)],
            ["Time to acknowledge (MTTA)", durationOrDash(m.mttaMs)],
            ["Time to mitigate", durationOrDash(i.mitigatedAt === null ? null : i.mitigatedAt - i.startedAt)],
            ["Time to resolve (MTTR)", durationOrDash(m.mttrMs)],
          ],
        );

      case "impact.table":
        return impact ? this.impactTable(impact) : this.noMetrics();
      case "impact.summary":
        return impact ? this.impactSummary(impact) : this.noMetrics();
      case "impact.peak_p99": {
        const peak = impact && peakOf(impact.services, "peakP99Ms", "peakP99At");
        return peak ? `${formatLatency(peak.value)} (${this.svc(peak.service)}, ${isoMinute(peak.at)})` : "no data";
      }
      case "impact.peak_error_rate": {
        const peak = impact && peakOf(impact.services, "peakErrorPct", "peakErrorPctAt");
        return peak ? `${formatPercent(peak.value)} (${this.svc(peak.service)}, ${isoMinute(peak.at)})` : "no data";
      }
      case "impact.failed_requests":
        return impact ? formatCount(impact.totals.failedRequests) : "no data";
      case "impact.requests":
        return impact ? formatCount(impact.totals.requests) : "no data";
      case "impact.window":
        return impact ? impactWindowText(impact) : `${isoMinute(i.startedAt)} → ${isoMinute(i.resolvedAt)}`;
      case "slo.table":
        return this.sloTable();
      case "slo.summary":
        return this.sloSummary();

      case "timeline.pinned":
        return this.timeline(true);
      case "timeline.all":
        return this.timeline(false);
      case "timeline.entries":
        return this.timeline(this.data.pinnedOnly);

      case "action_items.table":
        return this.actionItems(false);
      case "action_items.open":
        return this.actionItems(true);
      case "action_items.count":
        return String(this.data.actionItems.length);

      case "generated_at":
        return isoMinute(this.data.now);
      case "template.name":
        return this.template.name;
    }
  }

  private noMetrics(): string {
    return "_No metrics were recorded for the affected services during the incident window._";
  }

  private impactTable(impact: ImpactReport): string {
    if (impact.services.length === 0) return "_No affected services were recorded on the incident._";
    return table(
      ["Service", "Peak p99 latency", "Peak error rate", "Requests", "Failed requests (est.)", "Error rate"],
      impact.services.map((s) =>
        !hasData(s)
          ? [this.svc(s.service), "no data", "no data", "0", "0", DASH]
          : [
              this.svc(s.service),
              s.peakP99Ms === null ? "no data" : `${formatLatency(s.peakP99Ms)} at ${isoMinute(s.peakP99At)}`,
              s.peakErrorPct === null ? "no data" : `${formatPercent(s.peakErrorPct)} at ${isoMinute(s.peakErrorPctAt)}`,
              formatCount(s.requests),
              formatCount(s.failedRequests),
              s.errorRatio === null ? DASH : formatPercent(s.errorRatio * 100),
            ],
      ),
    );
  }

  private impactSummary(impact: ImpactReport): string {
    const text = impactWindowText(impact);
    const window = `${text[0].toUpperCase()}${text.slice(1)}`;
    const withData = impact.services.filter(hasData);
    const without = impact.services.filter((s) => !hasData(s));
    if (withData.length === 0) return `${window}, no metrics were recorded for ${listOf(impact.services.map((s) => this.svc(s.service))) || "the affected services"}.`;
    const parts: string[] = [];
    const { requests, failedRequests } = impact.totals;
    const rate = requests > 0 ? ` (${formatPercent((failedRequests / requests) * 100)})` : "";
    parts.push(`${window}, ${listOf(withData.map((s) => this.svc(s.service)))} served ${formatCount(requests)} requests, of which an estimated ${formatCount(failedRequests)} failed${rate}.`);
    const p99 = peakOf(withData, "peakP99Ms", "peakP99At");
    const err = peakOf(withData, "peakErrorPct", "peakErrorPctAt");
    if (p99 && err) {
      parts.push(
        `The highest p99 latency was ${formatLatency(p99.value)} (${this.svc(p99.service)}, ${isoMinute(p99.at)}) and the highest error rate ${formatPercent(err.value)} (${this.svc(err.service)}, ${isoMinute(err.at)}).`,
      );
    }
    const slos = impact.services.flatMap((s) => s.slos).filter((s) => s.budgetConsumed !== null);
    if (slos.length > 0) {
      const worst = slos.reduce((a, b) => (b.budgetConsumed! > a.budgetConsumed! ? b : a));
      parts.push(`The incident consumed ${formatPercent(worst.budgetConsumed! * 100)} of the ${windowLabel(worst)} error budget of ${worst.name}${slos.length > 1 ? ` (the most of ${slos.length} SLOs)` : ""}.`);
    }
    if (without.length > 0) parts.push(`No metrics were recorded for ${listOf(without.map((s) => this.svc(s.service)))}.`);
    return parts.join(" ");
  }

  /** The affected services' SLOs from the impact, or (no impact) from the definitions with no data. */
  private sloRows(): { slo: Pick<SloImpact, "sloId" | "name" | "service" | "target" | "window">; impact: SloImpact | null }[] {
    const { impact, slos, incident } = this.data;
    if (impact) return impact.services.flatMap((s) => s.slos.map((slo) => ({ slo, impact: slo })));
    const services = new Set(incident.services);
    return (slos ?? []).filter((s) => services.has(s.service)).map((s) => ({ slo: { sloId: s.id, name: s.name ?? s.id, service: s.service, target: s.target, window: s.window }, impact: null }));
  }

  private sloTable(): string {
    const rows = this.sloRows();
    if (rows.length === 0) return "_No SLOs are defined for the affected services._";
    return table(
      ["SLO", "Service", "Objective", "Bad events in incident", "Allowed errors in window", "Error budget consumed"],
      rows.map(({ slo, impact }) => [
        slo.name === slo.sloId ? slo.sloId : `${slo.name} (${slo.sloId})`,
        this.svc(slo.service),
        `${formatTarget(slo.target)} over ${slo.window}`,
        impact && impact.total > 0 ? formatCount(impact.bad) : "no data",
        impact && impact.windowTotal > 0 ? formatCount(impact.allowedBad) : "no data",
        impact && impact.budgetConsumed !== null ? `${formatPercent(impact.budgetConsumed * 100)} of the ${windowLabel(slo)} budget` : "no data",
      ]),
    );
  }

  private sloSummary(): string {
    const rows = this.sloRows();
    if (rows.length === 0) return "_No SLOs are defined for the affected services._";
    return rows
      .map(({ slo, impact }) =>
        impact && impact.budgetConsumed !== null
          ? `- ${inline(slo.name)}: ${formatPercent(impact.budgetConsumed * 100)} of the ${windowLabel(slo)} error budget consumed (${formatCount(impact.bad)} bad events; the window allows ${formatCount(impact.allowedBad)})`
          : `- ${inline(slo.name)}: no data for the incident window`,
      )
      .join("\n");
  }

  private timeline(pinnedOnly: boolean): string {
    const entries = this.data.timeline.filter((e) => !pinnedOnly || e.pinned).sort(compareEntries);
    if (entries.length === 0) return pinnedOnly ? "_No pinned timeline entries: pin the key moments on the incident, or include all entries._" : "_No timeline entries._";
    return table(
      ["Time (UTC)", "Kind", "Author", "Entry", "Signals"],
      entries.map((e) => [isoMinute(e.occurredAt), KIND_LABEL[e.kind] + (!pinnedOnly && e.pinned ? " (pinned)" : ""), e.author, e.body, this.snapshot(e)]),
    );
  }

  /** "checkout: p99 420 ms, err 3.2 %, 180 rps" per affected service (affected ones first), one per line. */
  private snapshot(e: TimelineEntry): string {
    const services = e.snapshot?.services ?? {};
    const ids = Object.keys(services);
    const order = [...this.data.incident.services.filter((s) => ids.includes(s)), ...ids.filter((s) => !this.data.incident.services.includes(s)).sort()];
    if (order.length === 0) return DASH;
    return order
      .map((id) => {
        const v = services[id];
        return `${this.svc(id)}: p99 ${formatLatency(v.p99)}, err ${formatPercent(v.errorPct)}, ${formatRps(v.rps)}`;
      })
      .join("\n");
  }

  private actionItems(openOnly: boolean): string {
    const items = this.data.actionItems
      .filter((a) => !openOnly || a.status === "open" || a.status === "in-progress")
      .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || a.createdAt - b.createdAt);
    if (items.length === 0) return openOnly ? "_No open action items._" : "_No action items yet: add them on the incident._";
    return table(
      ["Action item", "Owner", "Priority", "Type", "Status", "Due", "Ticket"],
      items.map((a) => [a.title, a.owner || "unassigned", a.priority, a.type, a.status, a.dueAt === null ? DASH : isoMinute(a.dueAt).slice(0, 10), a.ticketUrl ? `<${a.ticketUrl}>` : DASH]),
    );
  }
}

function formatRps(rps: number): string {
  if (!Number.isFinite(rps)) return `${DASH} rps`;
  return `${Math.abs(rps) < 10 ? fixed(rps, 1) : formatCount(rps)} rps`;
}

function windowLabel(slo: Pick<SloConfig, "window">): string {
  return slo.window === "calendar-month" ? "calendar-month" : slo.window;
}

function listOf(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Highest value across services (earliest minute on ties). */
function peakOf(
  services: readonly ServiceImpact[],
  key: "peakP99Ms" | "peakErrorPct",
  atKey: "peakP99At" | "peakErrorPctAt",
): { service: string; value: number; at: number } | null {
  let best: { service: string; value: number; at: number } | null = null;
  for (const s of services) {
    const v = s[key];
    const at = s[atKey];
    if (v === null || at === null) continue;
    if (!best || v > best.value || (v === best.value && at < best.at)) best = { service: s.service, value: v, at };
  }
  return best;
}
