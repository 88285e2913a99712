import { describe, expect, it } from "vitest";
import { Freshness, serviceStale, sourceDownFor } from "./freshness";

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

describe("serviceStale: the board's rule, which the service API follows", () => {
  const f = new Freshness(1_000);
  const prom = { id: "search", source: "prometheus" as const };
  const sim = { id: "auth", source: "simulator" as const };
  const mixed = (state: "ok" | "down") => ({
    kind: "prometheus",
    state,
    lastSuccessAt: 0,
    sources: [
      { kind: "simulator", state: "ok" as const, lastSuccessAt: 0, services: 1 },
      { kind: "prometheus", state, lastSuccessAt: 0, services: 1 },
    ],
  });
  it("says stale on a one-second-old point once the service's own source is down, and only for that source's services", () => {
    expect(serviceStale(f, mixed("ok"), prom, 9_000, 10_000)).toBe(false);
    expect(serviceStale(f, mixed("down"), prom, 9_000, 10_000)).toBe(true);
    expect(serviceStale(f, mixed("down"), sim, 9_000, 10_000)).toBe(false);
    // Past the freshness bound whatever the source says.
    expect(serviceStale(f, mixed("ok"), sim, 7_999, 10_000)).toBe(true);
  });
  it("with one source, that source down makes every service stale", () => {
    expect(sourceDownFor({ kind: "prometheus", state: "down", lastSuccessAt: 0 }, { source: undefined })).toBe(true);
    expect(sourceDownFor({ kind: "prometheus", state: "degraded", lastSuccessAt: 0 }, prom)).toBe(false);
    expect(sourceDownFor(null, prom)).toBe(false);
  });
});
