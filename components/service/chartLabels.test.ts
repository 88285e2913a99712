import { describe, expect, it } from "vitest";
import { placeMarkerLabel } from "./chartLabels";

const plot = { x0: 50, x1: 1000 };

describe("marker labels", () => {
  it("sit left of their line when that side is clear", () => {
    expect(placeMarkerLabel(500, 80, plot, [])).toEqual({ x: 495, align: "right", overBand: false });
  });
  it("move to the right of the line rather than over a drill band", () => {
    // The band covers 420–498, where the left-hand label (415–495) would lie.
    expect(placeMarkerLabel(500, 80, plot, [{ xa: 420, xb: 498 }])).toEqual({ x: 505, align: "left", overBand: false });
  });
  it("stay inside the plot near its left edge", () => {
    expect(placeMarkerLabel(70, 80, plot, [])).toEqual({ x: 75, align: "left", overBand: false });
  });
  it("say when no side is clear, so the label is drawn on a chip", () => {
    expect(placeMarkerLabel(500, 80, plot, [{ xa: 300, xb: 700 }])).toEqual({ x: 495, align: "right", overBand: true });
  });
});
