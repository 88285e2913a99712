import type { StatusPageConfig } from "./config";

/** A status-page component's state, in Statuspage's words. */
export const COMPONENT_STATES = ["operational", "degraded_performance", "partial_outage", "major_outage"] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** The board's state of one service: ok / warn / critical, or null when it has no fresh point. */
export type ServiceHealth = "ok" | "warn" | "critical" | null;

export type ComponentDef = { id: string; name: string; services: string[] };

/** The components the page lists: the configured ones, or one per service. */
export function componentsOf(cfg: StatusPageConfig, services: readonly { id: string; name: string }[]): ComponentDef[] {
  return cfg.components ?? services.map((s) => ({ id: s.id, name: s.name, services: [s.id] }));
}

/**
 * A component's state from its services' board states: every service critical is a major
 * outage, some a partial one, any warning is degraded. A service without fresh data says
 * nothing (a source being down is not announced as an outage to customers).
 */
export function deriveState(health: readonly ServiceHealth[]): ComponentState {
  const known = health.filter((h): h is Exclude<ServiceHealth, null> => h !== null);
  const critical = known.filter((h) => h === "critical").length;
  if (critical > 0) return critical === known.length ? "major_outage" : "partial_outage";
  return known.some((h) => h === "warn") ? "degraded_performance" : "operational";
}

/**
 * Hysteresis: the shown state changes only once a new state has held for `holdMs` (observed
 * at least twice that far apart), so a flapping signal does not flap the public page. The first
 * observation is shown at once.
 */
export class ComponentHysteresis {
  private readonly shown = new Map<string, { state: ComponentState; since: number }>();
  private readonly candidate = new Map<string, { state: ComponentState; since: number }>();

  constructor(private readonly holdMs: number) {}

  observe(id: string, state: ComponentState, now: number): { state: ComponentState; since: number } {
    const cur = this.shown.get(id);
    if (!cur) {
      const first = { state, since: now };
      this.shown.set(id, first);
      return first;
    }
    if (state === cur.state) {
      this.candidate.delete(id);
      return cur;
    }
    const cand = this.candidate.get(id);
    if (!cand || cand.state !== state) {
      this.candidate.set(id, { state, since: now });
      if (this.holdMs > 0) return cur;
    }
    const since = this.candidate.get(id)!.since;
    if (now - since < this.holdMs) return cur;
    const next = { state, since };
    this.shown.set(id, next);
    this.candidate.delete(id);
    return next;
  }
}
