import type { Alert } from "./model";

type Inhibitable = Pick<Alert, "kind" | "name" | "service" | "tier" | "state">;

/**
 * What the board shows: while a tier of a rule fires for a service, its less severe tiers for the
 * same service (pending or firing) are hidden, as an Alertmanager inhibit rule would mute them.
 * The evaluator itself keeps every tier, Prometheus-style, so history and timelines stay complete.
 * Pending alerts never inhibit and resolved alerts are never hidden.
 */
export function visibleAlerts<T extends Inhibitable>(alerts: readonly T[]): T[] {
  const topFiring = new Map<string, number>();
  for (const a of alerts) {
    if (a.state !== "firing") continue;
    const g = groupKey(a);
    topFiring.set(g, Math.min(topFiring.get(g) ?? Infinity, a.tier));
  }
  return alerts.filter((a) => a.state === "resolved" || a.tier <= (topFiring.get(groupKey(a)) ?? Infinity));
}

function groupKey(a: Inhibitable): string {
  return JSON.stringify([a.kind, a.name, a.service]);
}
