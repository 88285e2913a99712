import { describe, expect, it } from "vitest";
import { histogramQuantile, histogramQuantiles, parseLe, type Bucket } from "./quantile";

const b = (...pairs: [number, number][]): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

describe("histogramQuantile (as PromQL's histogram_quantile)", () => {
  it("interpolates linearly inside the bucket holding the rank, the first bucket from 0", () => {
    // 100 observations: 50 ≤ 0.05, 90 ≤ 0.1, 100 ≤ 0.5.
    const h = () => b([0.05, 50], [0.1, 90], [0.5, 100], [Infinity, 100]);
    expect(histogramQuantile(0.5, h())).toBe(0.05);
    expect(histogramQuantile(0.25, h())).toBeCloseTo(0.025, 12);
    expect(histogramQuantile(0.7, h())).toBeCloseTo(0.075, 12); // rank 70: 20 of the 40 in (0.05, 0.1]
    expect(histogramQuantile(0.95, h())).toBeCloseTo(0.3, 12); // rank 95: 5 of the 10 in (0.1, 0.5]
  });

  it("gives the highest finite bound for a rank in the +Inf bucket", () => {
    expect(histogramQuantile(0.99, b([0.1, 10], [0.2, 90], [Infinity, 100]))).toBe(0.2);
  });

  it("is NaN without observations, without a +Inf bucket, or with fewer than two buckets", () => {
    expect(histogramQuantile(0.5, b([0.1, 0], [Infinity, 0]))).toBeNaN();
    expect(histogramQuantile(0.5, b([0.1, 5], [0.2, 10]))).toBeNaN();
    expect(histogramQuantile(0.5, b([Infinity, 10]))).toBeNaN();
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  it("sorts the buckets, merges equal bounds and makes the counts monotonic", () => {
    // Unsorted, "0.1" twice (its counts add up), and a rate that dipped below its lower bucket.
    const h = b([Infinity, 100], [0.1, 30], [0.05, 50], [0.1, 30], [0.5, 55]);
    // Sorted and merged: 0.05 → 50, 0.1 → 60, 0.5 → 55 → 60 (monotonic), +Inf → 100.
    expect(histogramQuantile(0.55, h)).toBeCloseTo(0.075, 12);
    expect(histogramQuantile(0.7, b([Infinity, 100], [0.1, 30], [0.05, 50], [0.1, 30], [0.5, 55]))).toBe(0.5);
  });

  it("returns the first bound when it is not above 0, and ±Inf outside [0, 1]", () => {
    expect(histogramQuantile(0.1, b([0, 20], [1, 100], [Infinity, 100]))).toBe(0);
    expect(histogramQuantile(-0.1, b([1, 1], [Infinity, 1]))).toBe(-Infinity);
    expect(histogramQuantile(1.5, b([1, 1], [Infinity, 1]))).toBe(Infinity);
    expect(histogramQuantile(NaN, b([1, 1], [Infinity, 1]))).toBeNaN();
  });

  it("gives several quantiles of one histogram as one at a time does", () => {
    const h = () => b([0.005, 3], [0.01, 40], [0.025, 300], [0.05, 900], [0.1, 990], [0.25, 999], [Infinity, 1000]);
    const qs = [0.5, 0.95, 0.99, 0.999];
    expect(histogramQuantiles(qs, h())).toEqual(qs.map((q) => histogramQuantile(q, h())));
    expect(histogramQuantiles(qs, b([0.1, 0], [Infinity, 0])).every(Number.isNaN)).toBe(true);
  });
});

describe("parseLe", () => {
  it("reads bounds as Prometheus writes them and refuses the rest", () => {
    expect(parseLe("+Inf")).toBe(Infinity);
    expect(parseLe("0.005")).toBe(0.005);
    expect(parseLe("1e-3")).toBe(0.001);
    expect(parseLe("1.0")).toBe(1);
    expect(parseLe("-Inf")).toBe(-Infinity);
    expect(parseLe("inf")).toBe(Infinity);
    // Go's ParseFloat reads no 0x/0o/0b integers, where JavaScript's Number would.
    for (const junk of [undefined, "", " 1", "abc", "0x10", "0b1", "NaN"]) expect(parseLe(junk), String(junk)).toBeNaN();
  });
});
