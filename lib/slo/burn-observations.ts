import { observationKey, SEVERITY_TIER, type Observation } from "../alerts/model";
import type { SloStatus } from "./tracker";

function fmt(v: number | null): string {
  return v === null ? "no data" : `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}×`;
}

/** One alert condition per SLO and burn-rate rule, for the shared alert evaluator. */
export function burnObservations(statuses: readonly SloStatus[]): Observation[] {
  const out: Observation[] = [];
  for (const s of statuses) {
    for (const b of s.burnAlerts) {
      const tier = SEVERITY_TIER[b.rule.severity];
      const name = `ErrorBudgetBurn:${s.id}:${b.rule.id}`;
      let annotations: Observation["annotations"] | null = null;
      const value = b.longBurn === null || b.shortBurn === null ? null : Math.min(b.longBurn, b.shortBurn);
      out.push({
        key: observationKey("burn-rate", name, s.service, tier),
        name,
        service: s.service,
        tier,
        kind: "burn-rate",
        active: b.firing,
        value,
        threshold: b.rule.factor,
        forMs: 0,
        labels: { slo: s.id, window: `${b.rule.longWindow}/${b.rule.shortWindow}` },
        // Rendered when read (an alert), not for every quiet SLO every tick (lib/alerts/evaluator.ts).
        get annotations() {
          return (annotations ??= {
            summary: `${s.name}: error budget burning ${fmt(b.longBurn)} over ${b.rule.longWindow} and ${fmt(b.shortBurn)} over ${b.rule.shortWindow} (threshold ${b.rule.factor.toFixed(b.rule.factor % 1 ? 2 : 0)}×: ${Math.round(b.rule.budgetConsumedAtAlert * 100)}% of the budget in ${b.rule.longWindow})`,
          });
        },
      });
    }
  }
  return out;
}
