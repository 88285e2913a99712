"use client";

import Link from "next/link";
import clsx from "clsx";
import { ArrowLeft, ArrowRight, RotateCcw } from "lucide-react";
import { formatDateTime, formatDuration, type TimeZoneMode } from "@/lib/signals/format";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { SeverityBadge, StatusBadge } from "./Badges";
import { ConflictNotice } from "./ConflictNotice";
import { ResolveConfirm } from "./ResolveConfirm";
import { ImpactStartEdit } from "./ImpactStartEdit";
import { SEVERITY_UI, STATUS_UI, incidentLabel, nextStatuses } from "./meta";
import { usePatch } from "./usePatch";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { Viewers } from "./Viewers";
import { PostmortemLink } from "@/components/postmortems/PostmortemLink";
import { SEVERITIES, isActive, type Incident, type IncidentDetail, type IncidentSeverity, type IncidentStatus } from "./types";

function describe(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([k, v]) => (k === "status" ? `status → ${STATUS_UI[v as IncidentStatus]?.label ?? v}` : k === "severity" ? `severity → ${v}` : k === "startedAt" ? "impact start" : k))
    .join(", ");
}

function stateLine(i: Incident | null): string {
  return i ? `${STATUS_UI[i.status].label} · ${i.severity} · “${i.title}” (version ${i.version})` : "unknown — reload to see it";
}

function Metric({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <div title={hint}>
      <dt className="text-xs font-semibold tracking-wide text-muted uppercase">{label}</dt>
      <dd className="num text-xl font-semibold">{value}</dd>
    </div>
  );
}

export function IncidentHeader({ detail, now, tz }: { detail: IncidentDetail; now: number | null; tz: TimeZoneMode }) {
  const { incident: inc, metrics, viewers } = detail;
  const { patch, conflict, error, pending, dismiss, confirm } = usePatch("incident", `/api/v1/incidents/${encodeURIComponent(inc.id)}`);
  const steps = nextStatuses(inc.status);
  const check = useCan();
  const statusPerm = check("incident.status");
  const severityPerm = check("incident.severity");
  const noteId = `incident-${inc.id}-denied`;
  const end = inc.resolvedAt ?? inc.closedAt ?? now;

  const setStatus = (status: IncidentStatus) => void patch(inc.version, { status });
  const setSeverity = (severity: IncidentSeverity) => void patch(inc.version, { severity });

  const btn = "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-semibold disabled:opacity-50";

  return (
    <section aria-label="Incident" className={clsx("rounded-2xl border border-l-4 border-line bg-surface", SEVERITY_UI[inc.severity].accent)}>
      <div className="flex flex-col gap-3 px-6 pt-4 pb-3">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <Link href="/incidents" className="inline-flex items-center gap-1.5 text-muted hover:text-fg kiosk:hidden">
            <ArrowLeft aria-hidden className="size-4" /> Incidents
          </Link>
          <span className="num font-mono font-semibold text-muted">{incidentLabel(inc.number)}</span>
          <SeverityBadge severity={inc.severity} long />
          <StatusBadge status={inc.status} />
          {inc.drill && <DrillBadge />}
          <span className="ml-auto text-muted">
            declared by {inc.createdBy} at <span className="num">{formatDateTime(inc.createdAt, tz)}</span> ·{" "}
            <ImpactStartEdit startedAt={inc.startedAt} detectedAt={inc.detectedAt} tz={tz} now={now} disabled={pending || !statusPerm.allowed} onSave={(startedAt) => void patch(inc.version, { startedAt })} />
          </span>
        </div>
        <h1 className="text-3xl font-bold tracking-tight">{inc.title}</h1>

        <div className="flex flex-wrap items-center gap-x-6 gap-y-3">
          {!isActive(inc) && <PostmortemLink incident={inc} className="kiosk:hidden" />}
          <div role="group" aria-label="Change status" className="flex flex-wrap items-center gap-2 kiosk:hidden">
            {steps.reopen && <span className="text-xs font-semibold tracking-wide text-muted uppercase">Reopen as</span>}
            {steps.next && (
              <button type="button" disabled={pending || !statusPerm.allowed} {...denied(statusPerm, noteId)} onClick={() => setStatus(steps.next!)} className={clsx(btn, "bg-chart-1 text-bg hover:bg-chart-1/90")}>
                <ArrowRight aria-hidden className="size-4" />
                {STATUS_UI[steps.next].label}
              </button>
            )}
            {steps.others.map((s) => (
              <button
                key={s}
                type="button"
                disabled={pending || !statusPerm.allowed}
                {...denied(statusPerm, noteId)}
                onClick={() => setStatus(s)}
                className={clsx(btn, "border border-line text-muted hover:border-muted hover:text-fg", s === "resolved" && "text-ok")}
              >
                {steps.reopen && s !== "closed" && <RotateCcw aria-hidden className="size-3.5" />}
                {STATUS_UI[s].label}
              </button>
            ))}
          </div>
          <label className="flex items-center gap-2 text-xs font-semibold tracking-wide text-muted uppercase kiosk:hidden">
            Change severity
            <select
              value={inc.severity}
              disabled={pending || !severityPerm.allowed}
              {...denied(severityPerm, noteId)}
              onChange={(e) => setSeverity(e.target.value as IncidentSeverity)}
              className="rounded-md border border-line bg-bg px-2 py-1 text-sm font-normal tracking-normal text-fg normal-case focus:border-chart-1 focus:outline-none"
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s} · {SEVERITY_UI[s].name}
                </option>
              ))}
            </select>
          </label>
          {isActive(inc) && <PostmortemLink incident={inc} className="kiosk:hidden" />}
          <Viewers viewers={viewers} className="ml-auto" />
        </div>

        <ReadOnlyNote permission={statusPerm} id={noteId} className="kiosk:hidden" />
        {conflict && (
          <ConflictNotice
            current={stateLine(conflict.current)}
            mine={describe(conflict.mine)}
            pending={pending}
            onRetry={() => void patch(conflict.current?.version ?? inc.version, conflict.mine)}
            onDismiss={dismiss}
          />
        )}
        {confirm && (
          <ResolveConfirm confirm={confirm} pending={pending} onCancel={dismiss} onConfirm={() => void patch(confirm.version, { ...confirm.mine, confirm: true })} />
        )}
        {error && (
          <p role="alert" className="text-sm text-critical">
            Not saved: {error}
          </p>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-px border-t border-line bg-line sm:grid-cols-4 [&>div]:bg-surface [&>div]:px-6 [&>div]:py-3">
        <Metric label="Since start" value={end === null ? "—" : formatDuration(end - inc.startedAt)} hint="From the start of impact to now (or to resolution)" />
        <Metric label="MTTD" value={formatDuration(metrics.mttdMs)} hint="Time to detect: start of impact → detected" />
        <Metric label="MTTA" value={metrics.mttaMs === null ? "—" : formatDuration(metrics.mttaMs)} hint="Time to acknowledge: detected → first commander or first human entry" />
        <Metric label="MTTR" value={metrics.mttrMs === null ? "open" : formatDuration(metrics.mttrMs)} hint="Time to resolve: start of impact → resolved" />
      </dl>
    </section>
  );
}
