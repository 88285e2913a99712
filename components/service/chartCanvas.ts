/**
 * Drawing of one time chart on a 2D canvas: grid, axes, drill areas, threshold lines,
 * incident markers and the data lines. Pure over its inputs (no React), so a live tick costs
 * one pass over ≤ 600 points per line instead of recharts' SVG tree (PITFALLS "recharts
 * with live data"). Geometry follows the recharts charts it replaces (components/service/SignalChart.tsx).
 */
import type { ChartSeries } from "./model";
import { placeMarkerLabel } from "./chartLabels";

export const CHART_HEIGHT = 220;
/** Plot area inside the canvas: the y axis labels on the left, the time labels below. */
export const PLOT = { left: 64, right: 12, top: 8, bottom: 30 } as const;
const AXIS_FONT = 12;
const LABEL_FONT = 11;
const MARKER_FONT = 10;
const MIN_TICK_GAP = 24;

export type DrawLine = { key: string; color: string; width: number; dash: number[] };
export type DrawThreshold = { y: number; color: string; label: string; above: boolean };
export type DrawArea = { x1: number; x2: number; label: string };
export type DrawMarker = { t: number; color: string; label?: string };

export type DrawInput = {
  width: number;
  series: ChartSeries;
  lines: readonly DrawLine[];
  domain: readonly [number, number];
  ticksX: readonly number[];
  ticksY: readonly number[];
  fmtX: (t: number) => string;
  fmtY: (v: number) => string;
  thresholds: readonly DrawThreshold[];
  drills: readonly DrawArea[];
  markers: readonly DrawMarker[];
};

/** Resolves `var(--name)` (or a plain colour) against the element's computed style. */
export type ColorOf = (css: string) => string;

export function colorResolver(el: Element): ColorOf {
  const style = getComputedStyle(el);
  const cache = new Map<string, string>();
  return (css) => {
    let c = cache.get(css);
    if (c === undefined) {
      const m = /^var\((--[\w-]+)\)$/.exec(css.trim());
      c = m ? style.getPropertyValue(m[1]).trim() || "#888" : css;
      cache.set(css, c);
    }
    return c;
  };
}

export const dashOf = (dash: string | undefined): number[] => (dash ? dash.split(/[\s,]+/).map(Number).filter((n) => n > 0) : []);

export function plotScale(width: number, domain: readonly [number, number], ticksY: readonly number[]) {
  const x0 = PLOT.left;
  const x1 = Math.max(x0 + 1, width - PLOT.right);
  const y0 = PLOT.top;
  const y1 = CHART_HEIGHT - PLOT.bottom;
  const top = ticksY[ticksY.length - 1] || 1;
  const span = domain[1] - domain[0] || 1;
  return {
    x0,
    x1,
    y0,
    y1,
    x: (t: number) => x0 + ((t - domain[0]) / span) * (x1 - x0),
    y: (v: number) => y1 - (v / top) * (y1 - y0),
    t: (px: number) => domain[0] + ((px - x0) / (x1 - x0)) * span,
  };
}

function text(ctx: CanvasRenderingContext2D, s: string, x: number, y: number, align: CanvasTextAlign, baseline: CanvasTextBaseline) {
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(s, x, y);
}

