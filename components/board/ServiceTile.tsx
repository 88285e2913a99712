"use client";

import { memo, useMemo } from "react";
import Link from "next/link";
import clsx from "clsx";
import type { PointValues, ServiceInfo } from "@/lib/signals/contract";
import { serviceStates } from "@/lib/signals/state";
import { SIGNAL_META, type SignalName, type SignalState } from "@/lib/signals/types";
import { formatMs, formatPct, formatRps, formatSignal } from "@/lib/signals/format";
import { Sparkline } from "@/components/ui/Sparkline";
import { StateMark, StatePill, STATE_UI, type DisplayState } from "@/components/ui/state";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { ValueWithUnit } from "@/components/ui/ValueWithUnit";
import { fitFontSize } from "@/components/ui/fitText";
import { SPARK_WINDOW_MS, type Spark } from "./model";

type Props = {
  info: ServiceInfo;
  values: PointValues | null;
  spark: Spark | undefined;
  /** Newest tick time: the right edge of every sparkline. */
  end: number | null;
  stale: boolean;
  drilled: boolean;
  /** On screen (components/board/useVisible.ts): off screen a tile keeps its last render. */
  live: boolean;
  /** The service's state (components/board/groups.ts): off screen, the only change that re-renders it. */
  state: string;
  compact: boolean;
  observe: (el: Element | null) => (() => void) | undefined;
};

const HIDDEN_SIGNALS: SignalName[] = ["p50", "p95", "p999", "error5xxPct", "memPct", "poolPct"];

const ACCENT: Record<DisplayState, string> = {
  ok: "border-l-line",
  warn: "border-l-warn",
  critical: "border-l-critical",
  stale: "border-l-stale/50",
  unknown: "border-l-line",
};

function Metric({
  label,
  value,
  state,
  stale,
  testId,
  children,
}: {
  label: string;
  value: string;
  state: SignalState | null;
  stale: boolean;
  testId?: string;
  children?: React.ReactNode;
}) {
  const breach = !stale && state && state !== "ok";
  return (
    <div className="@container min-w-0">
      <div className="flex items-center gap-1.5 text-[0.7rem] font-semibold tracking-wider text-muted uppercase">
        {label}
        {breach && <StateMark state={state} compact />}
      </div>
      <div
        data-testid={testId}
        data-tile-figure
        // The type follows the column's width (cqi), so "0.04 %" is never cut to "0.0…" on a narrow tile.
        style={{ fontSize: fitFontSize(value) }}
        className={clsx(
          "num truncate leading-tight font-semibold",
          stale ? "text-stale opacity-60" : breach ? STATE_UI[state].text : "text-fg",
        )}
      >
        <ValueWithUnit text={value} />
      </div>
      <div className={stale ? "opacity-40 grayscale" : undefined}>{children}</div>
    </div>
  );
}

/** Off screen, only what changes its place or look from afar (state, staleness, drills) re-renders it. */
function sameForViewer(a: Props, b: Props): boolean {
  if (a.info !== b.info || a.state !== b.state || a.live !== b.live || a.compact !== b.compact || a.stale !== b.stale || a.drilled !== b.drilled) return false;
  if (!b.live) return true;
  return a.values === b.values && a.spark === b.spark && a.end === b.end;
}

/** One service on the board; the whole tile opens the service page. */
export const ServiceTile = memo(function ServiceTile(props: Props) {
  return props.compact ? <CompactTile {...props} /> : <FullTile {...props} />;
}, sameForViewer);

function Mark({ display }: { display: DisplayState }) {
  const ui = STATE_UI[display];
  return <ui.Icon aria-label={ui.label} role="img" className={clsx("size-4 shrink-0", ui.text)} strokeWidth={2.5} />;
}

/** Wall-screen density: one line per service, no sparklines. */
function CompactTile({ info, values, stale, drilled, observe }: Props) {
  const states = values ? serviceStates(values, info.thresholds ?? {}) : null;
  const display: DisplayState = !states ? "unknown" : stale ? "stale" : states.state;
  const v = (n: SignalName, f: (x: number) => string) => (values ? f(values[n]) : "—");
  const tone = (n: SignalName) => (!stale && states && states.signals[n] !== "ok" ? STATE_UI[states.signals[n]].text : stale ? "text-stale" : "text-fg");
  return (
    <article
      ref={observe}
      data-service-id={info.id}
      aria-label={info.name}
      className={clsx("rounded-lg border border-l-4 border-line bg-surface [contain-intrinsic-size:auto_3.5rem] [content-visibility:auto] hover:bg-surface-2", ACCENT[display])}
    >
      <Link href={`/services/${encodeURIComponent(info.id)}`} className="flex items-center gap-2 rounded-lg px-2.5 py-1.5">
        <Mark display={display} />
        <span className="min-w-0 flex-1 truncate text-sm font-semibold text-fg">{info.name}</span>
        {drilled && <DrillBadge label="DRILL" />}
        <span data-testid="tile-p99" className={clsx("num text-sm font-semibold", tone("p99"))}>{v("p99", formatMs)}</span>
        <span className={clsx("num w-14 text-right text-xs", tone("errorPct"))}>{v("errorPct", formatPct)}</span>
      </Link>
    </article>
  );
}

