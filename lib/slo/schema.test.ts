import { describe, expect, it } from "vitest";
import { SloListSchema, SloSchema, unknownServiceProblems } from "./schema";
import { issuesToDetails } from "../errors";

const valid = {
  id: "checkout-availability",
  service: "checkout",
  sli: { kind: "ratio", good: "non-5xx" },
  target: 0.999,
  window: "30d",
};

function problems(input: unknown) {
  const r = SloSchema.safeParse(input);
  return r.success ? [] : issuesToDetails(r.error.issues);
}

describe("SloSchema", () => {
  it("accepts ratio and latency SLOs and turns burn-rate alerting on by default", () => {
    expect(SloSchema.parse(valid)).toEqual({ ...valid, alerting: { burnRate: true } });
    const latency = SloSchema.parse({
      ...valid,
      id: "checkout-fast",
      sli: { kind: "latency", thresholdMs: 300 },
      window: "calendar-month",
      alerting: { burnRate: false },
    });
    expect(latency.sli).toEqual({ kind: "latency", thresholdMs: 300 });
    expect(latency.alerting.burnRate).toBe(false);
  });

  it("target 99.9 gets a helpful message, not just 'too big'", () => {
    expect(problems({ ...valid, target: 99.9 })).toEqual([{ path: "target", message: "target is a fraction: write 0.999 for 99.9%" }]);
    expect(problems({ ...valid, target: 99.95 })[0].message).toBe("target is a fraction: write 0.9995 for 99.95%");
  });

  it("target 1 (no budget) and 0 are refused with the reason", () => {
    expect(problems({ ...valid, target: 1 })).toEqual([
      { path: "target", message: "a target of 1 (100%) leaves no error budget: use a fraction below 1, e.g. 0.999" },
    ]);
    expect(problems({ ...valid, target: 0 })[0]).toMatchObject({ path: "target", message: expect.stringContaining("between 0 and 1") });
    expect(problems({ ...valid, target: -0.5 })[0].path).toBe("target");
    expect(problems({ ...valid, target: 100 })[0].path).toBe("target");
  });

  it("an unknown window names the ones we support", () => {
    expect(problems({ ...valid, window: "14d" })).toEqual([
      { path: "window", message: 'unknown window "14d": use one of 7d, 28d, 30d, calendar-month' },
    ]);
  });

  it("a latency SLI without thresholdMs says what thresholdMs is", () => {
    expect(problems({ ...valid, sli: { kind: "latency" } })).toEqual([
      { path: "sli.thresholdMs", message: "a latency SLI needs thresholdMs: requests faster than this many milliseconds are good" },
    ]);
    expect(problems({ ...valid, sli: { kind: "latency", thresholdMs: 0 } })[0].path).toBe("sli.thresholdMs");
  });

  it("an unknown SLI kind, unknown fields and bad ids are refused", () => {
    expect(problems({ ...valid, sli: { kind: "freshness" } })).toEqual([
      { path: "sli.kind", message: 'unknown SLI kind "freshness": use ratio or latency' },
    ]);
    expect(problems({ ...valid, sli: { kind: "ratio", good: "2xx" } })[0].path).toBe("sli.good");
    expect(problems({ ...valid, budget: 0.001 })[0].message).toMatch(/budget/);
    expect(problems({ ...valid, id: "Checkout SLO" })[0].path).toBe("id");
    expect(problems({ ...valid, sli: undefined })[0]).toMatchObject({ path: "sli", message: expect.stringContaining("sli is required") });
  });
});

describe("SLO list", () => {
  it("rejects duplicate ids with both positions", () => {
    const r = SloListSchema.safeParse([valid, { ...valid, target: 0.99 }]);
    expect(r.success).toBe(false);
    expect(issuesToDetails(r.error!.issues)).toEqual([{ path: "[1].id", message: 'duplicate SLO id "checkout-availability" (also slos[0])' }]);
  });

  it("reports SLOs of services the config does not have", () => {
    const slos = SloListSchema.parse([valid, { ...valid, id: "x", service: "payments" }]);
    expect(unknownServiceProblems(slos, new Set(["checkout"]))).toEqual([{ path: "slos[1].service", message: 'unknown service "payments"' }]);
  });
});
