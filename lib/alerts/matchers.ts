import { Invalid } from "../errors";
import { unsafeRegex } from "./regex-safety";

/**
 * Alertmanager-style label matchers for silences: `name=value`, `name!=value`, `name=~regex`,
 * `name!~regex`. As in Alertmanager, a regex matches the whole value (it is anchored), a missing
 * label reads as "", and a silence needs at least one matcher that does not match "" (else it
 * would silence every alert).
 */
export const MATCHER_OPS = ["=", "!=", "=~", "!~"] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
export type Matcher = { name: string; op: MatcherOp; value: string };

const MATCHER_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;
const MAX_VALUE = 1000;

/** "service=checkout", 'severity=~"page|urgent-ticket"' → a matcher; Invalid for anything else. */
export function parseMatcher(text: string, path = "matchers"): Matcher {
  const m = MATCHER_RE.exec(text);
  if (!m) throw new Invalid(`"${text}" is not a matcher (label=value, label!=value, label=~regex or label!~regex)`, [{ path, message: "not a matcher" }]);
  const [, name, op, raw] = m;
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/\\"/g, '"') : raw;
  if (value.length > MAX_VALUE) throw new Invalid(`matcher value longer than ${MAX_VALUE} characters`, [{ path, message: "too long" }]);
  const matcher: Matcher = { name, op: op as MatcherOp, value };
  if (op === "=~" || op === "!~") compile(matcher, path);
  return matcher;
}

/** Parses a silence's matchers and refuses a set that would match every alert. */
export function parseMatchers(texts: readonly string[]): Matcher[] {
  const matchers = texts.map((t, i) => parseMatcher(t, `matchers.${i}`));
  if (!matchers.some((m) => !matches(m, {}))) {
    throw new Invalid("at least one matcher must not match an empty label (e.g. service=checkout): this silence would mute every alert", [{ path: "matchers", message: "matches every alert" }]);
  }
  return matchers;
}

const cache = new Map<string, RegExp>();

function compile(m: Matcher, path = "matchers"): RegExp {
  let re = cache.get(m.value);
  if (re) return re;
  const unsafe = unsafeRegex(m.value);
  if (unsafe) throw new Invalid(`regular expression in ${m.name}${m.op}${m.value} refused: ${unsafe}`, [{ path, message: "unsafe regular expression" }]);
  try {
    // Anchored like Alertmanager (Go's regexp with ^(?:…)$): "check" does not match "checkout".
    re = new RegExp(`^(?:${m.value})$`, "u");
  } catch (err) {
    throw new Invalid(`invalid regular expression in ${m.name}${m.op}${m.value}: ${(err as Error).message}`, [{ path, message: "invalid regular expression" }]);
  }
  if (cache.size > 500) cache.clear();
  cache.set(m.value, re);
  return re;
}

export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? "";
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return compile(m).test(v);
    case "!~":
      return !compile(m).test(v);
  }
}

/** Every matcher holds for these labels. */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${/[\s"]/.test(m.value) || m.value === "" ? JSON.stringify(m.value) : m.value}`;
}
