import { AlertEvaluator } from "./evaluator";
import { thresholdObservations } from "./threshold";
import type { AlertRule } from "./schema";
import { alertOrder, type Alert, type AlertChange, type Observation } from "./model";
import type { SignalPoint } from "../signals/types";
import type { Store } from "../store/store";
import { StoreUnavailable } from "../errors";
import { insertAlertEvents, listAlertEventsSince, purgeAlertEventsBefore } from "./repo";
import { ExternalAlerts, type AlertmanagerConfig, type WebhookPayload } from "./alertmanager";

/**
 * Evaluates threshold rules and SLO burn-rate conditions in ONE evaluator (it resolves any
 * condition missing from a call), records every state change, and returns the changes.
 */
/** Alert events (state changes) are kept this long. */
const ALERT_EVENT_RETENTION_MS = 90 * 24 * 3600_000;
/** Events kept for the store while it is unreachable; past that the oldest are dropped. */
const MAX_UNSAVED_EVENTS = 10_000;

export class AlertEngine {
  private readonly evaluator = new AlertEvaluator();
  /** Alerts from Alertmanager (kept apart: the evaluator resolves whatever a call does not carry). */
  private readonly external = new ExternalAlerts();
  private readonly rules: readonly AlertRule[];
  private readonly store: Store;
  private readonly staleAfterMs: number | ((service: string) => number);
  private readonly sourceFailing?: (service: string) => boolean;
  /** Evaluated changes the store could not take yet (unreachable), written before the next ones. */
  private unsaved: { at: number; changes: AlertChange[] }[] = [];

  /** `staleAfterMs`: a service's values older than this are absent for threshold rules (lib/signals/freshness.ts). */
  constructor(opts: { store: Store; rules: readonly AlertRule[]; staleAfterMs: number | ((service: string) => number); sourceFailing?: (service: string) => boolean }) {
    this.store = opts.store;
    this.rules = opts.rules;
    this.staleAfterMs = opts.staleAfterMs;
    this.sourceFailing = opts.sourceFailing;
  }

  /**
   * Evaluates and records the changes. The evaluator has moved on either way, so when the store
   * cannot be reached the changes are still returned (viewers see them live, from memory) and
   * their events are kept and written, in order, once it answers again. After the state changes
   * come `update`s: alerts whose value or summary moved (told to viewers, never stored).
   */
  async evaluate(t: number, latest: Readonly<Record<string, SignalPoint | null>>, extra: readonly Observation[]): Promise<AlertChange[]> {
    const observations = [...thresholdObservations(this.rules, t, latest, { staleAfterMs: this.staleAfterMs, sourceFailing: this.sourceFailing }), ...extra];
    const changes = this.evaluator.evaluate(t, observations);
    if (changes.length > 0) this.unsaved.push({ at: t, changes });
    try {
      while (this.unsaved.length > 0) {
        const [first] = this.unsaved;
        await insertAlertEvents(this.store, first.at, first.changes);
        if (this.unsaved[0] === first) this.unsaved.shift();
      }
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) {
        this.unsaved = [];
        throw err;
      }
      let events = this.unsaved.reduce((n, u) => n + u.changes.length, 0);
      while (events > MAX_UNSAVED_EVENTS && this.unsaved.length > 1) events -= this.unsaved.shift()!.changes.length;
    }
    // Value updates go to viewers only: the history keeps state changes (restore reads the newest one).
    return [...changes, ...this.evaluator.updates().map((alert): AlertChange => ({ type: "update", alert }))];
  }

  /**
   * Applies an Alertmanager webhook and records its changes (before the caller acknowledges it).
   * If they cannot be recorded, they are taken back: Alertmanager sends the webhook again, and
   * the retry must find the same changes to record.
   */
  async receive(payload: WebhookPayload, cfg: AlertmanagerConfig, now: number): Promise<AlertChange[]> {
    const changes = this.external.apply(payload, cfg, now);
    try {
      await insertAlertEvents(this.store, now, changes);
    } catch (err) {
      this.external.undo(changes);
      throw err;
    }
    return changes;
  }

  /**
   * Puts back every alert as the last process left it (its newest stored event): War Room's own
   * pending and firing alerts stay so (no second "firing" after a restart), Alertmanager's firing
   * ones too; resolved ones stay in the recent list. Cancelled pending alerts are gone.
   */
  async load(since: number, now: number): Promise<void> {
    const latest = new Map<string, { type: string; alert: Alert }>();
    for (const row of await listAlertEventsSince(this.store, since)) latest.set(row.alertId, { type: row.type, alert: row.alert as Alert });
    const own: Alert[] = [];
    for (const { type, alert } of latest.values()) {
      if (alert.source === "alertmanager") this.external.restore(alert);
      else if (type !== "cancelled") own.push(alert);
    }
    this.evaluator.restore(own, now);
  }

  /** Retention (lib/store/retention.ts): drops events past ALERT_EVENT_RETENTION_MS. */
  readonly purger = { name: "alertEvents", purge: (now: number) => purgeAlertEventsBefore(this.store, now - ALERT_EVENT_RETENTION_MS) };

  /** A change another instance made and recorded (it came through the broker): mirrored, not recorded again. */
  applyRemote(change: AlertChange, now: number): void {
    // Acknowledgement and silence are decoration (lib/alerts/actions.ts), not alert state.
    const { ack: _ack, silence: _silence, ...alert } = change.alert;
    const plain: AlertChange = { type: change.type, alert };
    if (alert.source === "alertmanager") this.external.mirror(plain);
    else this.evaluator.mirror(plain, now);
  }

  /** The pending or firing alert with this id, or undefined. */
  get(id: string): Alert | undefined {
    return this.current().find((a) => a.id === id);
  }

  current(): Alert[] {
    return [...this.evaluator.current(), ...this.external.current()].sort(alertOrder);
  }

  recentResolved(limit = 50): Alert[] {
    return [...this.evaluator.recentResolved(limit), ...this.external.recentResolved(limit)]
      .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))
      .slice(0, limit);
  }
}
