import type { Alert } from "./model";

/**
 * Alerts grouped by rule and service, as the board shows them: the tiers of one threshold rule,
 * or the burn-rate rules of one SLO, are one group. The shown alert is the most urgent (firing
 * before pending, then the most severe tier); the others are folded under it.
 */
export type AlertGroup = {
  key: string;
  /** The alert the row shows. */
  top: Alert;
  /** The group's other alerts, most urgent first (folded, expandable). */
  folded: Alert[];
  /** Some alert of the group fires and is not silenced. */
  firing: boolean;
  /** Every alert of the group is silenced (while `now` < its silence's end). */
  silenced: boolean;
};

/** Same group: same service and rule (an SLO's burn-rate rules count as one rule). */
export function groupKey(a: Pick<Alert, "kind" | "name" | "service" | "labels">): string {
  const rule = a.kind === "burn-rate" ? `slo:${a.labels.slo ?? a.name}` : a.name;
  return JSON.stringify([a.kind, rule, a.service]);
}

export function isSilenced(a: Pick<Alert, "silence">, now: number): boolean {
  return !!a.silence && a.silence.endsAt > now;
}

function urgency(a: Alert, b: Alert): number {
  return (a.state === "firing" ? 0 : 1) - (b.state === "firing" ? 0 : 1) || a.tier - b.tier || (a.firedAt ?? a.activeAt) - (b.firedAt ?? b.activeAt) || a.id.localeCompare(b.id);
}

/** Groups, most urgent first: firing and unsilenced before the rest, then as `urgency` orders their top alerts. */
export function groupAlerts(alerts: readonly Alert[], now: number): AlertGroup[] {
  const byKey = new Map<string, Alert[]>();
  for (const a of alerts) {
    if (a.state === "resolved") continue;
    const k = groupKey(a);
    const list = byKey.get(k);
    if (list) list.push(a);
    else byKey.set(k, [a]);
  }
  const groups: AlertGroup[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort(urgency);
    groups.push({
      key,
      top: sorted[0],
      folded: sorted.slice(1),
      firing: sorted.some((a) => a.state === "firing" && !isSilenced(a, now)),
      silenced: sorted.every((a) => isSilenced(a, now)),
    });
  }
  return groups.sort((a, b) => Number(b.firing) - Number(a.firing) || Number(a.silenced) - Number(b.silenced) || urgency(a.top, b.top));
}
