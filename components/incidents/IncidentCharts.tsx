"use client";

import { memo, useMemo, useState } from "react";
import Link from "next/link";
import type { TimeZoneMode } from "@/lib/signals/format";
import { RANGES, RANGE_META, type RangeKey } from "@/lib/signals/range";
import { chartFromHistory, chartFromLive, EMPTY_CHART, LIVE_WINDOW_MS } from "@/components/service/model";
import { SignalChart, type ChartMarker, type LineSpec } from "@/components/service/SignalChart";
import { useHistory, useServiceLive } from "@/components/service/useService";
import { KIND_UI, STATUS_UI, incidentLabel, markerColor } from "./meta";
import type { Incident, TimelineEntry } from "./types";

const LATENCY: readonly LineSpec[] = [
  { key: "p95", color: "var(--color-chart-4)" },
  { key: "p99", color: "var(--color-chart-1)", width: 2.25 },
];
const TRAFFIC: readonly LineSpec[] = [{ key: "rps", color: "var(--color-chart-3)", width: 2 }];
const ERRORS: readonly LineSpec[] = [
  { key: "errorPct", color: "var(--color-chart-1)", width: 2 },
  { key: "error5xxPct", color: "var(--color-chart-2)", dash: "4 3" },
];
const SATURATION: readonly LineSpec[] = [
  { key: "cpuPct", color: "var(--color-chart-1)", width: 2 },
  { key: "poolPct", color: "var(--color-chart-2)", dash: "4 3" },
];

/** The smallest range that shows the whole incident so far (live while it is under 15 minutes old). */
export function rangeFor(ageMs: number): RangeKey {
  return RANGES.find((r) => RANGE_META[r].ms >= ageMs * 1.1 + 60_000) ?? "7d";
}

/** Markers from the timeline: every entry as a thin line; status changes and decisions labelled. */
export function markersFrom(incident: Incident, entries: readonly TimelineEntry[]): ChartMarker[] {
  const out: ChartMarker[] = [{ id: "start", t: incident.startedAt, color: "var(--color-critical)", label: `${incidentLabel(incident.number)} start` }];
  for (const e of entries) {
    let label: string | undefined;
    if (e.kind === "status-change") {
      // The new status is the one named last ("investigating → identified").
      const body = e.body.toLowerCase();
      const to = Object.values(STATUS_UI)
        .map((s) => ({ label: s.label, at: body.lastIndexOf(s.label.toLowerCase()) }))
        .sort((a, b) => b.at - a.at)[0];
      label = to && to.at >= 0 ? to.label : KIND_UI[e.kind].label;
    } else if (e.kind === "decision") label = "Decision";
    out.push({ id: e.id, t: e.occurredAt, color: markerColor(e.kind), label });
  }
  return out;
}

const ServiceCharts = memo(function ServiceCharts({ serviceId, range, markers, tz }: { serviceId: string; range: RangeKey; markers: ChartMarker[]; tz: TimeZoneMode }) {
  const isLive = RANGE_META[range].live;
  const { live, missing } = useServiceLive(serviceId);
  const history = useHistory(serviceId, range);
  const liveSeries = live?.series;
  const series = useMemo(
    () => (isLive ? (liveSeries ? chartFromLive(liveSeries) : EMPTY_CHART) : chartFromHistory(history.data?.series)),
    [isLive, liveSeries, history.data],
  );
  const end = live?.latestT ?? null;
  const domain = useMemo<readonly [number, number] | null>(() => {
    if (isLive) return end === null ? null : [end - LIVE_WINDOW_MS, end];
    return history.data ? [history.data.from, Math.max(history.data.to, end ?? 0)] : null;
  }, [isLive, end, history.data]);

  return (
    <div className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold">
        <Link href={`/services/${encodeURIComponent(serviceId)}`} className="hover:underline">
          {live?.service.name ?? serviceId}
        </Link>
        <span className="ml-2 font-normal text-muted">{isLive ? "live, last 15 minutes" : `last ${RANGE_META[range].label}`}</span>
      </h3>
      {missing ? (
        <p className="text-sm text-muted">No live data for this service.</p>
      ) : domain ? (
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2 2xl:grid-cols-4">
          <SignalChart title="Latency" series={series} lines={LATENCY} unitOf="p99" domain={domain} markers={markers} tz={tz} />
          <SignalChart title="Traffic" series={series} lines={TRAFFIC} unitOf="rps" domain={domain} markers={markers} tz={tz} />
          <SignalChart title="Errors" series={series} lines={ERRORS} unitOf="errorPct" domain={domain} markers={markers} tz={tz} />
          <SignalChart title="Saturation" series={series} lines={SATURATION} unitOf="cpuPct" domain={domain} markers={markers} tz={tz} yMax={100} />
        </div>
      ) : (
        <p className="rounded-xl border border-dashed border-line px-4 py-8 text-center text-sm text-muted">Loading signals…</p>
      )}
    </div>
  );
});

/** Live golden signals of the affected services, with the timeline as markers. */
type Props = { incident: Incident; entries: TimelineEntry[]; tz: TimeZoneMode; now: number | null };

// `now` only picks the range at the first render: a new second alone does not re-render the charts.
export const IncidentCharts = memo(IncidentChartsInner, (a, b) => a.incident === b.incident && a.entries === b.entries && a.tz === b.tz);

function IncidentChartsInner({ incident, entries, tz, now }: Props) {
  const [open, setOpen] = useState(true);
  // Chosen once per page view: a window that grows by itself would reshuffle the charts mid-call.
  const [range] = useState<RangeKey>(() => rangeFor((now ?? Date.now()) - incident.startedAt));
  const markers = useMemo(() => markersFrom(incident, entries), [incident, entries]);
  return (
    <section aria-label="Signals of affected services" className="flex flex-col gap-3">
      <header className="flex items-center gap-3">
        <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">Signals</h2>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className="text-xs text-muted hover:text-fg">
          {open ? "Hide" : "Show"}
        </button>
      </header>
      {open && incident.services.map((s) => <ServiceCharts key={s} serviceId={s} range={range} markers={markers} tz={tz} />)}
    </section>
  );
}
