import { describe, expect, it } from "vitest";
import { HISTOGRAM_BUCKETS, LatencyHistogram, SeqTracker, formatTable, quantile, rssPerClientKiB, summarizeWindow, type WindowReport } from "./stats";

function hist(values: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

describe("LatencyHistogram", () => {
  it("gives nearest-rank percentiles", () => {
    const h = hist(Array.from({ length: 100 }, (_, i) => i + 1)); // 1..100
    expect(h.percentile(0.5)).toBe(50);
    expect(h.percentile(0.99)).toBe(99);
    expect(h.percentile(1)).toBe(100);
    expect(h.percentile(0)).toBe(1);
    expect(h.max).toBe(100);
    expect(h.mean).toBeCloseTo(50.5);
  });

  it("lets one slow frame in a hundred set p99 only when it is more than 1 %", () => {
    const fast = Array.from({ length: 99 }, () => 3);
    expect(hist([...fast, 400]).percentile(0.99)).toBe(3);
    expect(hist([...fast, 400, 400]).percentile(0.99)).toBe(400);
  });

  it("is NaN when empty and rejects a quantile outside [0, 1]", () => {
    const h = new LatencyHistogram();
    expect(h.percentile(0.5)).toBeNaN();
    expect(h.mean).toBeNaN();
    expect(() => h.percentile(99)).toThrow(RangeError);
  });

  it("rounds to whole ms, clamps negative clock skew to 0, and keeps the exact max beyond the last bucket", () => {
    const h = hist([-2, 0.4, 1.6, HISTOGRAM_BUCKETS + 5_000]);
    expect(h.percentile(0.25)).toBe(0);
    expect(h.percentile(0.5)).toBe(0);
    expect(h.percentile(0.75)).toBe(2);
    expect(h.percentile(1)).toBe(HISTOGRAM_BUCKETS + 5_000);
    expect(h.max).toBe(HISTOGRAM_BUCKETS + 5_000);
  });

  it("merges and survives the sparse IPC round trip", () => {
    const a = hist([1, 2, 3]);
    const b = hist([10, 20]);
    const merged = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON()))).merge(LatencyHistogram.fromJSON(b.toJSON()));
    expect(merged.count).toBe(5);
    expect(merged.max).toBe(20);
    expect(merged.percentile(0.5)).toBe(3);
    expect(merged.mean).toBeCloseTo(36 / 5);
    expect(a.toJSON().buckets).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
  });
});

describe("SeqTracker", () => {
  it("counts skipped seqs between frames, not before the first one", () => {
    const t = new SeqTracker();
    expect(t.gap(7)).toBe(0);
    expect(t.gap(8)).toBe(0);
    expect(t.gap(11)).toBe(2);
    expect(t.gap(11)).toBe(0); // duplicate
    expect(t.gap(5)).toBe(0); // stale
    expect(t.gap(12)).toBe(0);
  });

  it("restarts after a snapshot without counting a gap", () => {
    const t = new SeqTracker();
    t.gap(1);
    t.reset(40);
    expect(t.gap(41)).toBe(0);
  });
});

describe("summarizeWindow", () => {
  const report = (over: Partial<WindowReport>): WindowReport => ({
    clients: 2,
    open: 2,
    received: 0,
    gapFrames: 0,
    resyncs: 0,
    minSeq: null,
    maxSeq: null,
    latency: new LatencyHistogram().toJSON(),
    cpuMs: 0,
    ...over,
  });

  it("derives published frames from the seq range all workers saw and counts every missing delivery as lost", () => {
    const s = summarizeWindow(
      [
        report({ received: 20, minSeq: 11, maxSeq: 20, latency: hist(Array(20).fill(4)).toJSON(), cpuMs: 100 }),
        report({ received: 19, minSeq: 12, maxSeq: 20, gapFrames: 1, latency: hist([...Array(18).fill(5), 90]).toJSON(), cpuMs: 50 }),
      ],
      4,
      10_000,
    );
    expect(s.published).toBe(10);
    expect(s.publishedPerSec).toBe(1);
    expect(s.delivered).toBe(39);
    expect(s.deliveredPerSec).toBeCloseTo(3.9);
    expect(s.lost).toBe(1);
    expect(s.gapFrames).toBe(1);
    expect(s.p50).toBe(4);
    expect(s.max).toBe(90);
    expect(s.clientCpuMs).toBe(150);
  });

  it("reports all frames of a silent client as lost", () => {
    const s = summarizeWindow([report({ received: 5, minSeq: 1, maxSeq: 5, latency: hist([1, 1, 1, 1, 1]).toJSON() }), report({})], 2, 5_000);
    expect(s.lost).toBe(5);
  });

  it("has no latency and no loss when nothing was published", () => {
    const s = summarizeWindow([report({})], 2, 1_000);
    expect(s.published).toBe(0);
    expect(s.lost).toBe(0);
    expect(s.p99).toBeNaN();
  });
});

describe("helpers", () => {
  it("takes nearest-rank quantiles of a small sample, agreeing with the histogram", () => {
    const xs = [0.4, 7.5, 2.25, 3, 12];
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.99)).toBe(12);
    expect(quantile(xs, 0)).toBe(0.4);
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(hist([1, 2, 3, 4]).percentile(0.5));
  });

  it("computes RSS growth per client", () => {
    expect(rssPerClientKiB(100_000, 150_000, 5_000)).toBe(10);
    expect(rssPerClientKiB(100_000, 150_000, 0)).toBeNaN();
  });

  it("formats a table with right-aligned numbers and thousands separators", () => {
    const t = formatTable(["system", "frames/s"], [["War Room", 10_000], ["Socket.IO", 95.25]]).split("\n");
    expect(t[0]).toBe("system     frames/s");
    expect(t[2]).toBe("War Room     10,000");
    expect(t[3]).toBe("Socket.IO      95.3");
  });
});
