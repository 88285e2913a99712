import { memo } from "react";

const W = 120;
const H = 32;

type Props = {
  t: readonly number[];
  v: readonly number[];
  /** Right edge (newest time) and width of the window, so all tiles share one time axis. */
  end: number;
  windowMs: number;
  /** Drawn as a dashed line and kept inside the vertical range. */
  threshold?: number;
  colorVar?: string;
  className?: string;
};

/**
 * Plain SVG polyline: a tile needs a shape, not axes, and a few hundred of these must
 * redraw every second without recharts' overhead.
 */
export const Sparkline = memo(function Sparkline({ t, v, end, windowMs, threshold, colorVar = "--color-chart-1", className }: Props) {
  const start = end - windowMs;
  let max = threshold !== undefined ? threshold * 1.15 : 0;
  for (let i = 0; i < v.length; i++) if (t[i] >= start && Number.isFinite(v[i]) && v[i] > max) max = v[i];
  if (max <= 0) max = 1;
  max *= 1.08;
  const x = (ts: number) => ((ts - start) / windowMs) * W;
  const y = (val: number) => H - (val / max) * H;

  const segments: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < v.length; i++) {
    if (t[i] < start) continue;
    if (!Number.isFinite(v[i])) {
      if (current.length) segments.push(current.join(" "));
      current = [];
      continue;
    }
    current.push(`${x(t[i]).toFixed(1)},${y(v[i]).toFixed(1)}`);
  }
  if (current.length) segments.push(current.join(" "));

  return (
    <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className={className} aria-hidden focusable="false">
      {threshold !== undefined && (
        <line
          x1={0}
          x2={W}
          y1={y(threshold)}
          y2={y(threshold)}
          stroke="var(--color-warn)"
          strokeOpacity={0.55}
          strokeDasharray="3 3"
          vectorEffect="non-scaling-stroke"
        />
      )}
      {segments.map((pts, i) => (
        <polyline
          key={i}
          points={pts}
          fill="none"
          stroke={`var(${colorVar})`}
          strokeWidth={1.5}
          strokeLinejoin="round"
          vectorEffect="non-scaling-stroke"
        />
      ))}
    </svg>
  );
});
