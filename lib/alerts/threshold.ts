import { SIGNAL_META, type SignalName, type SignalValues } from "../signals/types";
import { observationKey, type Observation } from "./model";
import { breaches, type AlertOp, type AlertRule } from "./schema";

export type ThresholdObservationOptions = {
  /** A sample whose own `t` is older than this at evaluation time is stale: no data, the series absent. Per service or one for all. */
  staleAfterMs?: number | ((service: string) => number);
  /**
   * The service's source is failing now (a pulled source down): its stale values are no data, as a
   * failed rule query in Prometheus changes no alert, instead of an absent series (`stale`).
   */
  sourceFailing?: (service: string) => boolean;
};

type ServiceValues = SignalValues | (SignalValues & { t: number }) | null | undefined;

/**
 * Config rules × services × tiers → one observation each. A rule without `service` covers every
 * service in `valuesByService`; a service with no (or stale, or non-finite) value gives `value: null`.
 */
export function thresholdObservations(
  rules: readonly AlertRule[],
  t: number,
  valuesByService: Readonly<Record<string, ServiceValues>>,
  opts: ThresholdObservationOptions = {},
): Observation[] {
  const out: Observation[] = [];
  const known = new Map<string, boolean>();
  const failing = (service: string): boolean => {
    if (!opts.sourceFailing) return false;
    let f = known.get(service);
    if (f === undefined) known.set(service, (f = opts.sourceFailing(service)));
    return f;
  };
  for (const rule of rules) {
    const services = rule.service !== undefined ? [rule.service] : Object.keys(valuesByService);
    for (const service of services) {
      const values = valuesByService[service];
      const stale = isStale(values, service, t, opts.staleAfterMs);
      const value = stale ? null : currentValue(values, rule.signal);
      const absent = stale && !failing(service);
      for (const tier of rule.tiers) out.push(new ThresholdObservation(rule, tier, service, value, absent));
    }
  }
  return out;
}

function isStale(values: ServiceValues, service: string, t: number, staleAfterMs: ThresholdObservationOptions["staleAfterMs"]): boolean {
  if (!values || staleAfterMs === undefined || !("t" in values) || typeof values.t !== "number") return false;
  return t - values.t > (typeof staleAfterMs === "number" ? staleAfterMs : staleAfterMs(service));
}

type Tier = AlertRule["tiers"][number];

/**
 * An observation whose annotations are rendered when read, i.e. for an alert: a large estate has
 * thousands of quiet observations a tick (lib/alerts/evaluator.ts reads them only for alerts).
 * A class, so the lazy getter is shared instead of two closures per observation.
 */
class ThresholdObservation implements Observation {
  readonly key: string;
  readonly name: string;
  readonly tier: Tier["tier"];
  readonly kind = "threshold" as const;
  readonly active: boolean;
  readonly threshold: number;
  readonly forMs: number;
  readonly labels: Record<string, string>;
  /** The series is absent (stale data, its source not failing): see `Observation.stale`. */
  readonly stale?: true;
  private rendered: Observation["annotations"] | null = null;

  constructor(
    private readonly rule: AlertRule,
    tier: Tier,
    readonly service: string,
    readonly value: number | null,
    absent: boolean,
  ) {
    this.key = observationKey("threshold", rule.name, service, tier.tier);
    this.name = rule.name;
    this.tier = tier.tier;
    this.active = value !== null && breaches(rule.op, value, tier.value);
    this.threshold = tier.value;
    this.forMs = tier.forMs;
    this.labels = rule.labels;
    if (absent) this.stale = true;
  }

  get annotations(): Observation["annotations"] {
    if (this.rendered) return this.rendered;
    const { rule, threshold, service, value } = this;
    const summary = rule.summary ? renderSummary(rule.summary, { value, threshold, service, signal: rule.signal }) : defaultSummary(rule.signal, rule.op, threshold, service, value);
    this.rendered = rule.runbook_url !== undefined ? { summary, runbook_url: rule.runbook_url } : { summary };
    return this.rendered;
  }
}

function currentValue(values: ServiceValues, signal: SignalName): number | null {
  if (!values) return null;
  const v = values[signal];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Fills {{value}}, {{threshold}} and {{service}} (spaces inside the braces allowed). */
export function renderSummary(
  template: string,
  vars: { value: number | null; threshold: number; service: string; signal: SignalName },
): string {
  return template.replace(/\{\{\s*(value|threshold|service)\s*\}\}/g, (_, name: string) => {
    if (name === "service") return vars.service;
    if (name === "threshold") return formatNumber(vars.threshold);
    return vars.value === null ? "no data" : formatNumber(vars.value);
  });
}

function defaultSummary(signal: SignalName, op: AlertOp, threshold: number, service: string, value: number | null): string {
  const meta = SIGNAL_META[signal];
  const now = value === null ? "no data" : `now ${withUnit(value, meta.unit)}`;
  return `${meta.label} ${op} ${withUnit(threshold, meta.unit)} on ${service} (${now})`;
}

function withUnit(v: number, unit: string): string {
  return unit === "%" ? `${formatNumber(v)}%` : `${formatNumber(v)} ${unit}`;
}

/** 123.456 → "123", 12.345 → "12.3", 1.2345 → "1.23": enough digits to compare with a threshold. */
export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}
