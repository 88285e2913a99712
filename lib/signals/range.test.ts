import { describe, expect, it } from "vitest";
import { MAX_CHART_POINTS, RANGES, RANGE_META, historyWindow, parseRange, stepSecondsFor, withRange } from "./range";

describe("parseRange", () => {
  it("accepts the known ranges and falls back to live 15m", () => {
    expect(parseRange("1h")).toBe("1h");
    expect(parseRange(["7d", "1h"])).toBe("7d");
    expect(parseRange(undefined)).toBe("15m");
    expect(parseRange(null)).toBe("15m");
    expect(parseRange("2y")).toBe("15m");
    expect(parseRange("__proto__")).toBe("15m");
  });
});

describe("history steps", () => {
  it("keep every range at or under the chart point limit", () => {
    for (const r of RANGES) {
      const { from, to, step } = historyWindow(r, Date.UTC(2026, 10, 23, 14, 3, 7, 123));
      expect(to - from).toBe(RANGE_META[r].ms);
      expect((to - from) / (step * 1000)).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(to % (step * 1000)).toBe(0);
    }
    expect(stepSecondsFor(3_600_000)).toBe(10);
    expect(stepSecondsFor(7 * 86_400_000)).toBe(1800);
  });
});

describe("withRange", () => {
  it("keeps other parameters and drops the default", () => {
    expect(withRange("?kiosk=1", "6h")).toBe("?kiosk=1&range=6h");
    expect(withRange("?range=6h&kiosk=1", "15m")).toBe("?kiosk=1");
    expect(withRange("", "15m")).toBe("");
  });
});
