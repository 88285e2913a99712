import { z } from "zod";
import { SIGNAL_META, SIGNALS } from "../signals/types";
import { parseDuration } from "./duration";
import { TIERS, TIER_SEVERITY } from "./model";
import { safeLinkUrl } from "../urls";

export const MAX_FOR_MS = 24 * 3_600_000;

export const ALERT_OPS = [">", ">=", "<", "<="] as const;
export type AlertOp = (typeof ALERT_OPS)[number];

/** Placeholders a summary may use; anything else in `{{ }}` is a typo. */
export const SUMMARY_PLACEHOLDERS = ["value", "threshold", "service"] as const;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** Labels War Room sets on every alert itself; a rule cannot override them. */
const RESERVED_LABELS = ["alertname", "service", "severity", "tier"];

/** Same rule as service ids in lib/config/schema.ts (not exported there). */
const serviceId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (max 63), starting with a letter or digit");

/** A Prometheus duration string ("1m", "1h30m", "0s"); the number 0 is accepted too (YAML `for: 0`). */
export const DurationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === "number") {
    if (v === 0) return 0;
    ctx.addIssue({ code: "custom", message: `duration ${v} needs a unit, e.g. "${v}s" or "${v}m"` });
    return z.NEVER;
  }
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});

export const AlertTierSchema = z
  .object({
    tier: z.literal(TIERS, { error: "tier must be 1 (page), 2 (urgent ticket) or 3 (ticket)" }),
    value: z.number({ error: "value must be a number" }).finite(),
    for: DurationSchema.optional(),
  })
  .strict()
  .transform((t, ctx) => {
    const forMs = t.for ?? 0;
    if (forMs > MAX_FOR_MS) ctx.addIssue({ code: "custom", path: ["for"], message: "for must be at most 24h" });
    return { tier: t.tier, value: t.value, forMs };
  });
export type AlertTier = z.output<typeof AlertTierSchema>;

const runbookUrl = z
  .string()
  .max(2000)
  .refine((s) => safeLinkUrl(s) !== null, { message: 'runbook_url must be a path starting with "/" or an http(s) URL' });

export const AlertRuleSchema = z
  .object({
    name: z
      .string()
      .max(200)
      .regex(/^[A-Za-z][A-Za-z0-9_:-]*$/, "must start with a letter and contain only letters, digits, _, : and -"),
    /** Omitted: the rule applies to every service, one alert per service. */
    service: serviceId.optional(),
    signal: z.enum(SIGNALS, {
      error: (iss) =>
        iss.input === undefined ? "signal is required" : `unknown signal ${JSON.stringify(iss.input)}; use one of ${SIGNALS.join(", ")}`,
    }),
    op: z.enum(ALERT_OPS, { error: 'op must be one of ">", ">=", "<", "<="' }),
    tiers: z.array(AlertTierSchema).min(1, "at least one tier is required").max(3, "at most 3 tiers (1 page, 2 urgent ticket, 3 ticket)"),
    summary: z.string().min(1).max(500).optional(),
    runbook_url: runbookUrl.optional(),
    labels: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "label names are letters, digits and _"), z.string().max(500))
      .default({}),
  })
  .strict()
  .superRefine((rule, ctx) => {
    checkTiers(rule, ctx);
    for (const m of (rule.summary ?? "").matchAll(PLACEHOLDER)) {
      if (!(SUMMARY_PLACEHOLDERS as readonly string[]).includes(m[1])) {
        ctx.addIssue({
          code: "custom",
          path: ["summary"],
          message: `unknown placeholder {{${m[1]}}}; use {{value}}, {{threshold}} or {{service}}`,
        });
      }
    }
    for (const name of Object.keys(rule.labels)) {
      if (RESERVED_LABELS.includes(name)) {
        ctx.addIssue({ code: "custom", path: ["labels", name], message: `label "${name}" is set by War Room and cannot be overridden` });
      }
    }
  })
  .transform((rule) => ({ ...rule, tiers: [...rule.tiers].sort((a, b) => a.tier - b.tier) }));