export function drawChart(ctx: CanvasRenderingContext2D, input: DrawInput, color: ColorOf, font: string) {
  const { width, series, lines, domain, ticksX, ticksY, fmtX, fmtY } = input;
  const sc = plotScale(width, domain, ticksY);
  ctx.clearRect(0, 0, width, CHART_HEIGHT);
  ctx.lineJoin = "round";

  // Grid and y labels.
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.strokeStyle = color("var(--color-chart-grid)");
  ctx.fillStyle = color("var(--color-chart-axis)");
  ctx.font = `${AXIS_FONT}px ${font}`;
  for (const v of ticksY) {
    const y = Math.round(sc.y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(sc.x0, y);
    ctx.lineTo(sc.x1, y);
    ctx.stroke();
    text(ctx, fmtY(v), sc.x0 - 8, y, "right", "middle");
  }
  // Time axis: labels that would crowd the previous one are skipped.
  ctx.strokeStyle = color("var(--color-line)");
  ctx.beginPath();
  ctx.moveTo(sc.x0, sc.y1 + 0.5);
  ctx.lineTo(sc.x1, sc.y1 + 0.5);
  ctx.stroke();
  let lastRight = -Infinity;
  for (const t of ticksX) {
    const x = sc.x(t);
    const label = fmtX(t);
    const w = ctx.measureText(label).width;
    if (x - w / 2 < lastRight + MIN_TICK_GAP || x + w / 2 > width) continue;
    text(ctx, label, x, sc.y1 + 9, "center", "top");
    lastRight = x + w / 2;
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(sc.x0, sc.y0, sc.x1 - sc.x0, sc.y1 - sc.y0);
  ctx.clip();
  drawAnnotations(ctx, input, sc, color, font);
  drawLines(ctx, series, lines, sc, color);
  drawMarkerLabels(ctx, input, sc, color, font);
  ctx.restore();
}

type Scale = ReturnType<typeof plotScale>;

function drawAnnotations(ctx: CanvasRenderingContext2D, input: DrawInput, sc: Scale, color: ColorOf, font: string) {
  const drill = color("var(--color-drill)");
  // Marker labels take the top row; drill labels start below them so the two never overprint.
  const firstRow = input.markers.some((m) => m.label) ? 14 : 0;
  input.drills.forEach((d, i) => {
    const xa = sc.x(d.x1);
    const xb = sc.x(d.x2);
    ctx.globalAlpha = 0.12;
    ctx.fillStyle = drill;
    ctx.fillRect(xa, sc.y0, xb - xa, sc.y1 - sc.y0);
    ctx.globalAlpha = 0.35;
    ctx.strokeStyle = drill;
    ctx.setLineDash([]);
    ctx.strokeRect(xa + 0.5, sc.y0 + 0.5, xb - xa - 1, sc.y1 - sc.y0 - 1);
    ctx.globalAlpha = 1;
    ctx.fillStyle = drill;
    ctx.font = `600 ${LABEL_FONT}px ${font}`;
    const offset = 6 + firstRow + 14 * (i % 4);
    text(ctx, d.label, Math.min(xb, sc.x1) - 6, sc.y0 + offset, "right", "top");
  });
  // Threshold labels on the left, drill labels on the right: they never collide.
  for (const th of input.thresholds) {
    const y = Math.round(sc.y(th.y)) + 0.5;
    if (y < sc.y0 || y > sc.y1) continue;
    const c = color(th.color);
    ctx.globalAlpha = 0.8;
    ctx.strokeStyle = c;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(sc.x0, y);
    ctx.lineTo(sc.x1, y);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = c;
    ctx.font = `600 ${LABEL_FONT}px ${font}`;
    // A label that has no room below its line (a threshold near zero) goes above it.
    const above = th.above || y + 5 + LABEL_FONT > sc.y1;
    text(ctx, th.label, sc.x0 + 5, above ? y - 5 : y + 5, "left", above ? "bottom" : "top");
  }
  for (const m of input.markers) {
    const x = Math.round(sc.x(m.t)) + 0.5;
    const c = color(m.color);
    ctx.globalAlpha = 0.75;
    ctx.strokeStyle = c;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x, sc.y0);
    ctx.lineTo(x, sc.y1);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  ctx.setLineDash([]);
}

/**
 * Marker labels last, over the data lines: beside their line on the side clear of drill bands
 * (components/service/chartLabels.ts), each on a chip of the card's colour so neither a band's
 * tint nor a line crosses the text.
 */
function drawMarkerLabels(ctx: CanvasRenderingContext2D, input: DrawInput, sc: Scale, color: ColorOf, font: string) {
  const bands = input.drills.map((d) => ({ xa: sc.x(d.x1), xb: sc.x(d.x2) }));
  ctx.font = `600 ${MARKER_FONT}px ${font}`;
  const surface = color("var(--color-surface)");
  for (const m of input.markers) {
    if (!m.label) continue;
    const x = Math.round(sc.x(m.t)) + 0.5;
    const w = ctx.measureText(m.label).width;
    const place = placeMarkerLabel(x, w + 6, { x0: sc.x0, x1: sc.x1 }, bands);
    const left = place.align === "right" ? place.x - w - 6 : place.x;
    ctx.globalAlpha = place.overBand ? 1 : 0.85;
    ctx.fillStyle = surface;
    ctx.fillRect(left, sc.y0 + 3, w + 6, MARKER_FONT + 5);
    ctx.globalAlpha = 1;
    ctx.fillStyle = color(m.color);
    text(ctx, m.label, left + 3, sc.y0 + 5, "left", "top");
  }
}

function drawLines(ctx: CanvasRenderingContext2D, series: ChartSeries, lines: readonly DrawLine[], sc: Scale, color: ColorOf) {
  const { t } = series;
  for (const l of lines) {
    const col = series.cols[l.key as keyof ChartSeries["cols"]];
    if (!col) continue;
    ctx.strokeStyle = color(l.color);
    ctx.lineWidth = l.width;
    ctx.setLineDash(l.dash);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < t.length; i++) {
      const v = col[i];
      if (Number.isNaN(v)) {
        pen = false;
        continue;
      }
      const x = sc.x(t[i]);
      const y = sc.y(v);
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** Index of the point nearest to time `at` (binary search over the sorted times), or -1. */
export function nearestIndex(t: Float64Array, at: number): number {
  if (t.length === 0) return -1;
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && at - t[lo - 1] < t[lo] - at ? lo - 1 : lo;
}

/*
 * One queue for every chart on the page: a tick that changes eight charts at once is drawn
 * over as many frames as it takes to keep each frame's drawing under DRAW_BUDGET_MS, the
 * newest data of a chart replacing its older pending draw.
 */
const DRAW_BUDGET_MS = 6;
const pending = new Map<object, () => void>();
let frame = 0;

function runDraws() {
  frame = 0;
  const start = performance.now();
  for (const [key, draw] of pending) {
    pending.delete(key);
    draw();
    if (performance.now() - start > DRAW_BUDGET_MS) break;
  }
  if (pending.size > 0) frame = requestAnimationFrame(runDraws);
}

export function scheduleDraw(key: object, draw: () => void) {
  pending.set(key, draw);
  if (!frame) frame = requestAnimationFrame(runDraws);
}

export function cancelDraw(key: object) {
  pending.delete(key);
}
