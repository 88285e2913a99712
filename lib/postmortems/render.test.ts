import { describe, expect, it } from "vitest";
import { WarRoomError } from "../errors";
import type { ActionItem, Incident, TimelineEntry } from "../incidents/model";
import type { SloConfig } from "../slo/schema";
import { MINUTE_MS, computeImpact, type SignalMinute, type SliRow } from "./impact";
import { PostmortemError, escapeCell, formatCount, isoMinute, renderDraft, renderDraftOrThrow, table, type DraftData } from "./render";
import { BUILT_IN_TEMPLATES, PLACEHOLDER_NAMES, parseTemplate, type PostmortemTemplate } from "./templates";

const MIN = MINUTE_MS;
/** 2026-03-04T14:00Z */
const T0 = Date.UTC(2026, 2, 4, 14, 0);

const incident: Incident = {
  id: "inc-1",
  number: 42,
  title: "Checkout errors after deploy",
  severity: "SEV2",
  status: "resolved",
  services: ["checkout", "payments"],
  drill: false,
  summary: "A bad config made **checkout** fail for card payments.",
  startedAt: T0,
  detectedAt: T0 + 4 * MIN,
  acknowledgedAt: T0 + 6 * MIN,
  identifiedAt: T0 + 15 * MIN,
  mitigatedAt: T0 + 20 * MIN,
  resolvedAt: T0 + 42 * MIN,
  closedAt: null,
  createdAt: T0 + 4 * MIN,
  createdBy: "alerts",
  roles: [
    { role: "incident-commander", name: "Ada" },
    { role: "scribe", name: "Grace" },
    { role: "sme", name: "Linus" },
    { role: "sme", name: "Barbara" },
  ],
  version: 7,
};

function entry(i: number, over: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: `e${i}`,
    incidentId: "inc-1",
    kind: "note",
    body: `entry ${i}`,
    occurredAt: T0 + i * MIN,
    recordedAt: T0 + i * MIN,
    author: "Ada",
    source: "user",
    pinned: false,
    version: 1,
    seq: i,
    snapshot: { t: T0 + i * MIN, services: { checkout: { p99: 1450.4, rps: 183.2, errorPct: 27.456, saturationPct: 60 }, payments: { p99: 88, rps: 4.25, errorPct: 0, saturationPct: 20 } } },
    ...over,
  };
}

const timeline: TimelineEntry[] = [
  entry(9, { kind: "decision", body: "Roll back | deploy 1234\nthen watch", pinned: true, author: "Grace" }),
  entry(5, { kind: "alert-fired", body: "Alert **checkout-errors** fired", source: "alert", author: "alerts", pinned: true }),
  entry(7, { body: "looking at logs" }),
];

const actionItems: ActionItem[] = [
  { id: "a1", incidentId: "inc-1", title: "Validate config | schema", owner: "Grace", dueAt: Date.UTC(2026, 2, 20), priority: "P2", type: "prevent", status: "open", ticketUrl: "https://tickets.example/PAY-1", createdAt: T0, createdBy: "Ada", version: 1 },
  { id: "a2", incidentId: "inc-1", title: "Page on checkout error rate", owner: "", dueAt: null, priority: "P1", type: "detect", status: "done", ticketUrl: null, createdAt: T0, createdBy: "Ada", version: 1 },
];

