import { describe, expect, it } from "vitest";
import { SIGNALS, type SignalName } from "@/lib/signals/types";
import type { ServiceSnapshot } from "@/lib/signals/contract";
import { MAX_CHART_POINTS } from "@/lib/signals/range";
import { applyServiceEvent, chartFromHistory, chartFromLive, liveFromSnapshot, LIVE_WINDOW_MS } from "./model";
import { chartSummary } from "./summary";

const service = { id: "checkout", name: "Checkout", dependsOn: [], thresholds: { p99: { warn: 300, critical: 800 } } };

function snapshot(from: number, count: number, stepMs: number, value: (i: number) => number): ServiceSnapshot {
  const series = { t: [] as number[] } as ServiceSnapshot["series"];
  for (const s of SIGNALS) (series as Record<SignalName, number[]>)[s] = [];
  for (let i = 0; i < count; i++) {
    series.t.push(from + i * stepMs);
    for (const s of SIGNALS) (series as Record<SignalName, number[]>)[s].push(value(i));
  }
  return { service, series, drills: [] };
}

const point = (v: number) => Object.fromEntries(SIGNALS.map((s) => [s, v])) as Record<SignalName, number>;

describe("live chart buffer", () => {
  it("holds at most 600 points per series in fixed-length typed columns, newest last", () => {
    // 20 minutes at 1 s: more than the window and more than the cap.
    const live = liveFromSnapshot(snapshot(1_000_000, 1200, 1000, (i) => i), 1000);
    const chart = chartFromLive(live.series);
    expect(live.series.t).toBeInstanceOf(Float64Array);
    expect(live.series.t.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(chart.t.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(chart.t[chart.t.length - 1] - chart.t[0]).toBeLessThanOrEqual(LIVE_WINDOW_MS);
    // Buckets keep the worst value: the newest bucket holds the newest (largest) value.
    expect(chart.cols.p99![chart.t.length - 1]).toBe(1199);
  });

  it("a tick appends without touching the previous buffer, and a replayed tick is ignored", () => {
    const before = liveFromSnapshot(snapshot(1_000_000, 10, 2000, () => 5), 1000);
    const lenBefore = before.series.len;
    const after = applyServiceEvent(before, "tick", { t: 1_000_000 + 10 * 2000, point: point(50) });
    expect(after.series.len).toBe(lenBefore + 1);
    expect(before.series.len).toBe(lenBefore);
    expect(chartFromLive(after.series).cols.errorPct!.at(-1)).toBe(50);
    expect(applyServiceEvent(after, "tick", { t: 1_000_000, point: point(99) })).toBe(after);
  });

  it("missing values become gaps (NaN), in live and history columns", () => {
    const snap = snapshot(0, 3, 2000, () => 1);
    snap.series.p99[2] = Number.NaN;
    const live = chartFromLive(liveFromSnapshot(snap, 1000).series);
    expect(Array.from(live.cols.p99!)).toEqual([1, 1, Number.NaN]);
    const history = chartFromHistory({ ...snapshot(0, 3, 60_000, () => 2).series, rps: [1, Number.NaN, 3] });
    expect(Array.from(history.cols.rps!)).toEqual([1, Number.NaN, 3]);
  });
});

describe("chart summary", () => {
  it("says the current value, the peak and the thresholds, the charted signal first", () => {
    const t = Float64Array.from([1, 2, 3]);
    const series = { t, cols: { p95: Float64Array.from([100, 120, 110]), p99: Float64Array.from([200, 950, 410]) } };
    const text = chartSummary("Latency", series, [{ key: "p95" }, { key: "p99" }], "p99", [{ label: "p99 warn 300 ms" }, { label: "p99 critical 800 ms" }], false);
    expect(text).toBe("Latency: p99 now 410 ms, peak 950 ms; p95 now 110 ms, peak 120 ms; thresholds: p99 warn 300 ms, p99 critical 800 ms.");
  });

  it("says when a line has no data, and when the data is stale", () => {
    const series = { t: Float64Array.from([1, 2]), cols: { rps: Float64Array.from([Number.NaN, Number.NaN]) } };
    expect(chartSummary("Traffic", series, [{ key: "rps" }], "rps", [], true)).toBe("Traffic (stale data, not current): req/s no data; no threshold.");
  });
});
