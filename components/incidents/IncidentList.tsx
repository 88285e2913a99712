"use client";

import { useMemo } from "react";
import Link from "next/link";
import { FileText } from "lucide-react";
import { editorHref } from "@/components/postmortems/api";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { formatDateTime, formatDuration } from "@/lib/signals/format";
import { useServerNow } from "@/components/live/LiveProvider";
import { useTimeZone } from "@/components/shell/timezone";
import { useServices } from "@/components/service/useService";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { DeclareButton } from "./ActiveIncidents";
import { useIncidentList } from "./api";
import { SeverityBadge, StatusBadge } from "./Badges";
import { SEVERITY_UI, incidentLabel } from "./meta";
import { filtersToQuery, parseFilters, type ListFilters } from "./model";
import { SEVERITIES } from "./types";

const select =
  "rounded-md border border-line bg-bg px-2.5 py-1.5 text-sm text-fg focus:border-chart-1 focus:outline-none";

function Filter({ label, value, onChange, options }: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-semibold tracking-wide text-muted uppercase">
      {label}
      <select className={select} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** `/incidents`: filters live in the URL, so a filtered list can be pasted into the call. */
export function IncidentList() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseFilters((k) => params.get(k)), [params]);
  const list = useIncidentList(filters);
  const services = useServices();
  const now = useServerNow(500);
  const [tz] = useTimeZone();

  const set = (patch: Partial<ListFilters>) => {
    const q = filtersToQuery({ ...filters, ...patch });
    router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
  };

  const incidents = list.data;

  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Incidents</h1>
          <p className="num text-sm text-muted">
            {incidents ? `${incidents.length} shown` : list.isError ? "" : "Loading…"}
            {list.isFetching && incidents && " · refreshing"}
          </p>
        </div>
        <DeclareButton />
      </header>

      <form aria-label="Filters" className="flex flex-wrap items-end gap-4" onSubmit={(e) => e.preventDefault()}>
        <Filter
          label="Status"
          value={filters.status}
          onChange={(v) => set({ status: v as ListFilters["status"] })}
          options={[
            ["active", "Active"],
            ["resolved", "Resolved"],
            ["all", "All"],
          ]}
        />
        <Filter
          label="Severity"
          value={filters.severity ?? ""}
          onChange={(v) => set({ severity: v || null })}
          options={[["", "Any severity"], ...SEVERITIES.map((s) => [s, `${s} · ${SEVERITY_UI[s].name}`] as [string, string])]}
        />
        <Filter
          label="Service"
          value={filters.service ?? ""}
          onChange={(v) => set({ service: v || null })}
          options={[
            ["", "Any service"],
            ...(services.data ?? []).map((s) => [s.id, s.name] as [string, string]),
            ...(filters.service && !services.data?.some((s) => s.id === filters.service) ? [[filters.service, filters.service] as [string, string]] : []),
          ]}
        />
        <Filter
          label="Drills"
          value={filters.drills}
          onChange={(v) => set({ drills: v as ListFilters["drills"] })}
          options={[
            ["include", "Incidents and drills"],
            ["exclude", "Real incidents only"],
            ["only", "Drills only"],
          ]}
        />
      </form>

      {list.isError && (
        <p role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-4 py-3 text-sm text-critical">
          Incidents unavailable: {list.error.message}
        </p>
      )}

      {incidents && incidents.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">
          No incidents match these filters.
        </p>
      ) : incidents ? (
        <div className="overflow-x-auto rounded-xl border border-line bg-surface">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-line text-xs tracking-wide text-muted uppercase">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-semibold">Incident</th>
                <th scope="col" className="px-3 py-2.5 font-semibold">Severity</th>
                <th scope="col" className="px-3 py-2.5 font-semibold">Title</th>
                <th scope="col" className="px-3 py-2.5 font-semibold">Status</th>
                <th scope="col" className="px-3 py-2.5 font-semibold">Services</th>
                <th scope="col" className="px-3 py-2.5 font-semibold">Started</th>
                <th scope="col" className="px-4 py-2.5 text-right font-semibold">Duration</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => {
                const end = i.resolvedAt ?? i.closedAt ?? now;
                return (
                  <tr key={i.id} className={clsx("border-b border-line/60 border-l-4 last:border-b-0 hover:bg-surface-2", SEVERITY_UI[i.severity].accent)}>
                    <td className="px-4 py-2.5">
                      <Link href={`/incidents/${encodeURIComponent(i.id)}`} className="num font-mono font-semibold text-chart-1 hover:underline">
                        {incidentLabel(i.number)}
                      </Link>
                    </td>
                    <td className="px-3 py-2.5">
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td className="px-3 py-2.5">
                      <span className="flex items-center gap-2">
                        <Link href={`/incidents/${encodeURIComponent(i.id)}`} className="font-semibold text-fg hover:underline">
                          {i.title}
                        </Link>
                        {i.drill && <DrillBadge />}
                      </span>
                    </td>
                    <td className="px-3 py-2.5">
                      <span className="flex items-center gap-2">
                        <StatusBadge status={i.status} />
                        {(i.status === "resolved" || i.status === "closed") && (
                          <Link href={editorHref(i.id)} className="inline-flex items-center gap-1 text-xs font-semibold text-chart-1 hover:underline" aria-label={`Postmortem of ${incidentLabel(i.number)}`}>
                            <FileText aria-hidden className="size-3.5" /> Postmortem
                          </Link>
                        )}
                      </span>
                    </td>
                    <td className="px-3 py-2.5 text-muted">{i.services.join(", ")}</td>
                    <td className="num px-3 py-2.5 whitespace-nowrap text-muted">{formatDateTime(i.startedAt, tz)}</td>
                    <td className="num px-4 py-2.5 text-right whitespace-nowrap">{end === null ? "—" : formatDuration(end - i.startedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}
