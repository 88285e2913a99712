import { memo } from "react";

const W = 120;
const H = 32;

type Props = {
  t: readonly number[];
  v: readonly number[];
  /** Right edge (newest time) and width of the window, so all tiles share one time axis. */
  end: number;
  windowMs: number;
  /** Drawn as a dashed line when it falls inside the range of the data. */
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
  let hi = 0;
  for (let i = 0; i < v.length; i++) if (t[i] >= start && Number.isFinite(v[i]) && v[i] > hi) hi = v[i];
  // Zero baseline, and a top of at least half the threshold: normal noise stays a calm
  // line near the bottom, a real excursion climbs towards the dashed threshold.
  const lo = 0;
  const top = Math.max(hi * 1.1, (threshold ?? 0) * 0.5, 1e-9);
  const x = (ts: number) => ((ts - start) / windowMs) * W;
  const y = (val: number) => H - 1 - ((val - lo) / (top - lo)) * (H - 2);
  const showThreshold = threshold !== undefined && threshold <= top;

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
      {showThreshold && (
        <line
          x1={0}
          x2={W}
          y1={y(threshold as number)}
          y2={y(threshold as number)}
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
