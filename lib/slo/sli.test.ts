import { describe, expect, it } from "vitest";
import { normalCdf, shareFasterThan, sliCounts } from "./sli";
import { SIGNALS, type SignalValues } from "../signals/types";

function v(over: Partial<SignalValues>): SignalValues {
  const base = {} as SignalValues;
  for (const s of SIGNALS) base[s] = 0;
  return { ...base, ...over };
}

describe("SLI counts", () => {
  it("normal CDF matches known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.6448536)).toBeCloseTo(0.95, 6);
    expect(normalCdf(-2.3263479)).toBeCloseTo(0.01, 6);
  });

  it("a latency threshold at the fitted p99 counts 99% of requests good, at p50 half", () => {
    const sample = { p50: 100, p99: 400 };
    expect(shareFasterThan(sample, 400)).toBeCloseTo(0.99, 5);
    expect(shareFasterThan(sample, 100)).toBeCloseTo(0.5, 6);
    expect(shareFasterThan(sample, 10_000)).toBeGreaterThan(0.99999);
  });

  it("ratio SLIs count non-5xx or non-error requests over the interval", () => {
    const s = v({ rps: 200, errorPct: 2, error5xxPct: 1.5 });
    expect(sliCounts({ kind: "ratio", good: "non-5xx" }, s, 60)).toEqual({ total: 12_000, good: 12_000 * 0.985 });
    expect(sliCounts({ kind: "ratio", good: "non-error" }, s, 60)).toEqual({ total: 12_000, good: 12_000 * 0.98 });
  });

  it("no traffic is zero events, not an error and not NaN", () => {
    expect(sliCounts({ kind: "latency", thresholdMs: 300 }, v({ rps: 0, p50: 0, p99: 0 }), 60)).toEqual({ good: 0, total: 0 });
  });
});
