import { describe, expect, it } from "vitest";
import { SIGNALS, type SignalValues } from "../signals/types";
import { fingerprint, fnv1a64, observationKey } from "./model";
import { AlertRulesSchema } from "./schema";
import { formatNumber, renderSummary, thresholdObservations } from "./threshold";

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const zero = Object.fromEntries(SIGNALS.map((s) => [s, 0])) as SignalValues;

const rules = AlertRulesSchema.parse([
  {
    name: "CheckoutHighLatency",
    service: "checkout",
    signal: "p99",
    op: ">",
    tiers: [
      { tier: 1, value: 100, for: "1m" },
      { tier: 2, value: 50, for: "5m" },
    ],
    summary: "p99 latency above {{value}} ms on {{ service }} (threshold {{threshold}})",
    runbook_url: "/runbooks/checkout/high-latency",
    labels: { team: "payments" },
  },
  { name: "HighErrors", signal: "errorPct", op: ">=", tiers: [{ tier: 1, value: 5 }] },
]);

describe("thresholdObservations", () => {
  it("maps rules × services × tiers to observations with the op applied", () => {
    const obs = thresholdObservations(rules, T0, { checkout: { ...zero, p99: 60.04, errorPct: 5 }, search: { ...zero, errorPct: 1 } });
    expect(obs.map((o) => [o.name, o.service, o.tier, o.active, o.value, o.threshold, o.forMs])).toEqual([
      ["CheckoutHighLatency", "checkout", 1, false, 60.04, 100, 60_000],
      ["CheckoutHighLatency", "checkout", 2, true, 60.04, 50, 300_000],
      ["HighErrors", "checkout", 1, true, 5, 5, 0],
      ["HighErrors", "search", 1, false, 1, 5, 0],
    ]);
    expect(obs[1].key).toBe(observationKey("threshold", "CheckoutHighLatency", "checkout", 2));
    expect(obs[1].annotations).toEqual({
      summary: "p99 latency above 60 ms on checkout (threshold 50)",
      runbook_url: "/runbooks/checkout/high-latency",
    });
    expect(obs[1].labels).toEqual({ team: "payments" });
    expect(obs[2].annotations).toEqual({ summary: "Errors >= 5% on checkout (now 5%)" });
  });

  it("no, stale or non-finite data is value null and never active", () => {
    const obs = thresholdObservations(
      rules,
      T0,
      { checkout: { ...zero, p99: 500, errorPct: Number.NaN, t: T0 - 10_000 }, search: null },
      { staleAfterMs: 5_000 },
    );
    expect(obs.every((o) => o.value === null && !o.active)).toBe(true);
    expect(obs.find((o) => o.service === "search")?.annotations.summary).toBe("Errors >= 5% on search (no data)");

    // Stale: an absent series, unless its source is failing now (then only no data).
    expect(obs.filter((o) => o.service === "checkout").every((o) => o.stale === true)).toBe(true);
    expect(obs.find((o) => o.service === "search")?.stale).toBeUndefined();
    const held = thresholdObservations(rules, T0, { checkout: { ...zero, p99: 500, t: T0 - 10_000 } }, { staleAfterMs: (id) => (id === "checkout" ? 5_000 : 0), sourceFailing: (id) => id === "checkout" });
    expect(held.every((o) => o.value === null && !o.active && o.stale === undefined)).toBe(true);
    const longer = thresholdObservations(rules, T0, { checkout: { ...zero, p99: 500, t: T0 - 10_000 } }, { staleAfterMs: () => 20_000 });
    expect(longer.find((o) => o.name === "CheckoutHighLatency")).toMatchObject({ value: 500, active: true });

    const fresh = thresholdObservations(rules, T0, { checkout: { ...zero, p99: 500, errorPct: Number.NaN, t: T0 - 1_000 } }, { staleAfterMs: 5_000 });
    expect(fresh.map((o) => [o.name, o.tier, o.active])).toEqual([
      ["CheckoutHighLatency", 1, true],
      ["CheckoutHighLatency", 2, true],
      ["HighErrors", 1, false],
    ]);
  });

  it("a rule for one service yields no-data observations when that service has no entry", () => {
    const obs = thresholdObservations(rules.slice(0, 1), T0, {});
    expect(obs.map((o) => [o.service, o.value, o.active])).toEqual([
      ["checkout", null, false],
      ["checkout", null, false],
    ]);
  });
});

describe("renderSummary and formatNumber", () => {
  it("fills the placeholders and rounds to readable digits", () => {
    expect(renderSummary("{{value}}/{{threshold}} on {{service}}", { value: 123.456, threshold: 100, service: "cart", signal: "p99" })).toBe(
      "123/100 on cart",
    );
    expect(renderSummary("{{ value }} ms", { value: null, threshold: 1, service: "cart", signal: "p99" })).toBe("no data ms");
    expect([formatNumber(12.345), formatNumber(1.2345), formatNumber(0.004), formatNumber(-3.456)]).toEqual(["12.3", "1.23", "0", "-3.46"]);
  });
});

describe("fingerprint", () => {
  it("matches Prometheus' label-set fingerprints (prometheus/common signature tests)", () => {
    expect(fingerprint({})).toBe("cbf29ce484222325");
    expect(BigInt(`0x${fingerprint({ name: "garland, briggs", fear: "love is not enough" })}`)).toBe(5799056148416392346n);
    expect(BigInt(`0x${fingerprint({ "first-label": "first-label-value" })}`)).toBe(5146282821936882169n);
    expect(fingerprint({ a: "b", c: "d" })).toBe(fingerprint({ c: "d", a: "b" }));
    expect(fingerprint({ a: "bc" })).not.toBe(fingerprint({ ab: "c" }));
  });

  it("is FNV-1a 64 underneath (reference vectors)", () => {
    expect(fnv1a64(["a"], false)).toBe("af63dc4c8601ec8c");
    expect(fnv1a64(["foobar"], false)).toBe("85944171f73967e8");
  });
});
