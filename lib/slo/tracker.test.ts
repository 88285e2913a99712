import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
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
    await tracker.load(NOW, undefined, async (slos, from, to, step) => {
      calls.push({ from, to, step });
      const rows: { t: number; good: number; total: number }[] = [];
      // 1,000 events per span with 1 bad: a 99.9 % service, exactly on target.
      for (let t = from; t + step <= to; t += step) rows.push({ t, good: 999, total: 1000 });
      return slos.map(() => rows);
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
    const counted = async (slos: readonly SloConfig[], from: number, to: number, step: number) => {
      const rows: { t: number; good: number; total: number }[] = [];
      for (let t = from; t + step <= to; t += step) rows.push({ t, good: 10, total: 10 });
      return slos.map(() => rows);
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

const BACKENDS = [{ name: "SQLite", databaseUrl: undefined as string | undefined }, ...(process.env.DATABASE_URL ? [{ name: "PostgreSQL", databaseUrl: process.env.DATABASE_URL }] : [])];

describe.each(BACKENDS)("SloTracker with a source that derives its past (the simulator), on $name", ({ databaseUrl }) => {
  const pgSchema = `wr_tracker_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  afterEach(async () => {
    if (databaseUrl && store) await sql.raw(`drop schema if exists "${pgSchema}" cascade`).execute(store.db);
  });

  const deriver = {
    derives: (id: string) => id === "checkout",
    // 10 requests/s, 1 % of them 5xx, at any time.
    sample: (_id: string, times: readonly number[]) => times.map(() => ({ ...(Object.fromEntries(SIGNALS.map((s) => [s, 0])) as SignalValues), rps: 10, errorPct: 1, error5xxPct: 1 })),
  };

  it("counts the whole window before the first live minute without storing it, and a restart gives the same budget", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-tracker-"));
    store = await openStore(databaseUrl ? { databaseUrl, pgSchema, dataDir: dir } : { dataDir: dir });
    const m0 = Math.floor(NOW / MINUTE) * MINUTE;
    const first = new SloTracker({ store, slos: [slo] });
    await first.load(NOW, undefined, undefined, deriver);
    expect(await listSliCounts(store, slo.id, 0, NOW + 86400_000)).toEqual([]);
    const [atStart] = first.status(NOW);
    // Seven days of 10 requests/s, to the minute: every minute from the window's first one to now.
    const windowMinutes = (m0 - Math.ceil((NOW - 7 * 86400_000) / MINUTE) * MINUTE) / MINUTE;
    expect(atStart.total).toBeCloseTo(windowMinutes * 600, 6);
    expect(atStart.errorRatio).toBeCloseTo(0.01, 9);
    expect(atStart.burnRates["5m"]).toBeCloseTo(10, 6);
    expect(atStart.burnRates["3d"]).toBeCloseTo(10, 6);

    const v = deriver.sample("checkout", [0])[0];
    for (let k = 0; k <= 3; k++) await first.record(m0 + k * MINUTE, { checkout: v }, 60);
    await first.flush();
    const later = m0 + 3 * MINUTE;
    const before = first.status(later)[0];
    const restarted = new SloTracker({ store, slos: [slo] });
    await restarted.load(later, undefined, undefined, deriver);
    const after = restarted.status(later)[0];
    expect(after.total).toBeCloseTo(before.total, 6);
    expect(after.bad).toBeCloseTo(before.bad, 6);
    expect(after.burnRates).toEqual(before.burnRates);
    // Only the live minutes are stored.
    expect((await listSliCounts(store, slo.id, 0, later + MINUTE)).map((r) => r.start - m0)).toEqual([0, MINUTE, 2 * MINUTE, 3 * MINUTE]);

    // Down for half an hour: the gap is derived and stored, minute by minute.
    const back = later + 30 * MINUTE;
    await new SloTracker({ store, slos: [slo] }).load(back, undefined, undefined, deriver);
    const gap = await listSliCounts(store, slo.id, m0 + 4 * MINUTE, back);
    expect(gap).toHaveLength(29); // minutes 4 … 32: minute 3 was flushed at shutdown, 33 is open
    expect(gap.every((r) => r.spanMs === MINUTE && r.total === 600)).toBe(true);
  });
});

describe("derived SLO spans (lib/slo/derived.ts)", () => {
  it("tile the time before the anchor without a gap or overlap, finer towards the anchor", async () => {
    const { spanStarts } = await import("./derived");
    const anchor = Math.floor(NOW / MINUTE) * MINUTE;
    const from = anchor - 30 * 86400_000 + 7 * MINUTE + 30_000;
    const spans = spanStarts(from, anchor);
    expect(spans[0].start).toBe(Math.ceil(from / MINUTE) * MINUTE);
    spans.forEach((s, i) => i > 0 && expect(s.start).toBe(spans[i - 1].start + spans[i - 1].spanMs));
    expect(spans.at(-1)!.start + spans.at(-1)!.spanMs).toBe(anchor);
    // The last hour minute by minute (the 5m, 30m and 1h burn windows), few spans for 30 days.
    expect(spans.filter((s) => s.start >= anchor - 60 * MINUTE).every((s) => s.spanMs === MINUTE)).toBe(true);
    expect(spans.length).toBeLessThan(320);
  });
});
