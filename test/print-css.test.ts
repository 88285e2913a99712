import { readFileSync } from "node:fs";
import { join } from "node:path";
import postcss, { type Rule } from "postcss";
import { describe, expect, it } from "vitest";

/** The rules of app/globals.css under `@media print` that apply to the printed postmortem. */
function printRules(): { selector: string; decls: Record<string, string> }[] {
  const root = postcss.parse(readFileSync(join(__dirname, "..", "app", "globals.css"), "utf8"));
  const out: { selector: string; decls: Record<string, string> }[] = [];
  root.walkAtRules("media", (media) => {
    if (!/\bprint\b/.test(media.params)) return;
    media.walkRules((rule: Rule) => {
      if (!rule.selector.includes("[data-print-root]")) return;
      const decls: Record<string, string> = {};
      rule.walkDecls((d) => void (decls[d.prop] = d.value));
      out.push({ selector: rule.selector, decls });
    });
  });
  return out;
}

describe("postmortem print stylesheet", () => {
  const rules = printRules();

  it("is found (the test reads the real stylesheet)", () => {
    expect(rules.length).toBeGreaterThan(5);
  });

  it("forces no page break before sections: pages break only where a long section fills one", () => {
    const forced = rules.filter((r) => ["page", "always", "left", "right"].includes(r.decls["break-before"] ?? r.decls["page-break-before"] ?? ""));
    expect(forced.map((r) => r.selector)).toEqual([]);
  });

  it("keeps short blocks whole and headings with the text after them", () => {
    const avoidsInside = (el: string) => rules.some((r) => r.decls["break-inside"] === "avoid" && r.selector.split(",").some((s) => new RegExp(`\\b${el}\\b`).test(s)));
    for (const el of ["tr", "pre", "blockquote", "li"]) expect(avoidsInside(el), el).toBe(true);
    expect(rules.some((r) => r.decls["break-after"] === "avoid" && /h2/.test(r.selector))).toBe(true);
  });
});
