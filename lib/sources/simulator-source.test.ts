import { describe, expect, it } from "vitest";
import { SimulatorSource } from "./simulator-source";
import { SignalHistory } from "../signals/history";
import { drillEnd, type DrillEffect } from "../drills/types";
import { WEDNESDAY_2PM, demoServices, drill } from "../simulator/test-fixtures";

const MINUTE = 60_000;
const outage = drill("errors", "checkout", { magnitude: 30 });
/** As lib/drills/service.ts effectiveSince: every stored drill that can still matter after `from`. */
const drills = (from: number): DrillEffect[] => [outage].filter((d) => drillEnd(d) + MINUTE >= from);

function derivedHistory(source: SimulatorSource, ticks = 180) {
  return new SignalHistory(
    demoServices.map((s) => s.id),
    { derive: { deriver: source.deriver, tickMs: 1000, ticks } },
  );
}

describe("simulated history derived on demand (lib/signals/derive.ts)", () => {
  it("keeps only the newest ticks per service, and serves older points exactly as the live ticks were", async () => {
    const source = new SimulatorSource({ seed: 7, services: demoServices, drills });
    const history = derivedHistory(source, 60);
    const now = WEDNESDAY_2PM + 3 * 3600_000;
    for (let t = now - 119_000; t <= now; t += 1000) history.record("auth", t, (await source.sampleAll(t)).auth);
    expect(history.derived("auth")).toBe(true);
    // Two minutes asked for: the first from the simulator, the second from the ring of 60 ticks.
    const recent = history.recent("auth", now - 119_000);
    expect(recent.t).toHaveLength(120);
    expect(recent.t[0]).toBe(now - 119_000);
    for (const i of [0, 30, 59, 60, 119]) expect(recent.rps[i]).toBe((await source.sampleAll(recent.t[i])).auth.rps);
    // A week at 30-minute steps, never past the newest tick.
    const week = await history.query("auth", now - 7 * 86400_000, now + 3600_000, 1800);
    expect(week.t).toHaveLength(7 * 48 + 1);
    expect(week.t.at(-1)).toBeLessThanOrEqual(now);
    expect(week.rps.every((r) => r > 0)).toBe(true);
  });

  it("keeps a past drill's impact in the history (drills are stored), and nothing outside it", async () => {
    const source = new SimulatorSource({ seed: 7, services: demoServices, drills });
    const history = derivedHistory(source);
    const now = WEDNESDAY_2PM + 2 * 86400_000;
    history.record("checkout", now, (await source.sampleAll(now)).checkout);
    const s = await history.query("checkout", WEDNESDAY_2PM - 30 * MINUTE, WEDNESDAY_2PM + 40 * MINUTE, 60);
    const at = (t: number) => s.errorPct[s.t.indexOf(t)];
    // 30 % injected errors while it ran; the demo's background rate (~0.1 %) before and after.
    expect(at(WEDNESDAY_2PM + 5 * MINUTE)).toBeGreaterThan(25);
    expect(at(WEDNESDAY_2PM - 10 * MINUTE)).toBeLessThan(2);
    expect(at(WEDNESDAY_2PM + 30 * MINUTE)).toBeLessThan(2);
    // The same drill as seen live at that minute.
    const live = (await source.sampleAll(WEDNESDAY_2PM + 5 * MINUTE + 30_000)).checkout.errorPct;
    expect(at(WEDNESDAY_2PM + 5 * MINUTE)).toBe(live);
  });

  it("a service that gets pushed samples keeps them from then on; before that its history stays derived", async () => {
    const source = new SimulatorSource({ seed: 7, services: demoServices, drills });
    const history = derivedHistory(source, 60);
    const pushedFrom = WEDNESDAY_2PM + 3 * 3600_000;
    for (let t = pushedFrom - 30_000; t < pushedFrom; t += 1000) history.record("auth", t, (await source.sampleAll(t)).auth);
    history.keep("auth", pushedFrom);
    const pushed = { ...(await source.sampleAll(pushedFrom)).auth, rps: 12_345 };
    for (let t = pushedFrom; t < pushedFrom + 5 * MINUTE; t += 1000) history.record("auth", t, pushed);
    expect(history.derived("auth")).toBe(false);
    const hour = await history.query("auth", pushedFrom - 55 * MINUTE, pushedFrom + 5 * MINUTE - 1000, 60);
    expect(hour.t).toHaveLength(60);
    expect(hour.rps.slice(0, 55).every((r) => r > 0 && r < 5000)).toBe(true);
    expect(hour.rps.slice(55)).toEqual([12_345, 12_345, 12_345, 12_345, 12_345]);
    // The last 10 minutes at 1 s: derived, then the simulator's ticks, then the pushed ones.
    const recent = history.recent("auth", pushedFrom - 5 * MINUTE);
    expect(recent.t).toHaveLength(10 * 60);
    expect(recent.rps.filter((r) => r === 12_345)).toHaveLength(5 * 60);
  });
});
