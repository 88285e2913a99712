/**
 * Alertmanager matches silence regexes with Go's RE2, which runs in linear time; JavaScript's
 * engine backtracks, so a pattern like `(\w+)*x` can stall the server on every alert it is tested
 * against. We accept the patterns that cannot blow up: no back-references or look-arounds (RE2
 * has neither), and no unbounded repetition (`*`, `+`, `{n,}`) of a group that itself repeats or
 * has alternatives (`(a+)+`, `(a|aa)*`). Returns why a pattern is refused, or null.
 */
export function unsafeRegex(pattern: string): string | null {
  if (pattern.length > 200) return "longer than 200 characters";
  if (/\\[1-9]|\\k</.test(pattern)) return "back-references are not supported (Alertmanager's RE2 has none)";
  if (/\(\?<?[=!]/.test(pattern)) return "look-arounds are not supported (Alertmanager's RE2 has none)";
  // Per open group: does it contain repetition or alternation?
  const groups: { risky: boolean }[] = [];
  let lastGroupRisky = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      lastGroupRisky = false;
      continue;
    }
    if (c === "[") {
      // Skip a character class: a quantifier after it repeats one character.
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
      lastGroupRisky = false;
      continue;
    }
    if (c === "(") {
      groups.push({ risky: false });
      lastGroupRisky = false;
      continue;
    }
    if (c === ")") {
      const g = groups.pop();
      lastGroupRisky = g?.risky ?? false;
      // The group's content repeats inside its parent either way.
      if (g?.risky && groups.length) groups[groups.length - 1].risky = true;
      const next = pattern[i + 1];
      const unbounded = next === "*" || next === "+" || (next === "{" && /^\{\d*,\}/.test(pattern.slice(i + 1)));
      if (unbounded && lastGroupRisky) return "a repeated group that itself repeats or has alternatives (like (a+)+ or (a|aa)*) can take exponential time";
      continue;
    }
    if (c === "|" || c === "*" || c === "+" || (c === "{" && /^\{\d*,\d*\}/.test(pattern.slice(i)))) {
      if (groups.length) groups[groups.length - 1].risky = true;
    }
    lastGroupRisky = false;
  }
  return null;
}
