/**
 * Which runbook an alert opens first (#16): one that lists the alert AND its service beats one
 * listing only the alert; among those, a service's own runbook beats a generic one (a body with
 * `<service>` placeholders, or no services listed); then the fewer services a runbook covers, the
 * more specific it is. A runbook an alert's `runbook_url` names counts as listing the alert.
 */
export type Rankable = { slug: string; title: string; services: readonly string[]; alerts: readonly string[]; markdown: string };

const BURN_PREFIX = "ErrorBudgetBurn:";
const PLACEHOLDER = /<service>/i;

/** The names a runbook may list for this alert: the name itself and, for `ErrorBudgetBurn:<slo>:<rule>`, the SLO. */
export function alertNames(name: string): Set<string> {
  const names = new Set([name]);
  if (name.startsWith(BURN_PREFIX)) {
    const slo = name.slice(BURN_PREFIX.length).split(":")[0];
    if (slo) names.add(slo).add(`${BURN_PREFIX}${slo}`);
  }
  return names;
}

export function isGeneric(rb: Pick<Rankable, "services" | "markdown">): boolean {
  return rb.services.length === 0 || PLACEHOLDER.test(rb.markdown);
}

/** Runbooks listing the alert (or named by its runbook_url), best first for this service. */
export function rankForAlert<T extends Rankable>(runbooks: readonly T[], q: { alert: string; service?: string; runbook?: string }): T[] {
  const names = alertNames(q.alert);
  const scored = runbooks
    .filter((rb) => rb.slug === q.runbook || rb.alerts.some((a) => names.has(a)))
    .map((rb) => ({ rb, service: q.service !== undefined && rb.services.includes(q.service) ? 0 : 1, generic: isGeneric(rb) ? 1 : 0 }));
  scored.sort((a, b) => a.service - b.service || a.generic - b.generic || a.rb.services.length - b.rb.services.length || a.rb.title.localeCompare(b.rb.title));
  return scored.map((s) => s.rb);
}
