"use client";

import { useQuery } from "@tanstack/react-query";
import clsx from "clsx";
import { Subscribe } from "./Subscribe";

type Component = { id: string; name: string; status: State };
type State = "operational" | "degraded_performance" | "partial_outage" | "major_outage" | "under_maintenance";
type Update = { id: string; status: string; body: string; display_at: string };
type Incident = { id: string; name: string; status: string; impact: string; started_at: string; resolved_at: string | null; incident_updates: Update[] };
type Summary = { page: { name: string; updated_at: string }; status: { indicator: string; description: string }; components: Component[] };
type Uptime = { components: { id: string; days: { day: number; availability: number | null }[] }[] };

const STATE: Record<State, { label: string; text: string; bg: string }> = {
  operational: { label: "Operational", text: "text-ok", bg: "bg-ok" },
  degraded_performance: { label: "Degraded performance", text: "text-warn", bg: "bg-warn" },
  partial_outage: { label: "Partial outage", text: "text-warn", bg: "bg-warn" },
  major_outage: { label: "Major outage", text: "text-critical", bg: "bg-critical" },
  under_maintenance: { label: "Under maintenance", text: "text-chart-1", bg: "bg-chart-1" },
};
const BANNER: Record<string, string> = { none: "border-ok/60 bg-ok/10", minor: "border-warn/60 bg-warn/10", major: "border-warn/60 bg-warn/15", critical: "border-critical/60 bg-critical/10" };
const UPDATE_LABEL: Record<string, string> = { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved" };

const get = <T,>(path: string) => async (): Promise<T> => {
  const r = await fetch(path, { headers: { accept: "application/json" } });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return (await r.json()) as T;
};

const fmt = (iso: string) => new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }) + " UTC";
const dayLabel = (t: number) => new Date(t).toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });

function barColour(a: number | null): string {
  if (a === null) return "bg-surface-2";
  if (a >= 0.999) return "bg-ok";
  if (a >= 0.99) return "bg-warn";
  return "bg-critical";
}

function UptimeBars({ days }: { days: { day: number; availability: number | null }[] }) {
  const known = days.filter((d) => d.availability !== null);
  const avg = known.length ? known.reduce((s, d) => s + d.availability!, 0) / known.length : null;
  return (
    <div>
      <div className="flex h-8 items-stretch gap-px" role="img" aria-label={avg === null ? "No uptime data for the last 90 days" : `${(avg * 100).toFixed(2)}% uptime over the last 90 days`}>
        {days.map((d) => (
          <span key={d.day} className={clsx("flex-1 rounded-[1px]", barColour(d.availability))} title={`${dayLabel(d.day)}: ${d.availability === null ? "no data" : `${(d.availability * 100).toFixed(2)}%`}`} />
        ))}
      </div>
      <div className="mt-1 flex justify-between text-xs text-faint">
        <span>90 days ago</span>
        <span>{avg === null ? "no data" : `${(avg * 100).toFixed(2)} % uptime${known.length < days.length ? ` (${known.length} day${known.length === 1 ? "" : "s"} of data)` : ""}`}</span>
        <span>Today</span>
      </div>
    </div>
  );
}

function IncidentCard({ incident }: { incident: Incident }) {
  return (
    <article id={`incident-${incident.id}`} aria-label={incident.name} className="rounded-xl border border-line bg-surface p-4">
      <h3 className="text-base font-semibold">{incident.name}</h3>
      <p className="text-xs text-muted">
        {incident.resolved_at ? `Resolved ${fmt(incident.resolved_at)}` : `Started ${fmt(incident.started_at)} · impact ${incident.impact}`}
      </p>
      <ol className="mt-3 flex flex-col gap-3 border-l border-line pl-4">
        {incident.incident_updates.map((u) => (
          <li key={u.id}>
            <p className="text-sm">
              <strong className="font-semibold">{UPDATE_LABEL[u.status] ?? u.status}</strong> — <span className="whitespace-pre-wrap break-words">{u.body}</span>
            </p>
            <p className="text-xs text-faint">
              <time dateTime={u.display_at}>{fmt(u.display_at)}</time>
            </p>
          </li>
        ))}
      </ol>
    </article>
  );
}

/** The public status page: overall state, components with 90-day uptime, public incidents with their updates. Reads only the public v2 API. */
export function PublicStatusPage() {
  const summary = useQuery({ queryKey: ["status", "summary"], queryFn: get<Summary>("/api/v2/summary.json"), refetchInterval: 30_000 });
  const incidents = useQuery({ queryKey: ["status", "incidents"], queryFn: get<{ incidents: Incident[] }>("/api/v2/incidents.json"), refetchInterval: 60_000 });
  const uptime = useQuery({ queryKey: ["status", "uptime"], queryFn: get<Uptime>("/api/v2/uptime.json"), refetchInterval: 300_000 });
  const s = summary.data;
  const open = incidents.data?.incidents.filter((i) => !i.resolved_at) ?? [];
  const past = incidents.data?.incidents.filter((i) => i.resolved_at) ?? [];
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-8 px-6 py-10">
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">{s ? `${s.page.name} status` : "Status"}</h1>
        {s && <p className="text-xs text-faint">Updated {fmt(s.page.updated_at)}</p>}
      </header>
      {summary.error && <p role="alert" className="text-critical">The status cannot be loaded right now.</p>}
      {s && (
        <p role="status" className={clsx("rounded-xl border px-5 py-4 text-lg font-semibold", BANNER[s.status.indicator] ?? BANNER.none)}>
          {s.status.description}
        </p>
      )}
      {open.length > 0 && (
        <section aria-labelledby="open-h" className="flex flex-col gap-3">
          <h2 id="open-h" className="text-lg font-semibold">Current incidents</h2>
          {open.map((i) => <IncidentCard key={i.id} incident={i} />)}
        </section>
      )}
      {s && (
        <section aria-labelledby="components-h" className="flex flex-col gap-1">
          <h2 id="components-h" className="text-lg font-semibold">Components</h2>
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {s.components.map((c) => (
              <li key={c.id} className="flex flex-col gap-2 px-4 py-3">
                <div className="flex items-center justify-between gap-3">
                  <span className="font-medium">{c.name}</span>
                  <span className={clsx("inline-flex items-center gap-1.5 text-sm", STATE[c.status].text)}>
                    <span aria-hidden className={clsx("size-2 rounded-full", STATE[c.status].bg)} />
                    {STATE[c.status].label}
                  </span>
                </div>
                <UptimeBars days={uptime.data?.components.find((u) => u.id === c.id)?.days ?? []} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {past.length > 0 && (
        <section aria-labelledby="past-h" className="flex flex-col gap-3">
          <h2 id="past-h" className="text-lg font-semibold">Past incidents</h2>
          {past.map((i) => <IncidentCard key={i.id} incident={i} />)}
        </section>
      )}
      <Subscribe />
      <footer className="flex gap-4 text-xs text-muted">
        <a href="/api/v2/history.atom" className="underline">Atom feed</a>
        <a href="/api/v2/summary.json" className="underline">summary.json</a>
      </footer>
    </main>
  );
}
