import {
  SIGNALS,
  type OverallStatus,
  type SignalName,
  type SignalState,
  type SignalValues,
  type Threshold,
  type Thresholds,
} from "./types";

const RANK: Record<SignalState, number> = { ok: 0, warn: 1, critical: 2 };

export function worst(a: SignalState, b: SignalState): SignalState {
  return RANK[a] >= RANK[b] ? a : b;
}

/** State of one value against its threshold; no threshold or a non-finite value is ok. */
export function signalState(value: number, threshold: Threshold | undefined): SignalState {
  if (!threshold || !Number.isFinite(value)) return "ok";
  const breaches = (limit: number | undefined) =>
    limit !== undefined && (threshold.below ? value <= limit : value >= limit);
  if (breaches(threshold.critical)) return "critical";
  if (breaches(threshold.warn)) return "warn";
  return "ok";
}

export type ServiceStates = { state: SignalState; signals: Record<SignalName, SignalState> };

export function serviceStates(values: SignalValues, thresholds: Thresholds): ServiceStates {
  let state: SignalState = "ok";
  const signals = {} as Record<SignalName, SignalState>;
  for (const name of SIGNALS) {
    const s = signalState(values[name], thresholds[name]);
    signals[name] = s;
    state = worst(state, s);
  }
  return { state, signals };
}

/** Service thresholds win over the config defaults, signal by signal. */
export function mergeThresholds(defaults: Thresholds, own: Thresholds): Thresholds {
  return { ...defaults, ...own };
}

export function overallStatus(states: readonly (SignalState | null)[]): OverallStatus {
  if (states.length === 0 || states.every((s) => s === null)) return "UNKNOWN";
  let w: SignalState = "ok";
  for (const s of states) if (s) w = worst(w, s);
  return w === "critical" ? "CRITICAL" : w === "warn" ? "DEGRADED" : "HEALTHY";
}

/** Data is stale when its newest point is older than two update intervals (the board marks it STALE). */
export function isStale(lastPointAt: number | null, now: number, tickMs: number): boolean {
  return lastPointAt === null || now - lastPointAt > 2 * tickMs;
}
