import { SIGNAL_META, type SignalName, type SignalValues } from "../signals/types";
import { observationKey, type Observation } from "./model";
import { breaches, type AlertOp, type AlertRule } from "./schema";

export type ThresholdObservationOptions = {
  /** A sample whose own `t` is older than this at evaluation time counts as no data. */
  staleAfterMs?: number;
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
  for (const rule of rules) {
    const services = rule.service !== undefined ? [rule.service] : Object.keys(valuesByService);
    for (const service of services) {
      const value = currentValue(valuesByService[service], rule.signal, t, opts.staleAfterMs);
      for (const tier of rule.tiers) {
        // Rendered when read: a large estate has thousands of quiet observations a tick (lib/alerts/evaluator.ts reads it only for alerts).
        let annotations: Observation["annotations"] | null = null;
        const render = (): Observation["annotations"] => {
          const summary = rule.summary
            ? renderSummary(rule.summary, { value, threshold: tier.value, service, signal: rule.signal })
            : defaultSummary(rule.signal, rule.op, tier.value, service, value);
          return rule.runbook_url !== undefined ? { summary, runbook_url: rule.runbook_url } : { summary };
        };
        out.push({
          key: observationKey("threshold", rule.name, service, tier.tier),
          name: rule.name,
          service,
          tier: tier.tier,
          kind: "threshold",
          active: value !== null && breaches(rule.op, value, tier.value),
          value,
          threshold: tier.value,
          forMs: tier.forMs,
          labels: rule.labels,
          get annotations() {
            return (annotations ??= render());
          },
        });
      }
    }
  }
  return out;
}

function currentValue(values: ServiceValues, signal: SignalName, t: number, staleAfterMs: number | undefined): number | null {
  if (!values) return null;
  if (staleAfterMs !== undefined && "t" in values && typeof values.t === "number" && t - values.t > staleAfterMs) return null;
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
