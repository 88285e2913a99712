import { describe, expect, it } from "vitest";
import { Invalid } from "../errors";
import { formatDuration, parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each([
    ["0", 0],
    ["0s", 0],
    ["30s", 30_000],
    ["1m", 60_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1h0m5s", 3_605_000],
    ["2m500ms", 120_500],
    ["500ms", 500],
    ["1d", 86_400_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
  ])("%s = %d ms", (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it.each([
    ["", /empty duration/],
    ["60", /missing unit after 60 .*\(e\.g\. "60s"\)/],
    ["1h30", /missing unit after 30 in duration "1h30"/],
    ["1.5m", /fractions are not allowed in duration "1.5m"; .*"1m30s"/],
    ["5x", /unknown unit "x" in duration "5x"; use ms, s, m, h, d, w or y/],
    ["1M", /unknown unit "M"/],
    ["1m1h", /largest to smallest in duration "1m1h": "h" comes after "m"/],
    ["1m1m", /unit "m" appears twice/],
    ["-1m", /cannot be negative/],
    [" 1m", /unexpected space/],
    ["1h 30m", /unexpected space/],
    ["m", /expected a number at position 1 of duration "m"/],
    ["99999999999y", /too long/],
  ])("rejects %j", (s, message) => {
    expect(() => parseDuration(s)).toThrow(message);
    expect(() => parseDuration(s)).toThrow(Invalid);
  });
});

describe("formatDuration", () => {
  it("writes the largest units first and round-trips through parseDuration", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(60_000)).toBe("1m");
    expect(formatDuration(90_500)).toBe("1m30s500ms");
    for (const ms of [1, 999, 1_000, 61_000, 3_600_000, 86_400_000 + 1, 604_800_000 * 3 + 5_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it("refuses what is not a duration", () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });
});
