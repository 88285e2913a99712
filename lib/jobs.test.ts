import { describe, expect, it } from "vitest";
import { MAX_CATCH_UP, Scheduler, type Job, type Timers } from "./jobs";
import { createLogger } from "./log";
import { manualClock } from "./time";

/** Timers driven by the test: `fire()` runs whatever is due at the manual clock's time. */
function fakeTimers(clock: { now(): number }) {
  let id = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(++id, { at: clock.now() + ms, fn });
      return id;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  /** Runs due timers (and those they schedule that are due too) until none is due, letting each run's promise settle. */
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  const fire = async () => {
    await settle();
    for (;;) {
      const due = [...pending].filter(([, p]) => p.at <= clock.now()).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return;
      pending.delete(due[0]);
      due[1].fn();
      await settle();
    }
  };
  return { timers, fire, next: () => Math.min(...[...pending.values()].map((p) => p.at)) };
}

function setup(start = 10_500) {
  const clock = manualClock(start);
  const t = fakeTimers(clock);
  const runs: number[] = [];
  const job: Job = { name: "tick", everyMs: 1000, aligned: true, run: (at) => void runs.push(at) };
  const scheduler = new Scheduler({ clock, logger: createLogger("silent"), timers: t.timers });
  scheduler.start([job]);
  return { clock, runs, scheduler, ...t };
}

describe("Scheduler, aligned jobs", () => {
  it("runs at whole multiples of the interval, each with its own slot time", async () => {
    const { clock, runs, fire, next } = setup();
    expect(next()).toBe(11_000);
    clock.set(11_000);
    await fire();
    clock.set(12_000);
    await fire();
    expect(runs).toEqual([11_000, 12_000]);
  });

  it("never skips a tick when the loop is late: the missed slots run one by one, in order, with their own time", async () => {
    const { clock, runs, fire, next, scheduler } = setup();
    clock.set(11_000);
    await fire();
    // The event loop was blocked for 3.4 s: the timer for 12,000 fires at 14,400.
    clock.set(14_400);
    await fire();
    expect(runs).toEqual([11_000, 12_000, 13_000, 14_000]);
    expect(next()).toBe(15_000);
    expect(scheduler.stats()).toEqual({ late: 2, skipped: 0 });
  });

  it("a run still busy when its next slot comes delays that slot instead of dropping it", async () => {
    const clock = manualClock(10_500);
    const t = fakeTimers(clock);
    const runs: number[] = [];
    let release: () => void = () => {};
    const job: Job = {
      name: "tick",
      everyMs: 1000,
      aligned: true,
      run: (at) => {
        runs.push(at);
        if (at === 11_000) return new Promise<void>((r) => (release = r));
      },
    };
    new Scheduler({ clock, logger: createLogger("silent"), timers: t.timers }).start([job]);
    clock.set(11_000);
    await t.fire();
    clock.set(12_500); // 11,000 is still running when 12,000 is due
    await t.fire();
    expect(runs).toEqual([11_000]);
    release();
    await t.fire();
    expect(runs).toEqual([11_000, 12_000]);
  });

  it("after a clock jump of more than the catch-up limit it resumes at the current slot and counts what it gave up", async () => {
    const { clock, runs, fire, scheduler } = setup();
    clock.set(11_000);
    await fire();
    clock.set(11_000 + (MAX_CATCH_UP + 10) * 1000 + 300);
    await fire();
    // 12,000 fired late, then the scheduler saw it was far behind and jumped.
    expect(runs[1]).toBe(12_000);
    expect(runs.at(-1)).toBe(11_000 + (MAX_CATCH_UP + 10) * 1000);
    expect(runs.length).toBe(3);
    expect(scheduler.stats().skipped).toBe(MAX_CATCH_UP + 8);
  });

  it("a clock stepped back waits for the next slot after the new time, not for the length of the step", async () => {
    const clock = manualClock(10_500);
    const t = fakeTimers(clock);
    const runs: number[] = [];
    const job: Job = {
      name: "tick",
      everyMs: 1000,
      aligned: true,
      run: (at) => {
        runs.push(at);
        if (at === 11_000) clock.set(5_200); // NTP stepped the clock 5.8 s back during this run
      },
    };
    new Scheduler({ clock, logger: createLogger("silent"), timers: t.timers }).start([job]);
    clock.set(11_000);
    await t.fire();
    expect(t.next()).toBe(6_000);
    clock.set(6_000);
    await t.fire();
    expect(runs).toEqual([11_000, 6_000]);
  });

  it("stop() ends it: nothing runs afterwards", async () => {
    const { clock, runs, fire, scheduler } = setup();
    scheduler.stop();
    clock.set(20_000);
    await fire();
    expect(runs).toEqual([]);
  });
});
