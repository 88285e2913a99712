import { Invalid } from "../errors";

/** Prometheus duration units, largest first (the order they must appear in). */
const UNITS = [
  ["y", 365 * 24 * 3_600_000],
  ["w", 7 * 24 * 3_600_000],
  ["d", 24 * 3_600_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;
const UNIT_LIST = "ms, s, m, h, d, w or y";

/**
 * A Prometheus-style duration ("30s", "1m", "1h30m", "0") in milliseconds. Same grammar as
 * Prometheus' `model.ParseDuration`: whole numbers, units from largest to smallest, each once.
 * Throws `Invalid` saying what is wrong and where.
 */
export function parseDuration(s: string): number {
  if (typeof s !== "string") throw new Invalid(`a duration is a string such as "30s" or "1h30m", got ${typeof s}`);
  if (s === "") throw new Invalid('empty duration; write e.g. "30s", "5m" or "0s"');
  if (s === "0") return 0;
  if (/\s/.test(s)) throw new Invalid(`unexpected space in duration "${s}"; write e.g. "1h30m"`);
  if (s.startsWith("-")) throw new Invalid(`a duration cannot be negative: "${s}"`);

  let ms = 0;
  let i = 0;
  let lastRank = -1;
  while (i < s.length) {
    const digits = /^\d+/.exec(s.slice(i))?.[0];
    if (!digits) throw new Invalid(`expected a number at position ${i + 1} of duration "${s}"`);
    i += digits.length;
    if (s[i] === "." || s[i] === ",") {
      throw new Invalid(`fractions are not allowed in duration "${s}"; combine units instead, e.g. "1m30s"`);
    }
    const unit = /^[a-zA-Zµ]+/.exec(s.slice(i))?.[0];
    if (!unit) {
      const hint = i === digits.length && i === s.length ? ` (e.g. "${digits}s")` : "";
      throw new Invalid(`missing unit after ${digits} in duration "${s}"; use ${UNIT_LIST}${hint}`);
    }
    const rank = UNITS.findIndex(([u]) => u === unit);
    if (rank < 0) throw new Invalid(`unknown unit "${unit}" in duration "${s}"; use ${UNIT_LIST}`);
    if (rank === lastRank) throw new Invalid(`unit "${unit}" appears twice in duration "${s}"`);
    if (rank < lastRank) {
      throw new Invalid(`units must go from largest to smallest in duration "${s}": "${unit}" comes after "${UNITS[lastRank][0]}"`);
    }
    lastRank = rank;
    i += unit.length;
    ms += Number(digits) * UNITS[rank][1];
    if (!Number.isSafeInteger(ms)) throw new Invalid(`duration "${s}" is too long`);
  }
  return ms;
}

/** Milliseconds as a Prometheus-style duration, the inverse of `parseDuration` ("1h30m", "0s"). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a duration in milliseconds: ${ms}`);
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
