import { describe, expect, it } from "vitest";
import { DRILL_KINDS, DRILL_META } from "../drills/types";
import { SIGNALS, type SignalValues } from "../signals/types";
import { Simulator } from ".";
import { WEDNESDAY_2PM, demoServices, drill } from "./test-fixtures";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MIDNIGHT_WED = WEDNESDAY_2PM - 14 * HOUR;

/** Everything wrong with one sample, as readable strings (collected, so a day of samples stays fast). */
function problems(v: SignalValues, where: string): string[] {
  const out: string[] = [];
  for (const name of SIGNALS) {
    if (!Number.isFinite(v[name]) || v[name] < 0) out.push(`${where} ${name}=${v[name]}`);
  }
  for (const name of ["errorPct", "error5xxPct", "cpuPct", "memPct", "poolPct"] as const) {
    if (v[name] > 100) out.push(`${where} ${name}=${v[name]} > 100`);
  }
  if (v.error5xxPct > v.errorPct) out.push(`${where} 5xx ${v.error5xxPct} > errors ${v.errorPct}`);
  if (!(v.p50 < v.p95 && v.p95 < v.p99 && v.p99 < v.p999)) out.push(`${where} percentiles out of order`);
  return out;
}

function meanRps(sim: Simulator, id: string, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let t = from; t < to; t += 10_000, n++) sum += sim.sample(id, t, []).rps;
  return sum / n;
}

describe("Simulator determinism", () => {
  const drills = [drill("latency", "checkout"), drill("dependency-outage", "postgres", { startedAt: WEDNESDAY_2PM + HOUR })];
  const times = Array.from({ length: 400 }, (_, i) => WEDNESDAY_2PM - 3 * DAY + i * 1_234_567);

  it("gives identical numbers for the same seed, in any call order", () => {
    const a = new Simulator({ seed: 42, services: demoServices });
    const b = new Simulator({ seed: 42, services: demoServices });
    const forward = times.map((t) => a.sampleAll(t, drills));
    const backward = [...times].reverse().map((t) => b.sampleAll(t, drills)).reverse();
    expect(backward).toEqual(forward);
    expect(times.map((t) => a.sample("checkout", t, drills))).toEqual(forward.map((all) => all.checkout));
  });

  it("gives different numbers for a different seed", () => {
    const a = new Simulator({ seed: 42, services: demoServices });
    const b = new Simulator({ seed: 43, services: demoServices });
    const differing = times.filter((t) => a.sample("search", t, []).p50 !== b.sample("search", t, []).p50);
    expect(differing.length).toBeGreaterThan(times.length * 0.95);
  });

  it("throws for an unknown service and ignores drills on unknown targets", () => {
    const sim = new Simulator({ seed: 1, services: demoServices });
    expect(() => sim.sample("nope", WEDNESDAY_2PM, [])).toThrow(/unknown service/);
    expect(sim.sample("checkout", WEDNESDAY_2PM + MINUTE, [drill("errors", "nope")])).toEqual(
      sim.sample("checkout", WEDNESDAY_2PM + MINUTE, []),
    );
  });
});

describe("Simulator bounds", () => {
  it("keeps every signal finite, in range and ordered over a day for every service", () => {
    const sim = new Simulator({ seed: 7, services: demoServices });
    const found: string[] = [];
    for (let t = MIDNIGHT_WED; t < MIDNIGHT_WED + DAY; t += MINUTE) {
      const all = sim.sampleAll(t, []);
      expect(Object.keys(all)).toHaveLength(demoServices.length);
      for (const [id, v] of Object.entries(all)) found.push(...problems(v, `${id}@${new Date(t).toISOString()}`));
    }
    expect(found).toEqual([]);
  });

  it("stays in range under every drill at its most extreme magnitude, stacked", () => {
    const sim = new Simulator({ seed: 7, services: demoServices });
    const extreme = DRILL_KINDS.flatMap((kind) =>
      ["checkout", "postgres"].map((target) => drill(kind, target, { magnitude: DRILL_META[kind].max })),
    );
    const found: string[] = [];
    for (let t = WEDNESDAY_2PM - MINUTE; t < WEDNESDAY_2PM + 12 * MINUTE; t += 5_000) {
      for (const [id, v] of Object.entries(sim.sampleAll(t, extreme))) found.push(...problems(v, `${id}@+${t - WEDNESDAY_2PM}ms`));
    }
    expect(found).toEqual([]);
  });
});

describe("Simulator realism", () => {
  const sim = new Simulator({ seed: 3, services: demoServices });

  it("peaks in the afternoon UTC and troughs before dawn", () => {
    for (const { id } of demoServices) {
      const afternoon = meanRps(sim, id, MIDNIGHT_WED + 14 * HOUR, MIDNIGHT_WED + 16 * HOUR);
      const night = meanRps(sim, id, MIDNIGHT_WED + 3 * HOUR, MIDNIGHT_WED + 5 * HOUR);
      expect(afternoon / night, id).toBeGreaterThan(1.8);
    }
  });

  it("dips about a quarter at the weekend", () => {
    const saturday = MIDNIGHT_WED + 3 * DAY;
    const ratio = meanRps(sim, "checkout", saturday, saturday + DAY) / meanRps(sim, "checkout", MIDNIGHT_WED, MIDNIGHT_WED + DAY);
    expect(ratio).toBeGreaterThan(0.65);
    expect(ratio).toBeLessThan(0.85);
  });

  it("wanders second to second without jumping", () => {
    const a = sim.sample("checkout", WEDNESDAY_2PM, []);
    const b = sim.sample("checkout", WEDNESDAY_2PM + 1000, []);
    expect(b.rps).not.toBe(a.rps);
    expect(Math.abs(b.rps / a.rps - 1)).toBeLessThan(0.25);
    expect(Math.abs(b.p99 / a.p99 - 1)).toBeLessThan(0.25);
  });

  it("leaves a quiet week quiet: noise and blips never reach a critical level on their own", () => {
    for (const { id } of demoServices) {
      const p99s: number[] = [];
      let maxErrors = 0;
      for (let t = MIDNIGHT_WED - 2 * DAY; t < MIDNIGHT_WED + 5 * DAY; t += MINUTE) {
        const v = sim.sample(id, t, []);
        p99s.push(v.p99);
        maxErrors = Math.max(maxErrors, v.errorPct);
      }
      const median = [...p99s].sort((x, y) => x - y)[p99s.length >> 1];
      expect(Math.max(...p99s) / median, id).toBeLessThan(2.5);
      expect(maxErrors, id).toBeLessThan(1);
    }
  });
});
