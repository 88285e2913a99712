import { afterEach, describe, expect, it, vi } from "vitest";
import { cancelDraw, dashOf, nearestIndex, plotScale, PLOT, scheduleDraw } from "./chartCanvas";

describe("draw queue", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  function fakeFrames() {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => clock);
    const runFrame = () => frames.shift()?.(clock);
    return { frames, runFrame, spend: (ms: number) => (clock += ms) };
  }

  it("spreads eight slow draws over frames, at most ~6 ms of drawing in each", () => {
    const f = fakeFrames();
    const drawn: number[] = [];
    const keys = Array.from({ length: 8 }, () => ({}));
    keys.forEach((k, i) => scheduleDraw(k, () => (drawn.push(i), f.spend(4))));
    expect(f.frames).toHaveLength(1); // one frame requested for all of them
    f.runFrame();
    expect(drawn).toEqual([0, 1]); // 4 ms, then 8 ms > budget: the rest waits
    f.runFrame();
    f.runFrame();
    f.runFrame();
    expect(drawn).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(f.frames).toHaveLength(0);
  });

  it("draws a chart once per frame with its newest data, and not at all once cancelled", () => {
    const f = fakeFrames();
    const a = {};
    const b = {};
    const drawn: string[] = [];
    scheduleDraw(a, () => drawn.push("a1"));
    scheduleDraw(a, () => drawn.push("a2"));
    scheduleDraw(b, () => drawn.push("b"));
    cancelDraw(b);
    f.runFrame();
    expect(drawn).toEqual(["a2"]);
  });
});

describe("chart geometry", () => {
  it("maps the window and the y ticks onto the plot area and back", () => {
    const sc = plotScale(600, [1000, 2000], [0, 50, 100]);
    expect(sc.x(1000)).toBe(PLOT.left);
    expect(sc.x(2000)).toBe(600 - PLOT.right);
    expect(sc.y(0)).toBe(sc.y1);
    expect(sc.y(100)).toBe(sc.y0);
    expect(sc.t(sc.x(1500))).toBeCloseTo(1500);
  });

  it("finds the point nearest to a time", () => {
    const t = Float64Array.from([0, 10, 20, 30]);
    expect(nearestIndex(t, -5)).toBe(0);
    expect(nearestIndex(t, 14)).toBe(1);
    expect(nearestIndex(t, 16)).toBe(2);
    expect(nearestIndex(t, 99)).toBe(3);
    expect(nearestIndex(new Float64Array(0), 5)).toBe(-1);
  });

  it("reads SVG dash patterns", () => {
    expect(dashOf("4 3")).toEqual([4, 3]);
    expect(dashOf(undefined)).toEqual([]);
  });
});
