import { evaluateBurnAlerts } from "./burn-alerts";
import type { BurnRateRule, SloStatus } from "./contract";

/**
 * The `slos` channel's compact form (issue #15 item 2, docs/protocol.md "SLO updates"): 1,258
 * SLOs as full `SloStatus` were 2.2 MB of JSON and 675 KB gzipped in the /slos page, mostly the
 * same four burn-rate rules repeated in every SLO and 17-digit floats that do not compress.
 *
 * - Each distinct list of burn-rate rules travels once per frame (`policies`); an SLO names its
 *   list by index and the ids of the rules that fire. A rule's long and short burn are the SLO's
 *   `burnRates` over the rule's windows (lib/slo/burn-alerts.ts evaluateBurnAlerts), so they are
 *   not sent twice.
 * - Figures are rounded to 6 significant digits (event counts) and 5 (ratios, burn rates, time to
 *   exhaustion): finer than /slos shows any of them (3 digits, components/slo/model.ts), coarse
 *   enough to compress. `GET /api/v1/slos` keeps full precision.
 *
 * `unpackSlos` gives back `SloStatus` objects (sharing the rule objects), so the page's model is
 * the API's.
 */
export type SloRow = Omit<SloStatus, "burnAlerts"> & {
  /** Index into the frame's `policies`. */
  policy: number;
  /** Ids of the rules of that policy that fire now. */
  firing: string[];
};

export type SlosWire = { policies: BurnRateRule[][]; slos: SloRow[]; removed?: string[] };

const COUNTS = 6;
const RATIOS = 5;

function round(v: number, digits: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(digits)) : v;
}

function roundOrNull(v: number | null, digits: number): number | null {
  return v === null ? null : round(v, digits);
}

function packOne(s: SloStatus, policy: number): SloRow {
  const { burnAlerts, burnRates, ...rest } = s;
  const rates = {} as SloStatus["burnRates"];
  for (const [k, v] of Object.entries(burnRates)) (rates as Record<string, number | null>)[k] = roundOrNull(v, RATIOS);
  return {
    ...rest,
    good: round(s.good, COUNTS),
    total: round(s.total, COUNTS),
    bad: round(s.bad, COUNTS),
    allowedBad: round(s.allowedBad, COUNTS),
    errorRatio: roundOrNull(s.errorRatio, RATIOS),
    budgetConsumed: roundOrNull(s.budgetConsumed, RATIOS),
    budgetRemaining: roundOrNull(s.budgetRemaining, RATIOS),
    burnRates: rates,
    timeToExhaustionMs: roundOrNull(s.timeToExhaustionMs, RATIOS),
    policy,
    firing: burnAlerts.filter((a) => a.firing).map((a) => a.rule.id),
  };
}

/** SLO statuses (and ids removed) as the `slos` channel and the /slos page carry them. */
export function packSlos(slos: readonly SloStatus[], removed?: readonly string[]): SlosWire {
  const policies: BurnRateRule[][] = [];
  const index = new Map<string, number>();
  const rows = slos.map((s) => {
    const rules = s.burnAlerts.map((a) => a.rule);
    const key = JSON.stringify(rules);
    let i = index.get(key);
    if (i === undefined) {
      i = policies.length;
      policies.push(rules);
      index.set(key, i);
    }
    return packOne(s, i);
  });
  return removed && removed.length > 0 ? { policies, slos: rows, removed: [...removed] } : { policies, slos: rows };
}

/**
 * The statuses of a packed frame; a row naming a policy the frame lacks has no burn alerts. Each
 * rule's burns come from the row's rates as the server derives them (evaluateBurnAlerts); whether
 * it fires is the server's word (`firing`), not re-judged on the rounded rates.
 */
export function unpackSlos(w: Pick<SlosWire, "policies" | "slos">): SloStatus[] {
  return w.slos.map(({ policy, firing, ...s }) => {
    const on = new Set(firing);
    const burnAlerts = evaluateBurnAlerts(w.policies[policy] ?? [], s.burnRates).map((a) => ({ ...a, firing: on.has(a.rule.id) }));
    return { ...s, burnAlerts };
  });
}
