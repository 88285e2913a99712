"use client";

import { useMemo } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import clsx from "clsx";
import { ArrowLeft } from "lucide-react";
import { drillEnd, drillKindLabel, isDrillActive, type DrillEffect } from "@/lib/drills/types";
import type { ServiceInfo } from "@/lib/signals/contract";
import { isStale, serviceStates } from "@/lib/signals/state";
import { SIGNAL_META, type SignalName, type Threshold } from "@/lib/signals/types";
import { formatAge, formatSignal } from "@/lib/signals/format";
import { RANGE_META, parseRange } from "@/lib/signals/range";
import { useConnection, useServerNow } from "@/components/live/LiveProvider";
import { useTimeZone } from "@/components/shell/timezone";
import { STATE_UI, StateMark, StatePill, type DisplayState } from "@/components/ui/state";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { useDrillHistory } from "@/components/drills/api";
import { chartFromHistory, chartFromLive, drillsAffecting, EMPTY_CHART, LIVE_WINDOW_MS } from "./model";
import { SignalChart, type ChartMarker, type DrillArea, type LineSpec, type ThresholdLine } from "./SignalChart";
import { useLiveIncidents } from "@/components/incidents/api";
import { RangeSelector } from "./RangeSelector";
import { ServiceBudgets } from "@/components/slo/ServiceBudgets";
import { ServiceRunbooks } from "@/components/runbooks/ServiceRunbooks";
import { useHistory, useServiceLive, useServices } from "./useService";

// p99 is the signal the call watches: brightest and thickest; the others give context.
const LATENCY: readonly LineSpec[] = [
  { key: "p50", color: "var(--color-chart-4)" },
  { key: "p95", color: "var(--color-chart-3)" },
  { key: "p99", color: "var(--color-chart-1)", width: 2.25 },
  { key: "p999", color: "var(--color-chart-4)", dash: "3 3", width: 1 },
];
const TRAFFIC: readonly LineSpec[] = [{ key: "rps", color: "var(--color-chart-3)", width: 2 }];
const ERRORS: readonly LineSpec[] = [
  { key: "errorPct", color: "var(--color-chart-1)", width: 2 },
  { key: "error5xxPct", color: "var(--color-chart-2)", dash: "4 3" },
];
const SATURATION: readonly LineSpec[] = [
  { key: "cpuPct", color: "var(--color-chart-1)", width: 2 },
  { key: "memPct", color: "var(--color-chart-3)" },
  { key: "poolPct", color: "var(--color-chart-2)", dash: "4 3" },
];

const CURRENT: { group: string; signals: SignalName[] }[] = [
  { group: "Latency", signals: ["p50", "p95", "p99", "p999"] },
  { group: "Traffic", signals: ["rps"] },
  { group: "Errors", signals: ["errorPct", "error5xxPct"] },
  { group: "Saturation", signals: ["cpuPct", "memPct", "poolPct"] },
];

const stepLabel = (s: number) => (s < 60 ? `${s} s` : s < 3600 ? `${s / 60} min` : `${s / 3600} h`);

const VALID_ID = /^[A-Za-z0-9._-]{1,190}$/;

function thresholdLines(signal: SignalName, t: Threshold | undefined): ThresholdLine[] {
  if (!t || t.below) return [];
  const name = SIGNAL_META[signal].short;
  const out: ThresholdLine[] = [];
  if (t.warn !== undefined) out.push({ y: t.warn, level: "warn", label: `${name} warn ${formatSignal(signal, t.warn)}` });
  if (t.critical !== undefined) out.push({ y: t.critical, level: "critical", label: `${name} critical ${formatSignal(signal, t.critical)}` });
  return out;
}

function drillLabel(d: DrillEffect, service: ServiceInfo): string {
  const kind = drillKindLabel(d.kind);
  return `DRILL: ${kind}${d.target !== service.id ? ` (${d.target})` : ""}`;
}

export function ServiceView({ id }: { id: string }) {
  const valid = VALID_ID.test(id);
  return valid ? <ValidServiceView id={id} /> : <NoService id={id} />;
}

