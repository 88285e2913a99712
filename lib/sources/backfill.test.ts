import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/store";
import { createLogger } from "../log";
import { SignalHistory } from "../signals/history";
import { MinuteRollup } from "../signals/rollup";
import { SIGNALS, type SignalValues } from "../signals/types";
import { backfillHistory } from "./backfill";
import type { MetricSource, TimedValues } from "./types";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3600_000;
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
    // Contiguous: each chunk starts where the previous one ended.
    for (const calls of [minuteCalls, tickCalls]) calls.forEach(([f], i) => i > 0 && expect(f).toBe(calls[i - 1][1]));
    expect(minuteCalls[0][0]).toBe(NOW - 7 * 24 * HOUR);
    expect(tickCalls[0][0]).toBe(NOW - HOUR);
    expect(tickCalls.at(-1)![1]).toBe(NOW);
    expect(history.recent("a", NOW - HOUR).t).toHaveLength(3600);
    expect(history.query("b", NOW - 7 * 24 * HOUR, NOW, 1800).t).toHaveLength(7 * 48);
  });
});
