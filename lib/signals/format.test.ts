import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatDateTime,
  formatTimeZoned,
  zoneName,
  formatDuration,
  formatMs,
  formatPct,
  formatRps,
  formatSignal,
  formatTime,
} from "./format";

describe("formatMs", () => {
  it("uses ms below a second and s above", () => {
    expect(formatMs(84.3)).toBe("84 ms");
    expect(formatMs(4.25)).toBe("4.3 ms");
    expect(formatMs(0.42)).toBe("0.42 ms");
    expect(formatMs(0)).toBe("0 ms");
    expect(formatMs(1234)).toBe("1.2 s");
    expect(formatMs(999.7)).toBe("1.0 s");
    expect(formatMs(75_000)).toBe("1.3 min");
    expect(formatMs(Number.NaN)).toBe("—");
  });
});

describe("formatRps", () => {
  it("is compact", () => {
    expect(formatRps(12_400)).toBe("12.4k req/s");
    expect(formatRps(842.4)).toBe("842 req/s");
    expect(formatRps(4.25)).toBe("4.3 req/s");
    expect(formatRps(0)).toBe("0 req/s");
    expect(formatRps(1_250_000)).toBe("1.3M req/s");
    expect(formatRps(250_000)).toBe("250k req/s");
  });
});

describe("formatPct", () => {
  it("keeps small error rates readable", () => {
    expect(formatPct(0.4237)).toBe("0.42 %");
    expect(formatPct(5.27)).toBe("5.3 %");
    expect(formatPct(42.4)).toBe("42 %");
    expect(formatPct(0)).toBe("0 %");
    expect(formatPct(0.001)).toBe("< 0.01 %");
    expect(formatPct(Infinity)).toBe("—");
  });
});

describe("formatSignal", () => {
  it("picks the unit of the signal", () => {
    expect(formatSignal("p99", 250)).toBe("250 ms");
    expect(formatSignal("rps", 2500)).toBe("2.5k req/s");
    expect(formatSignal("cpuPct", 71.2)).toBe("71 %");
  });
});

describe("durations and times", () => {
  it("formats durations as an on-call reads them", () => {
    expect(formatDuration(45_900)).toBe("45s");
    expect(formatDuration(192_000)).toBe("3m 12s");
    expect(formatDuration(3_900_000)).toBe("1h 05m");
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe("2d 3h");
    expect(formatDuration(-5)).toBe("0s");
    expect(formatAge(420)).toBe("0.4 s");
    expect(formatAge(65_000)).toBe("1m 05s");
  });

  it("shows UTC by default", () => {
    const t = Date.UTC(2026, 10, 23, 14, 3, 7);
    expect(formatTime(t)).toBe("14:03:07");
    expect(formatTime(t, "utc", false)).toBe("14:03");
    expect(formatDateTime(t)).toBe("2026-11-23 14:03:07 UTC");
  });
  it("labels local times with their zone, as UTC times carry UTC (issue #16)", () => {
    const t = Date.UTC(2026, 10, 23, 14, 3, 7);
    const zone = zoneName(t, "local");
    expect(zone).not.toBe("");
    expect(formatDateTime(t, "local").endsWith(` ${zone}`)).toBe(true);
    expect(formatTimeZoned(t, "local", false)).toMatch(new RegExp(`^\\d\\d:\\d\\d ${zone.replace("+", "\\+")}$`));
    expect(formatTimeZoned(t)).toBe("14:03:07 UTC");
  });
});
