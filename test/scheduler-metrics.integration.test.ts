import { afterEach, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers";

/**
 * Issue #15 item 4 ("never skip a tick; a late tick catches up"): an operator sees on /metrics how
 * often the scheduler (lib/jobs.ts) ran a slot late and caught up, and whether it ever gave slots
 * up. lib/jobs.test.ts checks the catching up itself with injected timers; this checks that a real
 * server, whose event loop is held past two tick slots, reports it.
 */
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const counter = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? NaN);
const metrics = async (base: string) => (await fetch(`${base}/metrics`)).text();

describe("scheduler figures on /metrics", () => {
  it("counts ticks that ran late and were caught up, and no skipped slot", async () => {
    const ctx = await startTestServer({ realTime: true });
    dispose = ctx.dispose;
    const base = ctx.server.url;
    const before = await metrics(base);
    expect(counter(before, "warroom_scheduler_skipped_slots_total")).toBe(0);
    const late0 = counter(before, "warroom_scheduler_late_slots_total");
    expect(late0).toBeGreaterThanOrEqual(0);
    // Hold the event loop for 2.5 tick slots (1 s each), as a long GC or a blocked loop would.
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      // busy: no timer can fire meanwhile
    }
    await expect.poll(async () => counter(await metrics(base), "warroom_scheduler_late_slots_total"), { timeout: 10_000 }).toBeGreaterThan(late0);
    expect(counter(await metrics(base), "warroom_scheduler_skipped_slots_total")).toBe(0);
  });
});
