/** The look shared by the time charts: the canvas tooltip (components/service/TimeCanvas.tsx) and the recharts SLO burn-down. */
export const GRID_STYLE = { stroke: "var(--color-chart-grid)" };
export const AXIS_LINE = { stroke: "var(--color-line)" };
export const TOOLTIP_STYLE = {
  background: "var(--color-surface-2)",
  border: "1px solid var(--color-line)",
  borderRadius: 8,
  fontSize: 12,
  fontVariantNumeric: "tabular-nums",
};
export const TOOLTIP_LABEL = { color: "var(--color-muted)", marginBottom: 4 };

/** Props of an X axis over epoch-ms `t`; spread into `<XAxis>` and add domain, ticks and format. */
export const TIME_X_AXIS = { dataKey: "t", type: "number", scale: "time", allowDataOverflow: true, axisLine: AXIS_LINE, tickLine: false } as const;
