import { describe, expect, it } from "vitest";
import { groupAlerts } from "./group";
import { alertId, TIER_SEVERITY, type Alert, type Tier } from "./model";

const T0 = Date.UTC(2026, 0, 1, 12);

function alert(over: Partial<Alert> & { tier: Tier }): Alert {
  const name = over.name ?? "HighErrorRate";
  const service = over.service ?? "checkout";
  return {
    id: alertId("threshold", name, service, over.tier),
    fingerprint: "0".repeat(16),
    kind: "threshold",
    name,
    service,
    severity: TIER_SEVERITY[over.tier],
    state: "firing",
    value: 20,
    threshold: 5,
    activeAt: T0,
    firedAt: T0 + 60_000,
    resolvedAt: null,
    labels: {},
    annotations: { summary: "errors" },
    source: "war-room",
    ...over,
  };
}

describe("groupAlerts: one row per rule and service", () => {
  it("three firing tiers of one rule are one group showing the page tier, the others folded", () => {
    const groups = groupAlerts([alert({ tier: 3 }), alert({ tier: 1 }), alert({ tier: 2 })], T0 + 120_000);
    expect(groups).toHaveLength(1);
    expect(groups[0].top.tier).toBe(1);
    expect(groups[0].folded.map((a) => a.tier)).toEqual([2, 3]);
    expect(groups[0].firing).toBe(true);
  });

  it("a firing tier is shown before a pending higher tier; another service is another group, the more severe first", () => {
    const groups = groupAlerts([alert({ tier: 1, state: "pending", firedAt: null }), alert({ tier: 3 }), alert({ tier: 1, service: "payments" })], T0 + 120_000);
    expect(groups.map((g) => [g.top.service, g.top.tier, g.top.state])).toEqual([
      ["payments", 1, "firing"],
      ["checkout", 3, "firing"],
    ]);
    expect(groups[1].folded.map((a) => [a.tier, a.state])).toEqual([[1, "pending"]]);
  });

  it("burn-rate rules of one SLO group together; a silenced group sorts after firing ones and does not count as firing", () => {
    const burn = (tier: Tier, rule: string): Alert =>
      alert({ tier, kind: "burn-rate", name: `ErrorBudgetBurn:checkout-availability:${rule}`, labels: { slo: "checkout-availability", window: "1h/5m" } });
    const silence = { id: "sil_1", by: "ana", reason: "deploy", endsAt: T0 + 10 * 60_000 };
    const groups = groupAlerts([{ ...alert({ tier: 1, service: "search" }), silence }, burn(1, "page-1h-5m"), burn(2, "ticket-6h-30m")], T0 + 120_000);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ firing: true, silenced: false });
    expect(groups[0].folded).toHaveLength(1);
    expect(groups[1]).toMatchObject({ firing: false, silenced: true });
    // Once the silence has ended, the same alert fires again for the board.
    expect(groupAlerts([{ ...alert({ tier: 1 }), silence }], T0 + 11 * 60_000)[0]).toMatchObject({ firing: true, silenced: false });
  });

  it("resolved alerts are not grouped", () => {
    expect(groupAlerts([alert({ tier: 1, state: "resolved", resolvedAt: T0 })], T0)).toEqual([]);
  });
});
