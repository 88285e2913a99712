import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/store";
import { createLogger } from "../log";
import { SignalHistory } from "../signals/history";
import { MinuteRollup } from "../signals/rollup";
import { SIGNALS, type SignalValues } from "../signals/types";
import { KEPT_TICKS_BACKFILL_MS, backfillHistory, backfillOlderMinutes, backfillRecent, planBackfill } from "./backfill";
import { listSignalMinutes } from "../signals/repo";
import { DbMinuteStore } from "../signals/minute-store";
import type { MetricSource, TimedValues } from "./types";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3600_000;
/** Where the backfilled ticks begin, and the minute points end (the minute the first tick is in). */
const TICKS_FROM = NOW - KEPT_TICKS_BACKFILL_MS;
const MINUTES_TO = Math.floor(TICKS_FROM / 60_000) * 60_000;
const values = { ...(Object.fromEntries(SIGNALS.map((s) => [s, 1])) as SignalValues), rps: 5 };

let store: Store | null = null;
let dir = "";
afterEach(async () => {
  await store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A remote-like source (history kept, not derived) that records what it was asked for. */
function recordingSource(ids: string[]) {
  const minuteCalls: [number, number][] = [];
  const tickCalls: [number, number][] = [];
  const source: MetricSource = {
    kind: "fake",
    sampleAll: async () => Object.fromEntries(ids.map((id) => [id, values])),
    backfillMinutes: async (from, to, step = 60_000) => {
      minuteCalls.push([from, to]);
      const out: Record<string, TimedValues[]> = {};
      for (const id of ids) for (let t = from; t < to; t += step) (out[id] ??= []).push({ t, values });
      return out;
    },
    backfillTicks: async (from, to, step) => {
      tickCalls.push([from, to]);
      const out = [];
      for (let t = from; t < to; t += step) out.push({ t, values: Object.fromEntries(ids.map((id) => [id, values])) });
      return out;
    },
    status: () => ({ kind: "fake", state: "ok", lastSuccessAt: null }),
  };
  return { source, minuteCalls, tickCalls };
}

describe("start-up backfill of a kept history (Prometheus)", () => {
  it("asks in chunks, so a large estate never holds every point in objects at once, and still fills seven days and the last hour", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-backfill-"));
    store = await openStore({ dataDir: dir });
    const ids = ["a", "b"];
    const { source, minuteCalls, tickCalls } = recordingSource(ids);
    const history = new SignalHistory(ids, { secondsCapacity: 3600 });
    const last = await backfillHistory({ source, history, rollup: new MinuteRollup(), store, tickMs: 1000, logger: createLogger("silent"), services: 2 }, NOW);
    expect(last).toBe(NOW - 1000);
    expect(Math.max(...minuteCalls.map(([f, t]) => t - f))).toBeLessThanOrEqual(6 * HOUR);
    expect(Math.max(...tickCalls.map(([f, t]) => t - f))).toBeLessThanOrEqual(10 * 60_000);
    // Contiguous: ticks forwards (each chunk starts where the previous one ended), minutes backwards from the live hour.
    tickCalls.forEach(([f], i) => i > 0 && expect(f).toBe(tickCalls[i - 1][1]));
    minuteCalls.forEach(([, t], i) => i > 0 && expect(t).toBe(minuteCalls[i - 1][0]));
    // Up to and including the minute the ticks begin in (they hold only part of it).
    expect(minuteCalls[0][1]).toBe(MINUTES_TO + 60_000);
    expect(minuteCalls.at(-1)![0]).toBe(NOW - 7 * 24 * HOUR);
    expect(tickCalls[0][0]).toBe(TICKS_FROM);
    expect(tickCalls.at(-1)![1]).toBe(NOW);
    // Ticks for the sparkline window, minutes before them: an hour at 6 s steps is minute buckets until the ring holds an hour of live ticks.
    expect(history.recent("a", NOW - HOUR).t).toHaveLength(KEPT_TICKS_BACKFILL_MS / 1000);
    expect((await history.query("a", NOW - HOUR, NOW, 6)).t).toHaveLength(60);
    expect((await history.query("b", NOW - 7 * 24 * HOUR, NOW, 1800)).t).toHaveLength(7 * 48);
  });

  it("fills the week of minutes after the war room is live: live ticks already recorded stay, and the store gets every minute once", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-backfill-"));
    store = await openStore({ dataDir: dir });
    const ids = ["a", "b"];
    const { source } = recordingSource(ids);
    const history = new SignalHistory(ids, { secondsCapacity: 3600 });
    const rollup = new MinuteRollup();
    const target = { source, history, rollup, store, tickMs: 1000, logger: createLogger("silent"), services: 2 };
    const plan = await planBackfill(target, NOW);
    expect(await backfillRecent(target, plan)).toBe(NOW - 1000);
    // Live: five minutes of ticks arrive before the older minutes do.
    const live = { ...values, rps: 40 };
    for (let t = NOW; t < NOW + 5 * 60_000; t += 1000) for (const id of ids) history.record(id, t, live);
    const minutesBefore = (await history.query("a", NOW - 7 * 24 * HOUR, NOW + 5 * 60_000, 3600)).t.length;
    expect(minutesBefore).toBe(2); // the backfilled ticks and the five live minutes, in 1-hour buckets
    await backfillOlderMinutes(target, plan);
    const week = await history.query("a", NOW - 7 * 24 * HOUR, NOW + 5 * 60_000, 3600);
    expect(week.t).toHaveLength(7 * 24 + 1);
    expect(week.t[0]).toBe(NOW - 7 * 24 * HOUR);
    expect(week.rps.at(-1)).toBe(40);
    expect(history.recent("b", NOW).rps.every((v) => v === 40)).toBe(true);
    // The week before the backfilled ticks is stored exactly once per minute.
    const stored = await listSignalMinutes(store, ["a"], NOW - 7 * 24 * HOUR, MINUTES_TO);
    expect(stored).toHaveLength((MINUTES_TO - (NOW - 7 * 24 * HOUR)) / 60_000);
    // Stopped (shutdown) before it began: it asks for nothing and writes nothing.
    const again = recordingSource(ids);
    await backfillOlderMinutes({ ...target, source: again.source }, plan, () => true);
    expect(again.minuteCalls).toEqual([]);
  });
  it("after a restart asks the source only for the downtime (in the war room's order: the recent ticks first), the whole week of a service it never asked for, and nothing of a push-fed one", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-backfill-"));
    store = await openStore({ dataDir: dir });
    const s = store;
    const target = (ids: string[], source: MetricSource) => ({ source, history: new SignalHistory(ids, { secondsCapacity: 3600, minutes: new DbMinuteStore(s) }), rollup: new MinuteRollup(), store: s, tickMs: 1000, logger: createLogger("silent"), services: ids.length, pulled: (id: string) => id !== "p" });
    const start = async (t: ReturnType<typeof target>, at: number) => {
      const plan = await planBackfill(t, at);
      await backfillRecent(t, plan);
      await backfillOlderMinutes(t, plan);
      return plan;
    };
    const first = target(["a", "b", "p"], recordingSource(["a", "b"]).source);
    await start(first, NOW);
    // "p" is push-fed: ten pushed minutes, the newest an hour ago.
    const pushed = Array.from({ length: 10 }, (_, m) => ({ service: "p", start: NOW - HOUR - m * 60_000, values }));
    await first.history.writeMinutes(pushed);

    // Down for half an hour.
    const later = NOW + 30 * 60_000;
    const again = recordingSource(["a", "b"]);
    const second = target(["a", "b", "p"], again.source);
    const plan = await start(second, later);
    // From the newest minute stored before (11:58, the last one the ticks closed: asked again, it may be partial) to the minute the new ticks begin in.
    expect(again.minuteCalls).toEqual([[NOW - 2 * 60_000, plan.minutesTo + 60_000]]);
    // Every minute of the downtime is there.
    const downtime = await second.history.query("a", NOW, later - 3 * 60_000, 60);
    expect(downtime.t).toEqual(Array.from({ length: 28 }, (_, m) => NOW + m * 60_000));
    const week = await second.history.query("a", later - 7 * 24 * HOUR, plan.minutesTo, 3600);
    expect(week.t).toHaveLength(7 * 24 + 1);
    // Hour buckets: the first holds 12:30–12:59 of a week ago, the last the minutes up to the backfilled ticks.
    expect(week.t[0]).toBe(NOW - 7 * 24 * HOUR);
    expect(week.t.at(-1)).toBe(NOW);
    expect((await second.history.query("p", NOW - 2 * HOUR, NOW, 60)).t).toEqual(pushed.map((m) => m.start).reverse());

    const grown = recordingSource(["a", "b", "c"]);
    const third = target(["a", "b", "c", "p"], grown.source);
    const grownPlan = await start(third, later);
    expect(grown.minuteCalls.at(-1)![0]).toBe(grownPlan.minutesFrom);
    expect((await third.history.query("c", later - 7 * 24 * HOUR, grownPlan.minutesTo, 3600)).t).toHaveLength(7 * 24 + 1);
  });
});
