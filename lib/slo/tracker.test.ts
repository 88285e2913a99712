import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/store";
import { listSliCounts } from "./repo";
import { SloTracker } from "./tracker";
import { SloSchema, type SloConfig } from "./schema";
import { StoreUnavailable } from "../errors";
import { SIGNALS, type SignalValues } from "../signals/types";

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 30);
const slo: SloConfig = SloSchema.parse({ id: "checkout-availability", service: "checkout", name: "Checkout availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "7d" });

let store: Store | null = null;
let dir = "";
afterEach(async () => {
  await store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("SloTracker with a source that counts events (Prometheus increase)", () => {
  it("fills the window from counted spans: coarse before the burn windows, per minute after, and the budget adds up", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-tracker-"));
    store = await openStore({ dataDir: dir });
    const calls: { from: number; to: number; step: number }[] = [];
    const tracker = new SloTracker({ store, slos: [slo] });
    await tracker.load(NOW, undefined, async (_slo, from, to, step) => {
      calls.push({ from, to, step });
      const rows = [];
      // 1,000 events per span with 1 bad: a 99.9 % service, exactly on target.
      for (let t = from; t + step <= to; t += step) rows.push({ t, good: 999, total: 1000 });
      return rows;
    });
    // Minutes up to a 10-minute boundary, 10-minute spans up to the burn windows, then minutes up to now; contiguous.
    expect(calls.map((c) => c.step)).toEqual([MINUTE, 10 * MINUTE, MINUTE]);
    expect(calls[0].to).toBe(calls[1].from);
    expect(calls[1].to).toBe(calls[2].from);
    expect(calls[2].to).toBe(Math.floor(NOW / MINUTE) * MINUTE);
    const rows = await listSliCounts(store, slo.id, 0, NOW);
    const coarse = rows.filter((r) => r.spanMs === 10 * MINUTE).length;
    const fine = rows.filter((r) => r.spanMs === MINUTE).length;
    expect(coarse).toBe((calls[1].to - calls[1].from) / (10 * MINUTE));
    expect(fine).toBe((calls[0].to - calls[0].from + calls[2].to - calls[2].from) / MINUTE);
    const [status] = tracker.status(NOW);
    expect(status.total).toBe((coarse + fine) * 1000);
    expect(status.bad).toBeCloseTo((coarse + fine) * 1, 6);
    // Exactly on target: the whole budget of the traffic seen is spent.
    expect(status.budgetConsumed).toBeCloseTo(1, 9);
  });

  it("asks only for the time the store lacks after a restart", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-tracker-"));
    store = await openStore({ dataDir: dir });
    const counted = async (_s: SloConfig, from: number, to: number, step: number) => {
      const rows = [];
      for (let t = from; t + step <= to; t += step) rows.push({ t, good: 10, total: 10 });
      return rows;
    };
    await new SloTracker({ store, slos: [slo] }).load(NOW, undefined, counted);
    const later = NOW + 30 * MINUTE;
    const calls: { from: number; to: number; step: number }[] = [];
    await new SloTracker({ store, slos: [slo] }).load(later, undefined, async (s, from, to, step) => {
      calls.push({ from, to, step });
      return counted(s, from, to, step);
    });
    // Down for 30 minutes: only those minutes, at one-minute spans.
    expect(calls).toEqual([{ from: Math.floor(NOW / MINUTE) * MINUTE, to: Math.floor(later / MINUTE) * MINUTE, step: MINUTE }]);
  });
});

describe("SloTracker while the store cannot be reached", () => {
  it("keeps the minutes the store refused and writes them with the next one, so the budget loses nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-tracker-"));
    store = await openStore({ dataDir: dir });
    let down = false;
    const real = store.db;
    // Every SLI write goes through one transaction (lib/slo/repo.ts); an unreachable database refuses it.
    const db = new Proxy(real, {
      get(target, prop) {
        if (prop === "transaction" && down) return () => ({ execute: () => Promise.reject(new StoreUnavailable()) });
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const tracker = new SloTracker({ store: { ...store, db }, slos: [slo] });
    const start = Math.floor(NOW / MINUTE) * MINUTE;
    await tracker.load(start);
    const values = { ...(Object.fromEntries(SIGNALS.map((s) => [s, 0])) as SignalValues), rps: 10, errorPct: 1 };
    const tick = (t: number) => tracker.record(t, { checkout: values }, 1);
    await tick(start);
    down = true;
    await expect(tick(start + MINUTE)).rejects.toBeInstanceOf(StoreUnavailable); // closes minute 0
    await expect(tick(start + 2 * MINUTE)).rejects.toBeInstanceOf(StoreUnavailable); // closes minute 1
    expect(await listSliCounts(store, slo.id, 0, start + 10 * MINUTE)).toEqual([]);
    down = false;
    await tick(start + 3 * MINUTE); // closes minute 2, and writes 0 and 1 with it
    const rows = await listSliCounts(store, slo.id, 0, start + 10 * MINUTE);
    expect(rows.map((r) => [r.start - start, r.total])).toEqual([
      [0, 10],
      [MINUTE, 10],
      [2 * MINUTE, 10],
    ]);
    const [status] = tracker.status(start + 3 * MINUTE);
    expect(status.total).toBe(40); // three stored minutes and the open one
  });
});