function FullTile({ info, values, spark, end, stale, drilled, observe }: Props) {
  const states = useMemo(() => (values ? serviceStates(values, info.thresholds ?? {}) : null), [values, info.thresholds]);
  const display: DisplayState = !states ? "unknown" : stale ? "stale" : states.state;
  const s = (n: SignalName) => states?.signals[n] ?? null;
  const v = (n: SignalName, f: (x: number) => string) => (values ? f(values[n]) : "—");
  // Signals without a column on the tile still must not breach silently.
  const others = !states || stale ? [] : HIDDEN_SIGNALS.filter((n) => states.signals[n] !== "ok");
  const sparkProps = spark && end !== null ? { t: spark.t, end, windowMs: SPARK_WINDOW_MS } : null;

  return (
    <article
      ref={observe}
      data-service-id={info.id}
      aria-label={info.name}
      className={clsx(
        "rounded-xl border border-l-4 border-line bg-surface [contain-intrinsic-size:auto_9.5rem] [content-visibility:auto] hover:border-muted/60 hover:bg-surface-2",
        ACCENT[display],
      )}
    >
      <Link href={`/services/${encodeURIComponent(info.id)}`} className="block rounded-xl p-4 focus-visible:outline-offset-[-2px] kiosk:p-3.5">
        <div className="mb-3 flex items-start justify-between gap-3 kiosk:mb-2">
          <div className="min-w-0">
            <h3 className="truncate text-lg leading-tight font-semibold text-fg">{info.name}</h3>
            {/* One line either way, so tiles never change height while the call watches them. */}
            {others.length > 0 ? (
              <p className="flex items-center gap-2 truncate text-xs">
                <span className="text-muted">also</span>
                {others.slice(0, 2).map((n) => (
                  <span key={n} className={clsx("num inline-flex items-center gap-1 font-semibold", STATE_UI[states!.signals[n]].text)}>
                    <StateMark state={states!.signals[n]} compact />
                    {SIGNAL_META[n].short} {formatSignal(n, values![n])}
                  </span>
                ))}
                {others.length > 2 && <span className="text-muted">+{others.length - 2}</span>}
              </p>
            ) : (
              <p className="truncate text-xs text-faint">{info.team ?? "\u00a0"}</p>
            )}
          </div>
          <div className="flex shrink-0 items-center gap-2">
            {drilled && <DrillBadge iconInKiosk />}
            <StatePill state={display} />
          </div>
        </div>
        {/* Kiosk tiles are ~19rem: tighter gaps and a wider Errors column keep "ERRORS" and its mark clear of CPU. */}
        <div className="grid grid-cols-[1fr_1.3fr_1fr_0.7fr] gap-3 kiosk:grid-cols-[1fr_1.2fr_1.2fr_0.6fr] kiosk:gap-2">
          <Metric label="p99" value={v("p99", formatMs)} state={s("p99")} stale={stale} testId="tile-p99">
            {sparkProps && (
              <Sparkline {...sparkProps} v={spark!.p99} threshold={info.thresholds?.p99?.warn} className="mt-1 h-8 w-full" />
            )}
          </Metric>
          <Metric label="Traffic" value={v("rps", formatRps)} state={s("rps")} stale={stale} testId="tile-rps">
            {sparkProps && <Sparkline {...sparkProps} v={spark!.rps} colorVar="--color-chart-3" className="mt-1 h-8 w-full" />}
          </Metric>
          <Metric label="Errors" value={v("errorPct", formatPct)} state={s("errorPct")} stale={stale}>
            {sparkProps && (
              <Sparkline
                {...sparkProps}
                v={spark!.errorPct}
                threshold={info.thresholds?.errorPct?.warn}
                colorVar="--color-chart-2"
                className="mt-1 h-8 w-full"
              />
            )}
          </Metric>
          <Metric label="CPU" value={v("cpuPct", formatPct)} state={s("cpuPct")} stale={stale}>
            {values && (
              <div className="mt-1 flex h-8 items-center" aria-hidden>
                <div className="h-1.5 w-full overflow-hidden rounded-full bg-surface-2">
                  <div
                    className={clsx(
                      "h-full rounded-full",
                      stale ? "bg-stale/50" : s("cpuPct") === "critical" ? "bg-critical" : s("cpuPct") === "warn" ? "bg-warn" : "bg-chart-4",
                    )}
                    style={{ width: `${Math.max(0, Math.min(100, values.cpuPct))}%` }}
                  />
                </div>
              </div>
            )}
          </Metric>
        </div>
      </Link>
    </article>
  );
}
