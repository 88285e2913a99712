import { AlertEvaluator } from "./evaluator";
import { thresholdObservations } from "./threshold";
import type { AlertRule } from "./schema";
import type { Alert, AlertChange, Observation } from "./model";
import type { SignalPoint } from "../signals/types";
import type { Store } from "../store/store";
import { insertAlertEvents } from "../store/alerts";

/**
 * Evaluates threshold rules and SLO burn-rate conditions in ONE evaluator (it resolves any
 * condition missing from a call), records every state change, and returns the changes.
 */
export class AlertEngine {
  private readonly evaluator = new AlertEvaluator();
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

  current(): Alert[] {
    return this.evaluator.current();
  }

  recentResolved(limit = 50): Alert[] {
    return this.evaluator.recentResolved(limit);
  }
}
