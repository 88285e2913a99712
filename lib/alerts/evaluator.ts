import { Invalid } from "../errors";
import { TIER_SEVERITY, alertId, alertOrder, fingerprint, observationKey, type Alert, type AlertChange, type Observation } from "./model";

/** A firing alert with no data for this long resolves ("no data"); one missing sample must not. */
export const NO_DATA_RESOLVE_MS = 5 * 60_000;
export const MAX_RECENT_RESOLVED = 200;

export type AlertEvaluatorOptions = { noDataResolveMs?: number; maxResolved?: number };

type Entry = { alert: Alert; lastDataAt: number };

/**
 * Prometheus-style alert state machine, one alert per observation key:
 * inactive → pending (condition true) → firing (true for ≥ forMs) → resolved (false again).
 * A pending alert whose condition stops is "cancelled". Time comes in with each call: no clock.
 *
 * Every call should carry all observations of this evaluator: a key that is missing is treated
 * as "no data" (so a removed rule or service resolves after `noDataResolveMs`).
 */
export class AlertEvaluator {
  private readonly active = new Map<string, Entry>();
  private readonly resolved: Alert[] = [];
  private readonly noDataResolveMs: number;
  private readonly maxResolved: number;
  private lastT = -Infinity;
  private updated: Alert[] = [];

  constructor(opts: AlertEvaluatorOptions = {}) {
    this.noDataResolveMs = opts.noDataResolveMs ?? NO_DATA_RESOLVE_MS;
    this.maxResolved = opts.maxResolved ?? MAX_RECENT_RESOLVED;
  }

  evaluate(t: number, observations: readonly Observation[]): AlertChange[] {
    if (!Number.isFinite(t)) throw new RangeError(`evaluation time must be a finite epoch ms, got ${t}`);
    if (t < this.lastT) throw new RangeError(`evaluation time went backwards: ${t} after ${this.lastT}`);
    this.lastT = t;
    this.updated = [];

    const changes: AlertChange[] = [];
    const seen = new Set<string>();
    for (const obs of observations) {
      if (seen.has(obs.key)) throw new Invalid(`duplicate observation key ${obs.key}`);
      seen.add(obs.key);
      this.step(t, obs, changes);
    }
    for (const [key, entry] of this.active) {
      if (!seen.has(key)) this.noData(t, key, entry, changes);
    }
    return changes;
  }

  /**
   * Alerts of the last `evaluate` that kept their state but whose value (to three significant
   * digits) or summary moved: viewers are told (an `update`), the history is not.
   */
  updates(): Alert[] {
    return this.updated;
  }

  /** Pending and firing alerts: most severe tier first, then firing before pending, oldest first. */
  current(): Alert[] {
    return [...this.active.values()].map((e) => e.alert).sort(alertOrder);
  }

  /**
   * Puts back the alerts of a previous process (their last stored state), so a restart neither
   * re-announces a firing alert nor restarts a pending one's `for` clock. A restored alert whose
   * condition no longer holds resolves at the next evaluation, as usual.
   */
  restore(alerts: readonly Alert[], now: number): void {
    for (const a of alerts) {
      if (a.kind === "external") continue;
      if (a.state === "resolved") {
        // Restored again after a broker outage: once per alert, and no longer active.
        if (!this.resolved.some((r) => r.id === a.id)) this.resolved.push(a);
        const key = observationKey(a.kind, a.name, a.service, a.tier);
        if (this.active.get(key)?.alert.id === a.id) this.active.delete(key);
        continue;
      }
      this.active.set(observationKey(a.kind, a.name, a.service, a.tier), { alert: a, lastDataAt: now });
    }
    this.resolved.sort((x, y) => (x.resolvedAt ?? 0) - (y.resolvedAt ?? 0));
    if (this.resolved.length > this.maxResolved) this.resolved.splice(0, this.resolved.length - this.maxResolved);
  }

  /**
   * A change the leader made (lib/alerts/engine.ts applyRemote): a follower mirrors its alerts
   * so it serves them, and carries on from them if it is elected.
   */
  mirror(change: AlertChange, now: number): void {
    const a = change.alert;
    const key = observationKey(a.kind, a.name, a.service, a.tier);
    if (change.type === "resolved" || change.type === "cancelled") {
      this.active.delete(key);
      if (change.type === "resolved") {
        this.resolved.push(a);
        if (this.resolved.length > this.maxResolved) this.resolved.splice(0, this.resolved.length - this.maxResolved);
      }
      return;
    }
    this.active.set(key, { alert: a, lastDataAt: now });
  }