export type AlertRule = z.output<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleSchema>;

/** The `alerts:` list of the config. A name may appear once per service; a rule without service covers them all. */
export const AlertRulesSchema = z
  .array(AlertRuleSchema)
  .max(1000)
  .superRefine((rules, ctx) => {
    rules.forEach((r, i) => {
      const j = rules.findIndex((o, k) => k < i && o.name === r.name && (o.service === undefined || r.service === undefined || o.service === r.service));
      if (j >= 0) {
        const scope = r.service ?? rules[j].service ?? "every service";
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate alert "${r.name}" for ${scope} (also [${j}])` });
      }
    });
  });

export type AlertRuleProblem = { path: string; message: string };

/** Rules naming a service that is not in the config (the schema alone cannot know the services). */
export function unknownAlertServiceProblems(
  rules: readonly Pick<AlertRule, "service">[],
  serviceIds: ReadonlySet<string>,
  prefix = "alerts",
): AlertRuleProblem[] {
  const problems: AlertRuleProblem[] = [];
  rules.forEach((r, i) => {
    if (r.service !== undefined && !serviceIds.has(r.service)) {
      problems.push({ path: `${prefix}[${i}].service`, message: `unknown service "${r.service}"` });
    }
  });
  return problems;
}

/** True when `value op threshold`: the condition of one tier. */
export function breaches(op: AlertOp, value: number, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
  }
}

type RuleForCheck = { signal: string; op: AlertOp; tiers: { tier: number; value: number; forMs: number }[] };

/**
 * Tiers are unique and a more severe tier (lower number) has the more extreme threshold for the
 * op. An equal threshold is allowed only with a shorter `for` on the less severe tier (ticket
 * after 1m, page after 15m), otherwise that tier could only ever fire under the one above it.
 */
function checkTiers(rule: RuleForCheck, ctx: z.RefinementCtx) {
  const seen = new Map<number, number>();
  rule.tiers.forEach((t, i) => {
    const first = seen.get(t.tier);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: ["tiers", i, "tier"], message: `duplicate tier ${t.tier} (also tiers[${first}])` });
    } else seen.set(t.tier, i);
  });
  if (seen.size !== rule.tiers.length) return;

  const meta = SIGNAL_META[rule.signal as keyof typeof SIGNAL_META];
  rule.tiers.forEach((t, i) => {
    if (t.value < 0) {
      ctx.addIssue({ code: "custom", path: ["tiers", i, "value"], message: "value must be at least 0" });
    } else if (meta?.unit === "%" && t.value > 100) {
      ctx.addIssue({ code: "custom", path: ["tiers", i, "value"], message: `${rule.signal} is a percentage; value must be at most 100` });
    }
  });

  const upward = rule.op === ">" || rule.op === ">=";
  const order = rule.tiers.map((t, i) => ({ ...t, i })).sort((a, b) => a.tier - b.tier);
  for (let k = 1; k < order.length; k++) {
    const above = order[k - 1];
    const t = order[k];
    const lessExtreme = upward ? t.value < above.value : t.value > above.value;
    if (lessExtreme) continue;
    const sev = `tier ${t.tier} (${TIER_SEVERITY[t.tier as 1 | 2 | 3]})`;
    const aboveSev = `tier ${above.tier} (${TIER_SEVERITY[above.tier as 1 | 2 | 3]})`;
    if (t.value === above.value) {
      if (t.forMs < above.forMs) continue;
      ctx.addIssue({
        code: "custom",
        path: ["tiers", t.i, "for"],
        message: `${sev} has the same threshold as ${aboveSev} and must have a shorter for, or it only fires when ${aboveSev} already does`,
      });
    } else {
      ctx.addIssue({
        code: "custom",
        path: ["tiers", t.i, "value"],
        message: `${sev} threshold ${t.value} must be ${upward ? "below" : "above"} ${aboveSev} threshold ${above.value}: with op "${rule.op}" the more severe tier has the ${upward ? "higher" : "lower"} threshold`,
      });
    }
  }
}
