/**
 * Where a marker's label goes (components/service/chartCanvas.ts). Beside its line in the top
 * row, on whichever side keeps it inside the plot and off every drill band: a label laid over a
 * band's tint, or over the band's own label, was unreadable (issue #16). When no side is clear
 * of bands, the side inside the plot wins and the label is drawn on an opaque chip.
 */
export type Band = { xa: number; xb: number };
export type LabelPlace = { x: number; align: "left" | "right"; overBand: boolean };

const GAP = 5;

export function placeMarkerLabel(x: number, width: number, plot: { x0: number; x1: number }, bands: readonly Band[]): LabelPlace {
  type Side = { x: number; align: "left" | "right"; from: number; to: number };
  const left: Side = { x: x - GAP, align: "right", from: x - GAP - width, to: x - GAP };
  const right: Side = { x: x + GAP, align: "left", from: x + GAP, to: x + GAP + width };
  const inside = (s: Side) => s.from >= plot.x0 && s.to <= plot.x1;
  const clear = (s: Side) => bands.every((b) => s.to <= b.xa || s.from >= b.xb);
  for (const s of [left, right]) if (inside(s) && clear(s)) return { x: s.x, align: s.align, overBand: false };
  const s = inside(left) ? left : inside(right) ? right : left;
  return { x: s.x, align: s.align, overBand: !clear(s) };
}
