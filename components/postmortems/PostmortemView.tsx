"use client";

import { useEffect } from "react";
import Link from "next/link";
import { ArrowLeft, Download, Printer } from "lucide-react";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { SeverityBadge, StatusBadge } from "@/components/incidents/Badges";
import { useIncident } from "@/components/incidents/api";
import { incidentLabel } from "@/components/incidents/meta";
import { useTimeZone } from "@/components/shell/timezone";
import { exportHref, usePostmortem, usePostmortemLive } from "./api";
import { CreatePanel } from "./CreatePanel";
import { PostmortemEditor } from "./PostmortemEditor";

const action = "inline-flex items-center gap-1.5 rounded-md border border-line px-3 py-1.5 text-sm font-medium text-muted hover:border-muted hover:text-fg";

/** `/incidents/[id]/postmortem`: the create panel, the editor, or the published postmortem. */
export function PostmortemView({ id }: { id: string }) {
  const { detail, notFound, error } = useIncident(id);
  usePostmortemLive(id);
  const pm = usePostmortem(id);
  const [tz] = useTimeZone();
  const incident = detail?.incident;

  useEffect(() => {
    if (incident) document.title = `Postmortem ${incidentLabel(incident.number)} ${incident.title} · War Room`;
  }, [incident]);

  if (notFound)
    return (
      <main className="mx-auto max-w-3xl px-6 py-24 text-center">
        <h1 className="text-3xl font-bold">No incident “{id}”</h1>
        <Link href="/incidents" className="mt-6 inline-flex items-center gap-2 rounded-md border border-line px-4 py-2 text-sm hover:border-muted">
          <ArrowLeft aria-hidden className="size-4" /> All incidents
        </Link>
      </main>
    );
  // The editor starts from a fresh read, never from an older cached copy.
  const ready = pm.data !== undefined && pm.isFetchedAfterMount;
  if (!incident || !ready) {
    const failure = error ?? pm.error;
    return (
      <main className="px-6 py-16 text-center text-muted">
        {failure ? <span className="text-critical">Postmortem unavailable: {failure.message}</span> : "Loading postmortem…"}
      </main>
    );
  }

  const postmortem = pm.data;
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-4 px-6 py-5 print:max-w-none print:p-0">
      <header className="flex flex-wrap items-end gap-x-6 gap-y-3 print:hidden">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <Link href={`/incidents/${encodeURIComponent(id)}`} className="inline-flex items-center gap-1.5 text-muted hover:text-fg">
              <ArrowLeft aria-hidden className="size-4" />
              <span className="num font-mono font-semibold">{incidentLabel(incident.number)}</span>
              <span className="truncate">{incident.title}</span>
            </Link>
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
            {incident.drill && <DrillBadge />}
          </div>
          <h1 className="mt-1.5 text-2xl font-bold tracking-tight">Postmortem</h1>
        </div>
        {postmortem && (
          <div className="flex items-center gap-2">
            <a href={exportHref(id)} download className={action} title="The last saved version, as a Markdown file">
              <Download aria-hidden className="size-4" />
              Download .md
            </a>
            <button type="button" onClick={() => window.print()} className={action} title="Print, or save as PDF from the print dialog">
              <Printer aria-hidden className="size-4" />
              Print / PDF
            </button>
          </div>
        )}
      </header>
      {postmortem ? <PostmortemEditor key={id} server={postmortem} incident={incident} tz={tz} /> : <CreatePanel incident={incident} />}
    </main>
  );
}
