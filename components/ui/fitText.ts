/** Approximate advance widths in em of a bold sans (digits are tabular); unknown characters 0.7. */
const NARROW = new Set([".", ",", " ", ":", "/"]);
const WIDE = new Set(["m", "M", "w", "W", "%", "−", "<", ">"]);
const width = (c: string) => (NARROW.has(c) ? 0.35 : WIDE.has(c) ? 0.95 : /[a-z]/.test(c) ? 0.6 : 0.7);

/**
 * A font size that fits `text` (as ValueWithUnit draws it: the number, then the unit at 0.6em)
 * into its container's width: `clamp(min, Ncqi, max)` with N from the text's estimated width in
 * em (per-character estimate that errs wide by 5–25 %, measured in Chromium). Used on tile
 * figures, so a long value ("< 0.01 %", "1.4k req/s") gets smaller type instead of "0.0…".
 */
export function fitFontSize(text: string, min = "0.875rem", max = "1.5rem"): string {
  const i = text.lastIndexOf(" ");
  const main = i <= 0 ? text : text.slice(0, i);
  const unit = i <= 0 ? "" : text.slice(i);
  let ems = 0;
  for (const c of main) ems += width(c);
  for (const c of unit) ems += 0.6 * width(c);
  return `clamp(${min}, ${Math.floor(95 / Math.max(1, ems))}cqi, ${max})`;
}
