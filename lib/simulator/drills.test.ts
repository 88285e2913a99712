import { describe, expect, it } from "vitest";
import { DRILL_KINDS, type DrillEffect } from "../drills/types";
import type { SignalName } from "../signals/types";
import { Simulator } from ".";
import { WEDNESDAY_2PM, demoServices, drill } from "./test-fixtures";

const sim = new Simulator({ seed: 11, services: demoServices });
const START = WEDNESDAY_2PM;
const END = START + 10 * 60_000;
/** Inside the drill, once ramped in. */
const DURING: [number, number] = [START + 15_000, END];

function mean(id: string, signal: SignalName, [from, to]: [number, number], drills: readonly DrillEffect[]): number {
  let sum = 0;
  let n = 0;
  for (let t = from; t < to; t += 2_000, n++) sum += sim.sample(id, t, drills)[signal];
  return sum / n;
}

/** Mean of a signal during the drill over its mean at the same instants without it. */
function lift(id: string, signal: SignalName, d: DrillEffect): number {
  return mean(id, signal, DURING, [d]) / mean(id, signal, DURING, []);
}

function expectUntouched(id: string, d: DrillEffect, [from, to]: [number, number]): void {
  for (let t = from; t < to; t += 1_000) expect(sim.sample(id, t, [d]), `${id}@${t - START}ms`).toEqual(sim.sample(id, t, []));
}

describe("drills", () => {
  it.each(DRILL_KINDS)("%s has no effect before it starts or once ramped out after it ends", (kind) => {
    const d = drill(kind, "postgres");
    for (const id of ["postgres", "checkout"]) {
      expectUntouched(id, d, [START - 60_000, START]);
      expectUntouched(id, d, [END + 10_000, END + 70_000]);
    }
  });

  it("latency ×5 multiplies the target's latency, ramping in over ~10 s", () => {
    const d = drill("latency", "checkout");
    expect(lift("checkout", "p50", d)).toBeGreaterThan(4);
    expect(lift("checkout", "p50", d)).toBeLessThan(6);
    expect(lift("checkout", "p99", d)).toBeGreaterThan(4);
    const halfway = sim.sample("checkout", START + 5_000, [d]).p50 / sim.sample("checkout", START + 5_000, []).p50;
    expect(halfway).toBeGreaterThan(1.5);
    expect(halfway).toBeLessThan(4.5);
    const rampingOut = sim.sample("checkout", END + 5_000, [d]).p50 / sim.sample("checkout", END + 5_000, []).p50;
    expect(rampingOut).toBeGreaterThan(1.5);
    expect(rampingOut).toBeLessThan(4.5);
  });

  it("errors 20 makes about 20% of the target's requests fail with 5xx", () => {
    const d = drill("errors", "checkout");
    expect(mean("checkout", "errorPct", DURING, [])).toBeLessThan(1);
    expect(mean("checkout", "errorPct", DURING, [d])).toBeGreaterThan(19);
    expect(mean("checkout", "errorPct", DURING, [d])).toBeLessThan(22);
    expect(mean("checkout", "error5xxPct", DURING, [d])).toBeGreaterThan(19);
  });

  it.each([10, 20])("traffic ×%i saturates CPU, raises latency and sheds load", (magnitude) => {
    const d = drill("traffic", "checkout", { magnitude });
    expect(lift("checkout", "rps", d)).toBeGreaterThan(magnitude * 0.8);
    expect(mean("checkout", "cpuPct", DURING, [])).toBeLessThan(70);
    expect(mean("checkout", "cpuPct", DURING, [d])).toBeGreaterThan(95);
    expect(lift("checkout", "p50", d)).toBeGreaterThan(3);
    expect(lift("checkout", "p99", d)).toBeGreaterThan(3);
    expect(mean("checkout", "poolPct", DURING, [d])).toBeGreaterThan(90);
    expect(mean("checkout", "errorPct", DURING, [d])).toBeGreaterThan(10);
  });

  it("saturation 95 pushes CPU, memory and pool to ~95% and latency up modestly", () => {
    const d = drill("saturation", "inventory");
    for (const signal of ["cpuPct", "memPct", "poolPct"] as const) {
      expect(mean("inventory", signal, DURING, []), signal).toBeLessThan(70);
      expect(mean("inventory", signal, DURING, [d]), signal).toBeGreaterThan(90);
    }
    expect(lift("inventory", "p50", d)).toBeGreaterThan(1.5);
    expect(lift("inventory", "p50", d)).toBeLessThan(3);
  });

  it("stopping a drill early ends its effect early", () => {
    const d = drill("errors", "checkout", { stoppedAt: START + 60_000 });
    expect(sim.sample("checkout", START + 50_000, [d]).errorPct).toBeGreaterThan(15);
    expectUntouched("checkout", d, [START + 70_000, START + 130_000]);
  });
});

describe("dependency-outage", () => {
  const d = drill("dependency-outage", "postgres");

  it("takes the target down: nearly all requests fail, served traffic drops, survivors are slow", () => {
    expect(mean("postgres", "errorPct", DURING, [d])).toBeGreaterThan(95);
    expect(mean("postgres", "error5xxPct", DURING, [d])).toBeGreaterThan(95);
    expect(lift("postgres", "rps", d)).toBeLessThan(0.5);
    expect(lift("postgres", "p99", d)).toBeGreaterThan(2);
  });

  it("degrades direct callers' error rate and p99, and transitive callers less", () => {
    for (const caller of ["checkout", "payments", "inventory", "auth"]) {
      expect(mean(caller, "errorPct", DURING, []), caller).toBeLessThan(1);
      expect(mean(caller, "errorPct", DURING, [d]), caller).toBeGreaterThan(10);
      expect(lift(caller, "p99", d), caller).toBeGreaterThan(2.5);
    }
    const gateway = mean("api-gateway", "errorPct", DURING, [d]);
    expect(gateway).toBeGreaterThan(3);
    expect(gateway).toBeLessThan(mean("checkout", "errorPct", DURING, [d]));
  });

  it("leaves services that do not depend on the target untouched", () => {
    for (const id of ["search", "redis"]) expectUntouched(id, d, [START, START + 60_000]);
  });
});