const slos: SloConfig[] = [
  { id: "checkout-availability", name: "Checkout availability", service: "checkout", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d", alerting: { burnRate: true } },
];

const minutes: SignalMinute[] = [
  { service: "checkout", start: T0 + 5 * MIN, requests: 10_000, errors: 1_000, errors5xx: 900, p99Max: 1450, errorPctMax: 27.5 },
  { service: "checkout", start: T0 + 6 * MIN, requests: 10_000, errors: 500, errors5xx: 500, p99Max: 900, errorPctMax: 5 },
  { service: "payments", start: T0 + 5 * MIN, requests: 300, errors: 0, errors5xx: 0, p99Max: 88, errorPctMax: 0 },
];
const sliRows: SliRow[] = [
  { sloId: "checkout-availability", start: T0 - 2 * 24 * 60 * MIN, spanMs: 10 * MIN, good: 2_980_000, total: 2_980_000 },
  { sloId: "checkout-availability", start: T0 + 5 * MIN, spanMs: MIN, good: 9_000, total: 10_000 },
  { sloId: "checkout-availability", start: T0 + 6 * MIN, spanMs: MIN, good: 9_500, total: 10_000 },
];

function data(over: Partial<DraftData> = {}): DraftData {
  const impact = computeImpact({ window: { from: incident.startedAt, to: incident.resolvedAt! }, services: incident.services, minutes, slos, sliRows });
  return { incident, timeline, actionItems, impact, slos, serviceNames: { checkout: "Checkout" }, now: T0 + 2 * 60 * MIN, timeZone: "UTC", pinnedOnly: true, ...over };
}

function render(template: PostmortemTemplate, d: DraftData = data()): string {
  const r = renderDraft(template, d);
  if (!r.ok) throw new Error(r.error.message);
  return r.markdown;
}

describe("renderDraft with the built-in templates", () => {
  for (const template of BUILT_IN_TEMPLATES) {
    it(`resolves every placeholder of "${template.name}"`, () => {
      const md = render(template);
      expect(md).not.toContain("{{");
      expect(md).not.toContain("}}");
      expect(md).toContain("# ");
      expect(md).toContain("Checkout errors after deploy (#42)");
      expect(md).toContain("SEV2 (Major)");
      expect(md).toContain("2026-03-04T14:00Z");
      expect(md).toContain("2026-03-04T14:42Z");
      expect(md).toContain("42m 00s");
    });
  }

  it("fills the default template with impact, budget, roles, timeline and action items", () => {
    const md = render(BUILT_IN_TEMPLATES[0]);
    // Impact table: peak p99 at its minute, failed requests = sum of errors.
    expect(md).toContain("| Checkout | 1,450 ms at 2026-03-04T14:05Z | 27.5 % at 2026-03-04T14:05Z | 20,000 | 1,500 | 7.5 % |");
    expect(md).toContain("| payments | 88 ms at 2026-03-04T14:05Z | 0 % at 2026-03-04T14:05Z | 300 | 0 | 0 % |");
    // Budget: 1,500 bad of 3,000,000 events at 99.9 % → 3,000 allowed → 50 %.
    expect(md).toContain("| Checkout availability (checkout-availability) | Checkout | 99.9 % over 30d | 1,500 | 3,000 | 50 % of the 30d budget |");
    expect(md).toContain("The incident consumed 50 % of the 30d error budget of Checkout availability.");
    expect(md).toContain("an estimated 1,500 failed");
    expect(md).toContain("| Incident commander | Ada |");
    expect(md).toContain("| Communications lead | unassigned |");
    expect(md).toContain("| Subject-matter expert | Linus, Barbara |");
    expect(md).toContain("| Time to detect (MTTD) | 4m 00s |");
    expect(md).toContain("| Time to acknowledge (MTTA) | 2m 00s |");
    // Pinned only, oldest first; pipes escaped and line breaks as <br>; compact snapshot.
    expect(md).toContain(
      "| 2026-03-04T14:05Z | Alert fired | alerts | Alert **checkout-errors** fired | Checkout: p99 1,450 ms, err 27.5 %, 183 rps<br>payments: p99 88 ms, err 0 %, 4.3 rps |",
    );
    expect(md).toContain("| 2026-03-04T14:09Z | Decision | Grace | Roll back \\| deploy 1234<br>then watch |");
    expect(md).not.toContain("looking at logs");
    // Action items: P1 first, unassigned owner, escaped pipe, due date, ticket link.
    const p1 = md.indexOf("Page on checkout error rate");
    const p2 = md.indexOf("Validate config");
    expect(p1).toBeGreaterThan(0);
    expect(p1).toBeLessThan(p2);
    expect(md).toContain("| Validate config \\| schema | Grace | P2 | prevent | open | 2026-03-20 | <https://tickets.example/PAY-1> |");
    expect(md).toContain("| Page on checkout error rate | unassigned | P1 | detect | done | — | — |");
    expect(md).toContain('Draft generated by War Room on 2026-03-04T16:00Z from the template "default"');
    // Prompts stay under the hand-written sections.
    expect(md).toMatch(/## Trigger\n\n_What set the incident off/);
  });

  it("includes all timeline entries when asked, marking the pinned ones", () => {
    const md = render(BUILT_IN_TEMPLATES[0], data({ pinnedOnly: false }));
    expect(md).toContain("| 2026-03-04T14:07Z | Note | Ada | looking at logs |");
    expect(md).toContain("| Alert fired (pinned) |");
  });

  it("says so when there is no metric data, no SLO, no entry, no action item", () => {
    const lonely = { ...incident, services: ["ledger"], summary: "", drill: true };
    const impact = computeImpact({ window: { from: T0, to: T0 + 42 * MIN }, services: ["ledger"], minutes: [], slos: [], sliRows: [] });
    const md = render(BUILT_IN_TEMPLATES[0], data({ incident: lonely, impact, timeline: [], actionItems: [], slos: [] }));
    expect(md).not.toContain("{{");
    expect(md).toContain("no metrics were recorded for ledger");
    expect(md).toContain("| ledger | no data | no data | 0 | 0 | — |");
    expect(md).toContain("_No SLOs are defined for the affected services._");
    expect(md).toContain("_No pinned timeline entries");
    expect(md).toContain("_No action items yet");
    expect(md).toContain("_No summary recorded on the incident._");
    expect(md).toContain("> **Drill:**");
    const noImpact = render(BUILT_IN_TEMPLATES[1], data({ impact: null }));
    expect(noImpact).toContain("_No metrics were recorded");
    expect(noImpact).toContain("- Checkout availability: no data for the incident window");
  });

  it("resolves every catalogue placeholder", () => {
    const parsed = parseTemplate("all", PLACEHOLDER_NAMES.map((n) => `${n}: {{${n}}}`).join("\n\n"));
    if (!parsed.ok) throw new Error(parsed.errors[0].message);
    const md = render(parsed.template);
    expect(md).not.toContain("{{");
    expect(md).toContain("impact.peak_p99: 1,450 ms (Checkout, 2026-03-04T14:05Z)");
    expect(md).toContain("impact.failed_requests: 1,500");
    expect(md).toContain("action_items.count: 2");
    expect(md).toContain("durations.mttm: 20m 00s");
    expect(md).toContain("roles.sme: Linus, Barbara");
  });

  it("does not re-parse placeholder values", () => {
    const sneaky = { ...incident, title: "Broken {{incident.id}} page" };
    const parsed = parseTemplate("t", "{{incident.title}}");
    if (!parsed.ok) throw new Error("fixture");
    expect(render(parsed.template, data({ incident: sneaky }))).toBe("Broken {{incident.id}} page");
  });
});

describe("needs_end_time", () => {
  const open: Incident = { ...incident, status: "monitoring", resolvedAt: null };

  it("lists the end-time placeholders the template uses when the incident is not resolved", () => {
    const r = renderDraft(BUILT_IN_TEMPLATES[1], data({ incident: open }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("needs_end_time");
    expect(r.error.status).toBe("monitoring");
    expect(r.error.placeholders).toEqual(["times.resolved", "duration.total", "durations.mttr", "impact.summary", "slo.summary"]);
    expect(r.error.message).toContain("{{times.resolved}}, {{duration.total}}");
    expect(r.error.message).toContain("incident #42 is not resolved");
  });

  it("throws a 400 with the problem as details from renderDraftOrThrow", () => {
    let caught: unknown;
    try {
      renderDraftOrThrow(BUILT_IN_TEMPLATES[0], data({ incident: open }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PostmortemError);
    expect(caught).toBeInstanceOf(WarRoomError);
    expect((caught as PostmortemError).status).toBe(400);
    expect((caught as PostmortemError).details).toMatchObject({ code: "needs_end_time", placeholders: expect.arrayContaining(["times.resolved", "impact.table", "slo.table"]) });
  });

  it("renders an open incident from a template without end-time placeholders", () => {
    const parsed = parseTemplate("open", "# {{incident.title}}\nSince {{times.started}}, MTTD {{durations.mttd}}\n{{timeline.pinned}}");
    if (!parsed.ok) throw new Error("fixture");
    const md = render(parsed.template, data({ incident: open, impact: null }));
    expect(md).toContain("Since 2026-03-04T14:00Z, MTTD 4m 00s");
  });
});

describe("formatting helpers", () => {
  it("escapes pipes and line breaks in table cells", () => {
    expect(escapeCell("a | b")).toBe("a \\| b");
    expect(escapeCell("already \\| escaped")).toBe("already \\| escaped");
    expect(escapeCell("backslash \\\\| then pipe")).toBe("backslash \\\\\\| then pipe");
    expect(escapeCell("one\ntwo\r\nthree\rfour")).toBe("one<br>two<br>three<br>four");
    expect(escapeCell("  ")).toBe(" ");
    expect(table(["A", "B|C"], [["x|y", "1\n2"]])).toBe("| A | B\\|C |\n|---|---|\n| x\\|y | 1<br>2 |");
  });

  it("formats times and counts the same everywhere", () => {
    expect(isoMinute(Date.UTC(2026, 0, 2, 3, 4, 59))).toBe("2026-01-02T03:04Z");
    expect(isoMinute(null)).toBe("—");
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(formatCount(999)).toBe("999");
  });
});
