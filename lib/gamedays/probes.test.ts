import { describe, expect, it } from "vitest";
import { parseCondition } from "./conditions";
import { newRun } from "./new-run";
import { parsePlan, type Plan } from "./plan";
import { measureTick, probeTick, timings, verdictOf, type Observation } from "./probes";
import { renderReport } from "./report";

const names = { services: new Set(["checkout"]), simulated: new Set(["checkout"]), slos: new Set(["checkout-availability"]) };
const source = `---
title: T
objective: O
owner: me
services: [checkout]
hypothesis:
  - checkout.errorPct < 1
abort:
  - checkout.errorPct > 20 for 3s
steps:
  - +0 drill errors on checkout 30% for 10s
expectedAlerts: [HighErrorRate]
---
`;
const plan = parsePlan("t", source, names) as Plan;
const fresh = () => newRun(plan, { id: "r", incidentId: "i", incidentNumber: 1, startedAt: 0, author: "Ada", budgets: {}, services: ["checkout"] });
const obs = (t: number, errorPct: number | null, firing: Observation["firing"] = []): Observation => ({
  t,
  tickMs: 1000,
  signal: (_s, name) => (name === "errorPct" ? errorPct : name === "rps" ? 100 : 50),
  slo: () => null,
  firing,
});

describe("probes and verdict", () => {
  it("counts the time outside the steady state and trips the abort only after its `for`", () => {
    const run = fresh();
    expect(probeTick(run, obs(1000, 0.5))).toBeNull();
    expect(probeTick(run, obs(2000, 25))).toBeNull();
    expect(probeTick(run, obs(3000, 25))).toBeNull();
    expect(probeTick(run, obs(4000, 25))).toBeNull();
    const tripped = probeTick(run, obs(5000, 25));
    expect(tripped?.condition.text).toBe("checkout.errorPct > 20 for 3s");
    expect(run.probes[0]).toMatchObject({ brokenMs: 4000, firstBrokenAt: 2000, worst: 25 });
  });

  it("no data neither breaks the hypothesis nor counts as time outside it", () => {
    const run = fresh();
    probeTick(run, obs(1000, null));
    probeTick(run, obs(2000, null));
    expect(run.probes[0]).toMatchObject({ value: null, brokenMs: 0, firstBrokenAt: null });
  });

  it("Pass needs every condition held and every expected alert fired; acknowledgement is omitted, not guessed", () => {
    const run = fresh();
    run.measurements.faultStartedAt = 0;
    run.measurements.faultEndedAt = 10_000;
    run.measurements.mitigationAt = 10_000;
    probeTick(run, obs(9000, 0.5));
    measureTick(run, obs(9000, 0.5, [{ name: "HighErrorRate", service: "checkout", firedAt: 8000 }]));
    measureTick(run, obs(11_000, 0.5));
    timings(run.measurements, null);
    expect(run.measurements).toMatchObject({ timeToDetectMs: 8000, timeToAcknowledgeMs: null, recoveredAt: 11_000, timeToRecoverMs: 1000, timeToMitigateMs: 1000, missedAlerts: [] });
    run.status = "completed";
    expect(verdictOf(run).verdict).toBe("pass");
    timings(run.measurements, 4000);
    expect(run.measurements.timeToAcknowledgeMs).toBe(4000);
  });

  it("an expected alert that never fired fails the run as a detection gap; a stopped run is Stopped", () => {
    const run = fresh();
    probeTick(run, obs(1000, 0.5));
    timings(run.measurements, null);
    run.status = "completed";
    const v = verdictOf(run);
    expect(v.verdict).toBe("fail");
    expect(v.results[1]).toEqual({ what: "alert HighErrorRate fires", pass: false, detail: "never fired: a detection gap" });
    run.status = "stopped";
    expect(verdictOf(run).verdict).toBe("stopped");
    expect(parseCondition("checkout.errorPct < 1", names).forMs).toBe(0);
  });
});

describe("a hypothesis that could not be checked", () => {
  const ended = (run: ReturnType<typeof fresh>) => {
    run.measurements.alerts[0].firedAt = 3000;
    timings(run.measurements, null);
    run.status = "completed";
    return verdictOf(run);
  };

  it("fails when its signal had no data at any probe, and the report says it could not be checked", () => {
    const run = fresh();
    run.measurements.faultStartedAt = 0;
    for (const t of [1000, 2000, 3000]) probeTick(run, obs(t, null));
    expect(run.probes[0]).toMatchObject({ samples: 0, faultSamples: 0, noDataMs: 3000 });
    const v = ended(run);
    expect(v.results[0]).toEqual({ what: "checkout.errorPct < 1", pass: false, detail: "no data: it could not be checked" });
    expect(v.verdict).toBe("fail");
    Object.assign(run, v);
    const md = renderReport(run, [], 10_000);
    expect(md).toContain("`checkout.errorPct < 1` could not be checked: it had no data during the run.");
    expect(md).toContain("Observe: make checkout report errorPct during this fault");
  });

  it("fails with no data during the fault even when it held before it", () => {
    const run = fresh();
    probeTick(run, obs(1000, 0.5));
    run.measurements.faultStartedAt = 2000;
    probeTick(run, obs(2000, null));
    probeTick(run, obs(3000, null));
    run.measurements.faultEndedAt = 3000;
    probeTick(run, obs(4000, 0.5));
    const v = ended(run);
    expect(v.results[0]).toEqual({ what: "checkout.errorPct < 1", pass: false, detail: "no data during the fault; no data for 2s" });
    expect(v.verdict).toBe("fail");
  });

  it("passes when it had data while the fault ran and never broke, telling the time without data", () => {
    const run = fresh();
    run.measurements.faultStartedAt = 1000;
    probeTick(run, obs(1000, null));
    probeTick(run, obs(2000, 0.5));
    const v = ended(run);
    expect(v.results[0]).toEqual({ what: "checkout.errorPct < 1", pass: true, detail: "held throughout (last 0.5); no data for 1s" });
    expect(v.verdict).toBe("pass");
  });
});
