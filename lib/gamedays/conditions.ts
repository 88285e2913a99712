import { parseDuration } from "../alerts/duration";
import { Invalid } from "../errors";
import { SIGNALS, SIGNAL_META, type SignalName } from "../signals/types";
import { BURN_WINDOWS } from "../slo/math";

/**
 * Steady-state conditions of a game-day plan (SPEC §12): `checkout.p99 < 800ms`,
 * `checkout.errorPct < 1`, `checkout-availability.burn1h < 6`, and for abort criteria a
 * duration, `checkout.errorPct > 5 for 30s`. The target is a service id (a golden signal) or
 * an SLO id (`burn<window>` or `budgetRemaining`, a percentage).
 */
export const OPERATORS = ["<", "<=", ">", ">="] as const;
export type Operator = (typeof OPERATORS)[number];

export const SLO_SIGNALS = [...BURN_WINDOWS.map((w) => `burn${w}` as const), "budgetRemaining"] as const;
export type SloSignal = (typeof SLO_SIGNALS)[number];

export type Condition = {
  /** The text as written in the plan. */
  text: string;
  target: { kind: "service"; id: string; signal: SignalName } | { kind: "slo"; id: string; signal: SloSignal };
  op: Operator;
  /** In the signal's display unit (ms, %, req/s; burn rates are plain ratios). */
  value: number;
  /** How long the comparison must hold before the condition counts (abort criteria); 0 without `for`. */
  forMs: number;
};

/** What a plan's conditions may name: checked at load so a typo is a file:line error, not a silent probe. */
export type ConditionNames = { services: ReadonlySet<string>; slos: ReadonlySet<string> };

const PATTERN = /^([a-z0-9][a-z0-9-]{0,62})\.([A-Za-z0-9]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-z/%]*)(?:\s+for\s+(\S+))?$/;
const MAX_FOR_MS = 3600_000;

/** Parses one condition; throws `Invalid` saying what is wrong. */
export function parseCondition(text: string, names: ConditionNames): Condition {
  const s = text.trim();
  const m = PATTERN.exec(s);
  if (!m) throw new Invalid(`condition "${s}" does not parse: write <service-or-SLO>.<signal> <op> <value>[unit] [for <duration>], e.g. "checkout.p99 < 800ms"`);
  const [, id, signal, op, raw, unit, forText] = m;
  let forMs = 0;
  if (forText !== undefined) {
    try {
      forMs = parseDuration(forText);
    } catch (err) {
      throw new Invalid(`condition "${s}": ${(err as Error).message}`);
    }
    if (forMs > MAX_FOR_MS) throw new Invalid(`condition "${s}": "for" is at most 1h`);
  }
  const value = Number(raw);
  if (names.services.has(id)) {
    if (!(SIGNALS as readonly string[]).includes(signal)) throw new Invalid(`condition "${s}": unknown signal "${signal}" of service "${id}"; use one of ${SIGNALS.join(", ")}`);
    const name = signal as SignalName;
    return { text: s, target: { kind: "service", id, signal: name }, op: op as Operator, value: inUnit(s, name, value, unit), forMs };
  }
  if (names.slos.has(id)) {
    if (!(SLO_SIGNALS as readonly string[]).includes(signal)) throw new Invalid(`condition "${s}": unknown SLO signal "${signal}" of "${id}"; use one of ${SLO_SIGNALS.join(", ")}`);
    const pct = signal === "budgetRemaining";
    if (unit !== "" && !(pct && unit === "%")) throw new Invalid(`condition "${s}": ${signal} takes ${pct ? "a percentage" : "a plain number (a burn rate)"}, not "${unit}"`);
    return { text: s, target: { kind: "slo", id, signal: signal as SloSignal }, op: op as Operator, value, forMs };
  }
  throw new Invalid(`condition "${s}": unknown service or SLO "${id}"`);
}

function inUnit(text: string, signal: SignalName, value: number, unit: string): number {
  const want = SIGNAL_META[signal].unit;
  if (unit === "") return value;
  if (want === "ms" && unit === "ms") return value;
  if (want === "ms" && unit === "s") return value * 1000;
  if (want === "%" && unit === "%") return value;
  if (want === "req/s" && (unit === "rps" || unit === "req/s")) return value;
  throw new Invalid(`condition "${text}": ${signal} is in ${want}, not "${unit}"`);
}

export function compare(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
  }
}

/**
 * A condition watched over time. `true` since `since`; it *holds* once it has been true for its
 * `for` duration. No data (null) is neither true nor false: it keeps the previous state, so a
 * missing sample neither trips an abort nor clears one that is building.
 */
export type ProbeState = { value: number | null; trueSince: number | null; holds: boolean };

export function observe(c: Condition, prev: ProbeState, value: number | null, now: number): ProbeState {
  if (value === null || !Number.isFinite(value)) return { ...prev, value };
  if (!compare(value, c.op, c.value)) return { value, trueSince: null, holds: false };
  const trueSince = prev.trueSince ?? now;
  return { value, trueSince, holds: now - trueSince >= c.forMs };
}

export const initialProbe: ProbeState = { value: null, trueSince: null, holds: false };
