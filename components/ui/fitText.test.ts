import { describe, expect, it } from "vitest";
import { fitFontSize } from "./fitText";

const cqi = (t: string) => Number(/(\d+)cqi/.exec(fitFontSize(t))![1]);

describe("fitFontSize", () => {
  it("gives longer figures smaller type, within the floor and the cap", () => {
    expect(fitFontSize("351 ms")).toMatch(/^clamp\(0\.875rem, \d+cqi, 1\.5rem\)$/);
    expect(cqi("1.4k req/s")).toBeLessThan(cqi("351 ms"));
    expect(cqi("< 0.01 %")).toBeLessThan(cqi("0.04 %"));
    expect(cqi("20 %")).toBeGreaterThan(cqi("100 %"));
  });
});
