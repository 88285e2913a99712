import { describe, expect, it } from "vitest";
import { Invalid } from "../errors";
import { formatMatcher, matches, matchesAll, parseMatcher, parseMatchers } from "./matchers";

const labels = { alertname: "HighErrorRate", service: "checkout", severity: "page", tier: "1" };

describe("silence matchers (Alertmanager syntax)", () => {
  it("parses the four operators, with or without quotes", () => {
    expect(parseMatcher("service=checkout")).toEqual({ name: "service", op: "=", value: "checkout" });
    expect(parseMatcher("service != payments")).toEqual({ name: "service", op: "!=", value: "payments" });
    expect(parseMatcher('severity=~"page|urgent-ticket"')).toEqual({ name: "severity", op: "=~", value: "page|urgent-ticket" });
    expect(parseMatcher("alertname!~High.*")).toEqual({ name: "alertname", op: "!~", value: "High.*" });
  });

  it("matches equality and inequality; a missing label reads as empty", () => {
    expect(matches(parseMatcher("service=checkout"), labels)).toBe(true);
    expect(matches(parseMatcher("service=payments"), labels)).toBe(false);
    expect(matches(parseMatcher("service!=payments"), labels)).toBe(true);
    expect(matches(parseMatcher('team=""'), labels)).toBe(true);
    expect(matches(parseMatcher("team!=sre"), labels)).toBe(true);
  });

  it("anchors regexes to the whole value, as Alertmanager does", () => {
    expect(matches(parseMatcher("service=~check"), labels)).toBe(false);
    expect(matches(parseMatcher("service=~check.*"), labels)).toBe(true);
    expect(matches(parseMatcher("service=~out"), labels)).toBe(false);
    expect(matches(parseMatcher("alertname=~High|Low"), labels)).toBe(false);
    expect(matches(parseMatcher("alertname=~HighErrorRate|Low"), labels)).toBe(true);
    expect(matches(parseMatcher("severity!~page"), labels)).toBe(false);
    expect(matches(parseMatcher("severity!~pag"), labels)).toBe(true);
  });

  it("all matchers must hold", () => {
    expect(matchesAll(parseMatchers(["service=checkout", "tier=~1|2"]), labels)).toBe(true);
    expect(matchesAll(parseMatchers(["service=checkout", "tier=3"]), labels)).toBe(false);
  });

  it("refuses text that is not a matcher, a broken regex, and a set that would match every alert", () => {
    expect(() => parseMatcher("checkout")).toThrow(Invalid);
    expect(() => parseMatcher("1service=checkout")).toThrow(Invalid);
    expect(() => parseMatcher("service=~(")).toThrow(/invalid regular expression/);
    expect(() => parseMatchers(["service=~.*"])).toThrow(/every alert/);
    expect(() => parseMatchers(['team=""'])).toThrow(/every alert/);
    expect(parseMatchers(["service=~.*", "tier=1"])).toHaveLength(2);
  });

  it("formats back to the text a person would type", () => {
    expect(formatMatcher(parseMatcher("service=~check.*"))).toBe("service=~check.*");
    expect(formatMatcher(parseMatcher('team=""'))).toBe('team=""');
  });
});
