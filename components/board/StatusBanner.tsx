"use client";

import type { ReactNode } from "react";
import clsx from "clsx";
import { BudgetSummary } from "@/components/slo/BudgetSummary";
import type { SourceStatus } from "@/lib/signals/contract";
import type { Threshold } from "@/lib/signals/types";
import { SIGNAL_META } from "@/lib/signals/types";
import { formatAge, formatDuration, formatMs, formatPct, formatRps } from "@/lib/signals/format";
import { BANNER_UI, STATE_UI, StateMark } from "@/components/ui/state";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { ValueWithUnit } from "@/components/ui/ValueWithUnit";
import { CAPTION, CELL, CELL_LABEL, DETAIL, FIGURE } from "@/components/ui/bannerCell";
import type { BoardSummary, Headline } from "./model";

function thresholdText(t: Threshold | undefined, fmt: (v: number) => string): string | null {
  if (!t) return null;
  const parts = [t.warn !== undefined ? `warn ${fmt(t.warn)}` : null, t.critical !== undefined ? `critical ${fmt(t.critical)}` : null];
  return parts.filter(Boolean).join(" · ");
}

function Cell({
  label,
  value,
  sub,
  detail,
  headline,
  stale,
  late = false,
  testId,
}: {
  label: string;
  value: string;
  sub?: ReactNode;
  detail?: string | null;
  headline?: Headline | null;
  stale: boolean;
  /** The value itself is the problem (old data): amber, marked STALE. */
  late?: boolean;
  testId?: string;
}) {
  const state = headline?.state ?? "ok";
  const breach = !stale && state !== "ok";
  return (
    <div className={CELL}>
      <dt className={CELL_LABEL}>
        {label}
        {stale || late ? <StateMark state="stale" /> : breach && <StateMark state={state} />}
      </dt>
      <dd
        data-testid={testId}
        data-figure
        className={clsx(FIGURE, stale ? "text-stale opacity-60" : late ? "text-warn" : breach ? STATE_UI[state].text : "text-fg")}
      >
        <ValueWithUnit text={value} />
      </dd>
      {sub && <dd className={CAPTION}>{sub}</dd>}
      {detail && <dd className={DETAIL}>{detail}</dd>}
    </div>
  );
}

type Props = {
  summary: BoardSummary | null;
  /** ms since the newest point; null before any data. */
  dataAge: number | null;
  tickMs: number;
  activeDrills: number;
  source: SourceStatus | null;
  now: number | null;
};

export function StatusBanner({ summary, dataAge, tickMs, activeDrills, source, now }: Props) {
  const status = summary?.status ?? "UNKNOWN";
  const ui = BANNER_UI[status];
  const look = STATE_UI[ui.state];
  const stale = summary?.stale ?? true;
  const n = summary?.services ?? 0;
  const c = summary?.counts;

  const p99 = summary?.worstP99;
  const err = summary?.errorRate;
  const sat = summary?.saturation;

  return (
    <section aria-label="Status banner" className="overflow-hidden rounded-2xl border border-line bg-surface">
      <div className="grid grid-cols-1 2xl:grid-cols-[minmax(22rem,27rem)_1fr] kiosk:lg:grid-cols-[minmax(16rem,20rem)_1fr]">
        <div
          className={clsx(
            "flex items-center gap-5 border-b border-line px-7 py-6 2xl:border-r 2xl:border-b-0 kiosk:gap-3 kiosk:px-5 kiosk:py-4 kiosk:lg:border-r kiosk:lg:border-b-0",
            {
              ok: "bg-ok/8",
              warn: "bg-warn/10",
              critical: "bg-critical/14",
              stale: "bg-stale/8",
              unknown: "bg-stale/6",
            }[ui.state],
          )}
        >
          <look.Icon aria-hidden className={clsx("size-16 shrink-0 kiosk:size-12", look.text)} strokeWidth={2.25} />
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs font-semibold tracking-wider whitespace-nowrap text-muted uppercase">
              Overall status
              {activeDrills > 0 && <DrillBadge label={activeDrills === 1 ? "DRILL RUNNING" : `${activeDrills} DRILLS RUNNING`} />}
            </div>
            <div
              data-testid="overall-status"
              className={clsx("text-5xl leading-tight font-black tracking-tight kiosk:text-4xl", look.text)}
            >
              {ui.label}
            </div>
            <div className="num mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
              {status === "STALE" ? (
                <span>No fresh data — values below are the last received</span>
              ) : summary && c ? (
                <span>
                  {n} services · {c.ok} ok
                  {c.warn > 0 && <span className="text-warn"> · {c.warn} warn</span>}
                  {c.critical > 0 && <span className="text-critical"> · {c.critical} critical</span>}
                  {c.unknown > 0 && <span> · {c.unknown} no data</span>}
                </span>
              ) : (
                <span>Waiting for data…</span>
              )}
            </div>
          </div>
        </div>
        <div className="@container min-w-0">
        {/* Six across only when each cell gets ~12.5rem (kiosk: its padding is smaller). */}
        <dl className="grid grid-cols-2 divide-line @3xl:grid-cols-3 @[76rem]:grid-cols-6 @[76rem]:divide-x kiosk:@[66rem]:grid-cols-6 kiosk:@[66rem]:divide-x">
          <Cell
            label="Highest p99 latency"
            value={p99 ? formatMs(p99.value) : "—"}
            headline={p99}
            stale={stale}
            testId="banner-p99"
            sub={p99 && <span className="text-fg">{p99.service?.name}</span>}
            detail={p99 && thresholdText(p99.threshold, formatMs)}
          />
          <Cell
            label="Error rate"
            value={err ? formatPct(err.value) : "—"}
            headline={err}
            stale={stale}
            testId="banner-errors"
            sub={err && "traffic-weighted"}
            detail={err && thresholdText(err.threshold, formatPct)}
          />
          <Cell
            label="Throughput"
            value={summary?.throughput != null ? formatRps(summary.throughput) : "—"}
            stale={stale}
            testId="banner-throughput"
            sub={summary?.throughput != null ? `all ${n} services` : undefined}
          />
          <Cell
            label="Worst saturation"
            value={sat ? formatPct(sat.value) : "—"}
            headline={sat}
            stale={stale}
            testId="banner-saturation"
            sub={
              sat && (
                <>
                  <span className="text-fg">{sat.service?.name}</span> · {sat.signal ? SIGNAL_META[sat.signal].label : ""}
                </>
              )
            }
            detail={sat && thresholdText(sat.threshold, formatPct)}
          />
          <Cell
            label="Data age"
            value={dataAge === null ? "—" : formatAge(dataAge)}
            stale={false}
            late={stale && dataAge !== null}
            testId="banner-data-age"
            sub={
              stale && dataAge !== null ? (
                <span className="font-semibold text-warn">STALE · older than {formatDuration(2 * tickMs)}</span>
              ) : (
                `updates every ${formatDuration(tickMs)}`
              )
            }
          />
          <BudgetSummary />
        </dl>
        </div>
      </div>
      {source && source.state !== "ok" && (
        <div role="alert" className="flex flex-wrap items-center gap-3 border-t border-warn/40 bg-warn/10 px-7 py-2.5 text-sm">
          <StateMark state={source.state === "down" ? "critical" : "warn"} />
          <span className="font-semibold text-fg">
            Metric source {source.kind} is {source.state}
          </span>
          {source.error && <span className="text-muted">{source.error}</span>}
          {source.lastSuccessAt !== null && now !== null && (
            <span className="num text-muted">last good data {formatDuration(now - source.lastSuccessAt)} ago</span>
          )}
        </div>
      )}
    </section>
  );
}
