import { describe, expect, it } from "vitest";
import { issuesToDetails } from "../errors";
import { AlertRulesSchema, breaches, unknownAlertServiceProblems, type AlertRuleInput } from "./schema";

const checkout: AlertRuleInput = {
  name: "CheckoutHighLatency",
  service: "checkout",
  signal: "p99",
  op: ">",
  tiers: [
    { tier: 1, value: 100, for: "1m" },
    { tier: 2, value: 50, for: "5m" },
    { tier: 3, value: 30, for: "15m" },
  ],
  summary: "p99 latency above {{value}} ms",
  runbook_url: "/runbooks/checkout/high-latency",
  labels: { team: "payments" },
};

/** Problems of a one-rule `alerts:` list with `patch` applied, as `[{ path, message }]`. */
function problems(patch: Record<string, unknown>, base: AlertRuleInput = checkout) {
  const r = AlertRulesSchema.safeParse([{ ...base, ...patch }]);
  return r.success ? [] : issuesToDetails(r.error.issues);
}

describe("AlertRulesSchema", () => {
  it("parses the documented example, durations in ms", () => {
    const [rule] = AlertRulesSchema.parse([checkout]);
    expect(rule.tiers).toEqual([
      { tier: 1, value: 100, forMs: 60_000 },
      { tier: 2, value: 50, forMs: 300_000 },
      { tier: 3, value: 30, forMs: 900_000 },
    ]);
    expect(rule.labels).toEqual({ team: "payments" });
    expect(rule.runbook_url).toBe("/runbooks/checkout/high-latency");
  });

  it("defaults: no service, no labels, for 0; tiers come out sorted", () => {
    const [rule] = AlertRulesSchema.parse([
      { name: "LowTraffic", signal: "rps", op: "<", tiers: [{ tier: 3, value: 20, for: "10m" }, { tier: 1, value: 1 }] },
    ]);
    expect(rule.service).toBeUndefined();
    expect(rule.labels).toEqual({});
    expect(rule.tiers.map((t) => [t.tier, t.forMs])).toEqual([
      [1, 0],
      [3, 600_000],
    ]);
  });

  it("rejects a bad op with its path", () => {
    expect(problems({ op: "=>" })).toEqual([{ path: "[0].op", message: 'op must be one of ">", ">=", "<", "<="' }]);
  });

  it("rejects an unknown signal, naming it", () => {
    const [p] = problems({ signal: "p98" });
    expect(p.path).toBe("[0].signal");
    expect(p.message).toMatch(/^unknown signal "p98"; use one of p50, p95, p99/);
  });

  it('rejects tiers whose thresholds are out of severity order for ">"', () => {
    const tiers = [
      { tier: 1, value: 50, for: "1m" },
      { tier: 2, value: 100, for: "5m" },
    ];
    expect(problems({ tiers })).toEqual([
      {
        path: "[0].tiers[1].value",
        message:
          'tier 2 (urgent-ticket) threshold 100 must be below tier 1 (page) threshold 50: with op ">" the more severe tier has the higher threshold',
      },
    ]);
  });

  it('rejects tiers whose thresholds are out of severity order for "<", and accepts the right order', () => {
    const base: AlertRuleInput = { name: "TrafficDrop", signal: "rps", op: "<", tiers: [] };
    const wrong = problems({ tiers: [{ tier: 1, value: 10 }, { tier: 2, value: 5 }] }, base);
    expect(wrong).toHaveLength(1);
    expect(wrong[0].path).toBe("[0].tiers[1].value");
    expect(wrong[0].message).toMatch(/tier 2 \(urgent-ticket\) threshold 5 must be above tier 1 \(page\) threshold 10/);
    expect(problems({ tiers: [{ tier: 1, value: 5 }, { tier: 2, value: 10 }, { tier: 3, value: 20 }] }, base)).toEqual([]);
  });

  it("checks order by tier number, whatever the order tiers are listed in", () => {
    const [p] = problems({ tiers: [{ tier: 3, value: 200 }, { tier: 1, value: 100 }] });
    expect(p.path).toBe("[0].tiers[0].value");
    expect(p.message).toMatch(/tier 3 \(ticket\) threshold 200 must be below tier 1 \(page\) threshold 100/);
  });

  it("rejects a duplicate tier", () => {
    expect(problems({ tiers: [{ tier: 1, value: 100 }, { tier: 1, value: 50 }] })).toEqual([
      { path: "[0].tiers[1].tier", message: "duplicate tier 1 (also tiers[0])" },
    ]);
  });

  it("allows an equal threshold only when the less severe tier fires sooner", () => {
    expect(problems({ tiers: [{ tier: 1, value: 100, for: "15m" }, { tier: 2, value: 100, for: "1m" }] })).toEqual([]);
    const [p] = problems({ tiers: [{ tier: 1, value: 100, for: "1m" }, { tier: 2, value: 100, for: "5m" }] });
    expect(p.path).toBe("[0].tiers[1].for");
    expect(p.message).toMatch(/same threshold as tier 1 \(page\) and must have a shorter for/);
  });

  it("rejects tier numbers outside 1..3, no tiers, and more than three", () => {
    expect(problems({ tiers: [{ tier: 4, value: 1 }] })).toEqual([
      { path: "[0].tiers[0].tier", message: "tier must be 1 (page), 2 (urgent ticket) or 3 (ticket)" },
    ]);
    expect(problems({ tiers: [] })).toEqual([{ path: "[0].tiers", message: "at least one tier is required" }]);
    const four = [1, 2, 3, 3].map((tier, i) => ({ tier, value: 100 - i }));
    expect(problems({ tiers: four })[0].path).toBe("[0].tiers");
  });

  it("reports duration errors at the tier's for, and caps for at 24h", () => {
    expect(problems({ tiers: [{ tier: 1, value: 100, for: "1.5m" }] })).toEqual([
      { path: "[0].tiers[0].for", message: 'fractions are not allowed in duration "1.5m"; combine units instead, e.g. "1m30s"' },
    ]);
    expect(problems({ tiers: [{ tier: 1, value: 100, for: 60 }] })).toEqual([
      { path: "[0].tiers[0].for", message: 'duration 60 needs a unit, e.g. "60s" or "60m"' },
    ]);
    expect(problems({ tiers: [{ tier: 1, value: 100, for: "25h" }] })).toEqual([
      { path: "[0].tiers[0].for", message: "for must be at most 24h" },
    ]);
    expect(problems({ tiers: [{ tier: 1, value: 100, for: "24h" }] })).toEqual([]);
    expect(problems({ tiers: [{ tier: 1, value: 100, for: 0 }] })).toEqual([]);
  });

  it("rejects impossible values for the signal", () => {
    expect(problems({ signal: "errorPct", tiers: [{ tier: 1, value: 150 }] })).toEqual([
      { path: "[0].tiers[0].value", message: "errorPct is a percentage; value must be at most 100" },
    ]);
    expect(problems({ tiers: [{ tier: 1, value: -1 }] })[0].path).toBe("[0].tiers[0].value");
  });

  it("checks names, summary placeholders, runbook links, labels and unknown keys", () => {
    expect(problems({ name: "1Bad" })[0].path).toBe("[0].name");
    expect(problems({ summary: "p99 is {{valeu}}" })).toEqual([
      { path: "[0].summary", message: "unknown placeholder {{valeu}}; use {{value}}, {{threshold}} or {{service}}" },
    ]);
    expect(problems({ summary: "{{ value }} on {{service}} over {{threshold}}" })).toEqual([]);
    expect(problems({ runbook_url: "javascript:alert(1)" })[0].path).toBe("[0].runbook_url");
    expect(problems({ runbook_url: "//evil.example/x" })[0].path).toBe("[0].runbook_url");
    expect(problems({ runbook_url: "https://wiki.example.com/runbooks/checkout" })).toEqual([]);
    expect(problems({ labels: { severity: "low" } })).toEqual([
      { path: "[0].labels.severity", message: 'label "severity" is set by War Room and cannot be overridden' },
    ]);
    expect(problems({ service: "Checkout" })[0].path).toBe("[0].service");
    expect(problems({ thresold: 5 })[0].message).toMatch(/thresold/);
  });

  it("rejects a name used twice for the same service, including a rule for every service", () => {
    const twice = (a: Partial<AlertRuleInput>, b: Partial<AlertRuleInput>) => {
      const r = AlertRulesSchema.safeParse([
        { ...checkout, ...a },
        { ...checkout, ...b },
      ]);
      return r.success ? [] : issuesToDetails(r.error.issues);
    };
    expect(twice({}, {})).toEqual([{ path: "[1].name", message: 'duplicate alert "CheckoutHighLatency" for checkout (also [0])' }]);
    expect(twice({ service: undefined }, {})).toHaveLength(1);
    expect(twice({}, { service: "search" })).toEqual([]);
  });
});

describe("unknownAlertServiceProblems", () => {
  it("names rules for services missing from the config", () => {
    const rules = AlertRulesSchema.parse([checkout, { ...checkout, service: undefined, name: "Any" }]);
    expect(unknownAlertServiceProblems(rules, new Set(["search"]))).toEqual([
      { path: "alerts[0].service", message: 'unknown service "checkout"' },
    ]);
    expect(unknownAlertServiceProblems(rules, new Set(["checkout"]))).toEqual([]);
  });
});

describe("breaches", () => {
  it("compares the observed value with the threshold by op", () => {
    expect([breaches(">", 100, 100), breaches(">=", 100, 100), breaches("<", 100, 100), breaches("<=", 100, 100)]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect(breaches(">", 101, 100)).toBe(true);
    expect(breaches("<", 99, 100)).toBe(true);
  });
});