  /** Alerts that fired and resolved, newest first; at most `maxResolved` are kept. */
  recentResolved(limit = this.maxResolved): Alert[] {
    const n = Math.max(0, Math.min(limit, this.resolved.length));
    return this.resolved.slice(this.resolved.length - n).reverse();
  }

  private step(t: number, obs: Observation, changes: AlertChange[]) {
    const entry = this.active.get(obs.key);
    const value = obs.value !== null && Number.isFinite(obs.value) ? obs.value : null;
    if (value === null) {
      if (entry && obs.stale) this.end(t, obs.key, { ...entry.alert, value: null, annotations: { ...obs.annotations, resolution: "stale" } }, changes);
      else if (entry) this.noData(t, obs.key, entry, changes);
      return;
    }
    // Annotations are read only for an alert: most observations are quiet and never render them (lib/alerts/threshold.ts).
    if (!obs.active) {
      if (entry) this.end(t, obs.key, { ...entry.alert, value, threshold: obs.threshold, annotations: obs.annotations }, changes);
      return;
    }
    if (!entry) {
      const alert = newAlert(t, obs);
      const fires = obs.forMs <= 0;
      const started: Alert = fires ? { ...alert, state: "firing", firedAt: t } : alert;
      this.active.set(obs.key, { alert: started, lastDataAt: t });
      changes.push({ type: started.state === "firing" ? "firing" : "pending", alert: started });
      return;
    }
    const alert: Alert = { ...entry.alert, value, threshold: obs.threshold, annotations: obs.annotations };
    if (alert.state === "pending" && t - alert.activeAt >= obs.forMs) {
      const fired: Alert = { ...alert, state: "firing", firedAt: t };
      this.active.set(obs.key, { alert: fired, lastDataAt: t });
      changes.push({ type: "firing", alert: fired });
    } else {
      this.active.set(obs.key, { alert, lastDataAt: t });
      // Viewers see the value move (it is not frozen at the first evaluation's); unchanged digits send nothing.
      if (shown(alert.value) !== shown(entry.alert.value) || alert.annotations.summary !== entry.alert.annotations.summary) this.updated.push(alert);
    }
  }

  /** No data is not a breach: pending stops at once, firing holds until `noDataResolveMs` without data. */
  private noData(t: number, key: string, entry: Entry, changes: AlertChange[]) {
    const alert: Alert = { ...entry.alert, value: null };
    if (alert.state === "firing" && t - entry.lastDataAt < this.noDataResolveMs) {
      this.active.set(key, { ...entry, alert });
      if (entry.alert.value !== null) this.updated.push(alert);
      return;
    }
    const annotations = alert.state === "firing" ? { ...alert.annotations, resolution: "no data" } : alert.annotations;
    this.end(t, key, { ...alert, annotations }, changes);
  }

  /** A cancelled alert is reported as resolved with `firedAt: null` and is not kept as history. */
  private end(t: number, key: string, alert: Alert, changes: AlertChange[]) {
    this.active.delete(key);
    const ended: Alert = { ...alert, state: "resolved", resolvedAt: t };
    if (alert.state === "pending") {
      changes.push({ type: "cancelled", alert: ended });
      return;
    }
    changes.push({ type: "resolved", alert: ended });
    this.resolved.push(ended);
    if (this.resolved.length > this.maxResolved) this.resolved.splice(0, this.resolved.length - this.maxResolved);
  }
}

/** Three significant digits: what a viewer can tell apart (an update for less would be noise). */
function shown(v: number | null): string {
  return v === null ? "null" : String(Number(v.toPrecision(3)));
}

function newAlert(t: number, obs: Observation): Alert {
  const severity = TIER_SEVERITY[obs.tier];
  const labels = { ...obs.labels, alertname: obs.name, service: obs.service, severity, tier: String(obs.tier) };
  return {
    id: alertId(obs.kind, obs.name, obs.service, obs.tier),
    fingerprint: fingerprint(labels),
    kind: obs.kind,
    name: obs.name,
    service: obs.service,
    tier: obs.tier,
    severity,
    state: "pending",
    value: obs.value,
    threshold: obs.threshold,
    activeAt: t,
    firedAt: null,
    resolvedAt: null,
    labels,
    annotations: obs.annotations,
    source: "war-room",
  };
}

// Canonical homes are ./threshold and ./inhibition; re-exported so the evaluator is one import.
export { thresholdObservations } from "./threshold";
export { visibleAlerts } from "./inhibition";
