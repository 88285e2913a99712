"use client";

import { useEffect, useRef, useState } from "react";
import { TOOLTIP_LABEL, TOOLTIP_STYLE } from "@/components/ui/chartStyle";
import { cancelDraw, CHART_HEIGHT, colorResolver, drawChart, nearestIndex, plotScale, scheduleDraw, type ColorOf, type DrawInput } from "./chartCanvas";

export type HoverLine = { key: string; name: string; color: string };

type Props = {
  input: Omit<DrawInput, "width">;
  /** Names and colours for the hover read-out, in legend order. */
  hoverLines: readonly HoverLine[];
  fmtTime: (t: number) => string;
  fmtValue: (v: number) => string;
  dimmed?: boolean;
};

/**
 * The canvas of one chart. Redraws at most once per animation frame, whatever number of
 * prop changes or resizes arrived in it, through the page's draw queue (chartCanvas.ts
 * scheduleDraw); the hover read-out is HTML over the canvas, so
 * moving the pointer never repaints the lines.
 */
export function TimeCanvas({ input, hoverLines, fmtTime, fmtValue, dimmed }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const looks = useRef<{ color: ColorOf; font: string } | null>(null);
  const [width, setWidth] = useState(0);
  const [hoverX, setHoverX] = useState<number | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0].contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    scheduleDraw(el, () => {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(width * dpr);
      const h = Math.round(CHART_HEIGHT * dpr);
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
      }
      const ctx = el.getContext("2d");
      if (!ctx) return;
      // Colours and font are read once: getComputedStyle in every frame would force a style recalculation.
      looks.current ??= { color: colorResolver(el), font: getComputedStyle(el).fontFamily };
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawChart(ctx, { ...input, width }, looks.current.color, looks.current.font);
    });
  }, [input, width]);

  useEffect(() => {
    const el = canvas.current;
    return () => {
      if (el) cancelDraw(el);
    };
  }, []);

  const { series, domain, ticksY } = input;
  const sc = plotScale(width, domain, ticksY);
  let hover: { i: number; x: number } | null = null;
  if (hoverX !== null && hoverX >= sc.x0 && hoverX <= sc.x1) {
    const i = nearestIndex(series.t, sc.t(hoverX));
    if (i >= 0) hover = { i, x: sc.x(series.t[i]) };
  }

  return (
    <div
      ref={wrap}
      className="relative"
      style={{ height: CHART_HEIGHT, opacity: dimmed ? 0.55 : 1 }}
      onPointerMove={(e) => setHoverX(e.clientX - e.currentTarget.getBoundingClientRect().left)}
      onPointerLeave={() => setHoverX(null)}
    >
      <canvas ref={canvas} data-points={series.t.length} aria-hidden className="absolute inset-0 h-full w-full" />
      {hover && (
        <>
          <div aria-hidden className="pointer-events-none absolute w-px bg-line" style={{ left: hover.x, top: sc.y0, height: sc.y1 - sc.y0 }} />
          <div
            role="status"
            className="pointer-events-none absolute z-10 px-2.5 py-2 whitespace-nowrap"
            style={{ ...TOOLTIP_STYLE, top: sc.y0 + 4, ...(hover.x > width / 2 ? { right: width - hover.x + 10 } : { left: hover.x + 10 }) }}
          >
            <div style={TOOLTIP_LABEL}>{fmtTime(series.t[hover.i])}</div>
            {hoverLines.map((l) => {
              const v = series.cols[l.key as keyof typeof series.cols]?.[hover.i];
              return (
                <div key={l.key} style={{ color: l.color }}>
                  {l.name} : {v === undefined || Number.isNaN(v) ? "—" : fmtValue(v)}
                </div>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}