function NoService({ id }: { id: string }) {
  return (
    <main className="mx-auto max-w-3xl px-6 py-24 text-center">
      <h1 className="text-3xl font-bold">No service “{id}”</h1>
      <p className="mt-3 text-muted">There is no service with this id in the current configuration.</p>
      <Link href="/" className="mt-6 inline-flex items-center gap-2 rounded-md border border-line px-4 py-2 text-sm hover:border-muted">
        <ArrowLeft aria-hidden className="size-4" /> Back to the board
      </Link>
    </main>
  );
}

function ValidServiceView({ id }: { id: string }) {
  const range = parseRange(useSearchParams().get("range"));
  const isLive = RANGE_META[range].live;
  const { live, missing } = useServiceLive(id);
  const services = useServices();
  const history = useHistory(id, range);
  const drillHistory = useDrillHistory(!isLive);
  const now = useServerNow(1000);
  const tickMs = useConnection().hello?.tickMs ?? 1000;
  const [tz] = useTimeZone();

  const info = live?.service ?? services.data?.find((s) => s.id === id);
  const thresholds = info?.thresholds;

  const liveSeries = live?.series;
  const series = useMemo(
    () => (isLive ? (liveSeries ? chartFromLive(liveSeries) : EMPTY_CHART) : chartFromHistory(history.data?.series)),
    [isLive, liveSeries, history.data],
  );

  // Live: the window ends at the newest point, so the chart does not jitter with the clock.
  const liveEnd = live?.latestT ?? null;
  const domain = useMemo<readonly [number, number] | null>(() => {
    if (isLive) return liveEnd === null ? null : [liveEnd - LIVE_WINDOW_MS, liveEnd];
    return history.data ? [history.data.from, history.data.to] : null;
  }, [isLive, liveEnd, history.data]);

  const th = useMemo(
    () => ({
      latency: thresholdLines("p99", thresholds?.p99),
      errors: thresholdLines("errorPct", thresholds?.errorPct),
      saturation: thresholdLines("cpuPct", thresholds?.cpuPct),
    }),
    [thresholds],
  );

  // Areas run to the planned end; the chart clips them to its window, so an ongoing drill reaches "now".
  const drillAreas = useMemo<DrillArea[]>(() => {
    if (!info) return [];
    const byId = new Map<string, DrillEffect>();
    for (const d of drillHistory.data ?? []) byId.set(d.id, d);
    for (const d of live?.drills ?? []) byId.set(d.id, d);
    return drillsAffecting(info, [...byId.values()]).map((d) => ({ id: d.id, x1: d.startedAt, x2: drillEnd(d), label: drillLabel(d, info) }));
  }, [info, drillHistory.data, live?.drills]);

  // Incidents touching this service: declared and resolved moments as markers.
  const incidents = useLiveIncidents();
  const markers = useMemo<ChartMarker[]>(() => {
    const out: ChartMarker[] = [];
    for (const inc of incidents ?? []) {
      if (!inc.services.includes(id)) continue;
      out.push({ id: `${inc.id}:start`, t: inc.startedAt, color: "var(--color-critical)", label: `INC-${inc.number}${inc.drill ? " (drill)" : ""}` });
      if (inc.resolvedAt !== null) out.push({ id: `${inc.id}:resolved`, t: inc.resolvedAt, color: "var(--color-ok)", label: `INC-${inc.number} resolved` });
    }
    return out;
  }, [incidents, id]);

  // The page re-renders every second (data age, current values); these panels have their own
  // data and need not re-render with it.
  const panels = useMemo(
    () => (
      <>
        <ServiceBudgets serviceId={id} />
        <ServiceRunbooks serviceId={id} />
      </>
    ),
    [id],
  );

  if (missing || (services.isSuccess && !info)) return <NoService id={id} />;

  const values = live?.latest ?? null;
  const stale = now !== null && isStale(live?.latestT ?? null, now, tickMs);
  const states = values && info ? serviceStates(values, info.thresholds ?? {}) : null;
  const display: DisplayState = !states ? "unknown" : stale ? "stale" : states.state;
  const activeDrills = info && now !== null ? drillsAffecting(info, live?.drills ?? []).filter((d) => isDrillActive(d, now)) : [];
  const age = now !== null && live?.latestT != null ? now - live.latestT : null;
  const chartsStale = isLive && stale;

  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <div>
        <Link href="/" className="inline-flex items-center gap-1.5 text-sm text-muted hover:text-fg kiosk:hidden">
          <ArrowLeft aria-hidden className="size-4" /> Board
        </Link>
      </div>
      <section aria-label="Service status" className="rounded-2xl border border-line bg-surface">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-line px-6 py-4">
          <h1 className="text-3xl font-bold tracking-tight">{info?.name ?? id}</h1>
          <StatePill state={display} className="text-sm" />
          {activeDrills.map((d) => (
            <DrillBadge key={d.id} label={`DRILL: ${drillKindLabel(d.kind)}`} />
          ))}
          <div className="ml-auto flex items-center gap-3 text-sm text-muted">
            {stale && age !== null && <StateMark state="stale" />}
            <span data-testid="service-data-age" className="num">
              {age === null ? "waiting for data…" : `newest point ${formatAge(age)} old`}
            </span>
          </div>
          {(info?.team || info?.description || (info?.dependsOn?.length ?? 0) > 0) && (
            <p className="w-full text-sm text-muted">
              {[info?.team && `Team ${info.team}`, info?.description, info?.dependsOn?.length ? `depends on ${info.dependsOn.join(", ")}` : null]
                .filter(Boolean)
                .join(" · ")}
            </p>
          )}
        </div>
        <dl className="grid grid-cols-2 gap-px bg-line xl:grid-cols-[2fr_0.8fr_1.3fr_1.6fr]">
          {CURRENT.map((g) => (
            <div key={g.group} className="bg-surface px-6 py-4">
              <div className="mb-2 text-xs font-semibold tracking-wider text-muted uppercase">{g.group}</div>
              <div className="flex flex-wrap gap-x-6 gap-y-2">
                {g.signals.map((s) => {
                  const st = states?.signals[s] ?? "ok";
                  const breach = !stale && st !== "ok";
                  return (
                    <div key={s}>
                      <dt className="flex items-center gap-1.5 text-xs text-muted">
                        {SIGNAL_META[s].short}
                        {breach && <StateMark state={st} compact />}
                      </dt>
                      <dd
                        data-testid={`current-${s}`}
                        className={clsx(
                          "num text-2xl font-semibold",
                          stale ? "text-stale opacity-60" : breach ? STATE_UI[st].text : "text-fg",
                        )}
                      >
                        {values ? formatSignal(s, values[s]) : "—"}
                      </dd>
                    </div>
                  );
                })}
              </div>
            </div>
          ))}
        </dl>
      </section>

      {panels}

      <div className="flex flex-wrap items-center gap-4">
        <RangeSelector value={range} />
        <span className="text-sm text-muted">
          {isLive
            ? "Live: last 15 minutes, streaming"
            : history.isFetching && !history.data
              ? "Loading history…"
              : history.data
                ? `${RANGE_META[range].label} at ${stepLabel(history.data.step)} resolution · refreshes every ${stepLabel(history.data.step)}`
                : ""}
        </span>
        {history.isError && !isLive && (
          <span role="alert" className="text-sm text-critical">
            History unavailable: {history.error.message}
          </span>
        )}
      </div>

      {domain ? (
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          <SignalChart title="Latency" markers={markers} series={series} lines={LATENCY} unitOf="p99" domain={domain} thresholds={th.latency} drills={drillAreas} tz={tz} stale={chartsStale} />
          <SignalChart title="Traffic" markers={markers} series={series} lines={TRAFFIC} unitOf="rps" domain={domain} drills={drillAreas} tz={tz} stale={chartsStale} />
          <SignalChart title="Errors" markers={markers} series={series} lines={ERRORS} unitOf="errorPct" domain={domain} thresholds={th.errors} drills={drillAreas} tz={tz} stale={chartsStale} />
          <SignalChart title="Saturation" markers={markers} series={series} lines={SATURATION} unitOf="cpuPct" domain={domain} thresholds={th.saturation} drills={drillAreas} tz={tz} stale={chartsStale} yMax={100} />
        </div>
      ) : (
        <p className="rounded-xl border border-dashed border-line px-4 py-16 text-center text-muted">
          {isLive ? "Connecting to the live stream…" : "Loading history…"}
        </p>
      )}
    </main>
  );
}
