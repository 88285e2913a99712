import { describe, expect, it } from "vitest";
import { Freshness } from "./freshness";

describe("Freshness", () => {
  it("is two ticks for a sampled service and two push intervals for a service pushing less often", () => {
    const f = new Freshness(1_000);
    expect(f.boundMs("auth")).toBe(2_000);
    f.note("checkout", 15_000);
    expect(f.boundMs("checkout")).toBe(30_000);
    expect(f.isStale("checkout", 0, 30_000)).toBe(false);
    expect(f.isStale("checkout", 0, 30_001)).toBe(true);
    expect(f.isStale("checkout", null, 0)).toBe(true);
    // A push interval shorter than a tick, or nonsense, falls back to two ticks.
    f.note("checkout", 500);
    expect(f.boundMs("checkout")).toBe(2_000);
    f.note("checkout", Number.POSITIVE_INFINITY);
    expect(f.boundMs("checkout")).toBe(2_000);
  });
});
