import { AlertEvaluator } from "./evaluator";
import { thresholdObservations } from "./threshold";
import type { AlertRule } from "./schema";
import type { Alert, AlertChange, Observation } from "./model";
import type { SignalPoint } from "../signals/types";
import type { Store } from "../store/store";
import { insertAlertEvents, listAlertEventsOf } from "../store/alerts";
import { ExternalAlerts, type AlertmanagerConfig, type WebhookPayload } from "../integrations/alertmanager";

/**
 * Evaluates threshold rules and SLO burn-rate conditions in ONE evaluator (it resolves any
 * condition missing from a call), records every state change, and returns the changes.
 */
export class AlertEngine {
  private readonly evaluator = new AlertEvaluator();
  /** Alerts from Alertmanager (kept apart: the evaluator resolves whatever a call does not carry). */
  private readonly external = new ExternalAlerts();
  private readonly rules: readonly AlertRule[];
  private readonly store: Store;
  private readonly staleAfterMs: number;

  constructor(opts: { store: Store; rules: readonly AlertRule[]; staleAfterMs: number }) {
    this.store = opts.store;
    this.rules = opts.rules;
    this.staleAfterMs = opts.staleAfterMs;
  }

  async evaluate(t: number, latest: Readonly<Record<string, SignalPoint | null>>, extra: readonly Observation[]): Promise<AlertChange[]> {
    const observations = [...thresholdObservations(this.rules, t, latest, { staleAfterMs: this.staleAfterMs }), ...extra];
    const changes = this.evaluator.evaluate(t, observations);
    await insertAlertEvents(this.store, t, changes);
    return changes;
  }

  /** Applies an Alertmanager webhook and records its changes (before the caller acknowledges it). */
  async receive(payload: WebhookPayload, cfg: AlertmanagerConfig, now: number): Promise<AlertChange[]> {
    const changes = this.external.apply(payload, cfg, now);
    await insertAlertEvents(this.store, now, changes);
    return changes;
  }

  /**
   * Puts back War Room's own alerts as the last process left them: pending and firing ones stay
   * so (no second "firing" after a restart), resolved ones stay in the recent list. Cancelled
   * pending alerts are gone.
   */
  async load(since: number, now: number): Promise<void> {
    const latest = new Map<string, { type: string; alert: Alert }>();
    for (const row of await listAlertEventsOf(this.store, "al_", since)) latest.set(row.alertId, { type: row.type, alert: row.alert as Alert });
    this.evaluator.restore(
      [...latest.values()].filter((e) => e.type !== "cancelled").map((e) => e.alert),
      now,
    );
  }

  /** Puts back Alertmanager alerts that were firing when the process stopped (their last stored event). */
  async loadExternal(since: number): Promise<void> {
    const latest = new Map<string, Alert>();
    for (const row of await listAlertEventsOf(this.store, "am_", since)) latest.set(row.alertId, row.alert as Alert);
    for (const a of latest.values()) this.external.restore(a);
  }

  current(): Alert[] {
    return [...this.evaluator.current(), ...this.external.current()].sort(
      (a, b) => a.tier - b.tier || (a.state === b.state ? 0 : a.state === "firing" ? -1 : 1) || a.activeAt - b.activeAt || a.id.localeCompare(b.id),
    );
  }

  recentResolved(limit = 50): Alert[] {
    return [...this.evaluator.recentResolved(limit), ...this.external.recentResolved(limit)]
      .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))
      .slice(0, limit);
  }
}
