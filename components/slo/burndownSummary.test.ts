import { describe, expect, it } from "vitest";
import { burndownSummary } from "./burndownSummary";

describe("burn-down text alternative", () => {
  it("says the budget left now, the ideal then, the lowest point and the exhaustion line", () => {
    const rows = [
      { t: 0, remaining: 100, ideal: 100 },
      { t: 1, remaining: 40, ideal: 90 },
      { t: 2, remaining: 55.5, ideal: 80 },
      { t: 3, remaining: null, ideal: 0 },
    ];
    expect(burndownSummary(rows, false)).toBe("Budget burn-down: 56 % left now, ideal 80 %; lowest 40 %; the budget is exhausted at 0 %.");
  });

  it("reads an overspent budget with its minus sign and says when the data is stale", () => {
    const rows = [
      { t: 0, remaining: 100, ideal: 100 },
      { t: 1, remaining: -250, ideal: 50 },
    ];
    expect(burndownSummary(rows, true)).toBe("Budget burn-down (stale data, not current): \u2212250 % left now, ideal 50 %; lowest \u2212250 %; the budget is exhausted at 0 %.");
  });

  it("says there is no data without inventing a figure", () => {
    expect(burndownSummary([{ t: 0, remaining: null, ideal: 100 }], false)).toBe("Budget burn-down: no data yet; the budget is exhausted at 0 %.");
  });
});
