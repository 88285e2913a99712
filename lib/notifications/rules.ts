import { SEVERITIES } from "../severity";
import type { NotificationRule } from "./config";
import type { NotificationEvent } from "./events";

/** The channels an event goes to: every channel of every rule it matches (each once). */
export function channelsFor(event: NotificationEvent, rules: readonly NotificationRule[]): string[] {
  // A status update goes to the channels its author chose (lib/comms/status-updates.ts), whatever the rules say.
  if (event.channels) return [...new Set(event.channels)];
  const out = new Set<string>();
  for (const r of rules) if (matches(event, r)) for (const c of r.channels) out.add(c);
  return [...out];
}

export function matches(event: NotificationEvent, rule: NotificationRule): boolean {
  if (!(rule.events as readonly string[]).includes(event.type)) return false;
  const inc = event.incident;
  // A game day is always a drill: a rule that asks for verdicts wants them whatever its drill filter.
  const drill = event.type === "gameday.verdict" || (inc?.drill ?? event.alert?.drill ?? false);
  if (event.type !== "gameday.verdict") {
    if (rule.drills === "exclude" && drill) return false;
    if (rule.drills === "only" && !drill) return false;
  }
  if (rule.minSeverity && inc && SEVERITIES.indexOf(inc.severity) > SEVERITIES.indexOf(rule.minSeverity)) return false;
  if (rule.services) {
    const touched = inc?.services ?? (event.alert ? [event.alert.service] : []);
    if (!touched.some((s) => rule.services!.includes(s))) return false;
  }
  return true;
}
