import { describe, expect, it } from "vitest";
import { AlertEvaluator } from "./evaluator";
import { visibleAlerts } from "./inhibition";
import type { Alert, AlertState, Tier } from "./model";
import { AlertRulesSchema } from "./schema";
import { thresholdObservations } from "./threshold";
import { SIGNALS, type SignalValues } from "../signals/types";

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const M = 60_000;

type Row = Pick<Alert, "kind" | "name" | "service" | "tier" | "state">;
const row = (tier: Tier, state: AlertState, over: Partial<Row> = {}): Row => ({
  kind: "threshold",
  name: "CheckoutHighLatency",
  service: "checkout",
  tier,
  state,
  ...over,
});
const shown = (rows: Row[]) => visibleAlerts(rows).map((r) => `${r.service}:${r.tier}:${r.state}`);

describe("visibleAlerts (inhibition)", () => {
  it("hides tier 3 of the same rule and service while tier 2 fires, from a real evaluation", () => {
    const rules = AlertRulesSchema.parse([
      {
        name: "CheckoutHighLatency",
        service: "checkout",
        signal: "p99",
        op: ">",
        tiers: [
          { tier: 1, value: 100, for: "1m" },
          { tier: 2, value: 50, for: "5m" },
          { tier: 3, value: 30, for: "15m" },
        ],
      },
    ]);
    const values = Object.fromEntries(SIGNALS.map((s) => [s, 0])) as SignalValues;
    const ev = new AlertEvaluator();
    const at = (t: number, p99: number) => ev.evaluate(t, thresholdObservations(rules, t, { checkout: { ...values, p99 } }));

    at(T0, 60);
    at(T0 + 5 * M, 60);
    // Tier 2 fires, tier 3 is still pending: the pending ticket is hidden.
    expect(visibleAlerts(ev.current()).map((a) => `${a.tier}:${a.state}`)).toEqual(["2:firing"]);
    at(T0 + 15 * M, 60);
    expect(ev.current().map((a) => a.tier)).toEqual([2, 3]);
    expect(visibleAlerts(ev.current()).map((a) => `${a.tier}:${a.state}`)).toEqual(["2:firing"]);
    at(T0 + 16 * M, 40);
    expect(visibleAlerts(ev.current()).map((a) => `${a.tier}:${a.state}`)).toEqual(["3:firing"]);
  });

  it("a pending higher tier inhibits nothing and stays visible", () => {
    expect(shown([row(1, "pending"), row(2, "firing"), row(3, "firing")])).toEqual(["checkout:1:pending", "checkout:2:firing"]);
    expect(shown([row(1, "pending"), row(3, "firing")])).toEqual(["checkout:1:pending", "checkout:3:firing"]);
  });

  it("only the same rule, kind and service are inhibited; resolved alerts are never hidden", () => {
    const rows = [
      row(1, "firing"),
      row(3, "firing", { service: "search" }),
      row(3, "firing", { name: "CheckoutErrors" }),
      row(3, "firing", { kind: "burn-rate" }),
      row(2, "resolved"),
      row(3, "firing"),
    ];
    expect(visibleAlerts(rows)).toEqual(rows.slice(0, 5));
  });
});
