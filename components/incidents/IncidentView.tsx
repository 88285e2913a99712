"use client";

import { useCallback, useEffect } from "react";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { StatePill } from "@/components/ui/state";
import { useConnection, useLiveClient, useServerNow } from "@/components/live/LiveProvider";
import { useTimeZone } from "@/components/shell/timezone";
import { ActionItems } from "./ActionItems";
import { useIncident } from "./api";
import { IncidentCharts } from "./IncidentCharts";
import { IncidentHeader } from "./IncidentHeader";
import { useIncidentUi } from "./IncidentUi";
import { incidentLabel } from "./meta";
import { RolesPanel } from "./RolesPanel";
import { IncidentProbes } from "@/components/gamedays/IncidentProbes";
import { Timeline } from "./Timeline";
import { IncidentRunbooks } from "@/components/runbooks/IncidentRunbooks";
import { useAuth } from "@/components/auth/useCan";
import { StatusUpdatesPanel } from "@/components/comms/StatusUpdatesPanel";

function NotFound({ id }: { id: string }) {
  return (
    <main className="mx-auto max-w-3xl px-6 py-24 text-center">
      <h1 className="text-3xl font-bold">No incident “{id}”</h1>
      <p className="mt-3 text-muted">It does not exist, or the link is incomplete.</p>
      <Link href="/incidents" className="mt-6 inline-flex items-center gap-2 rounded-md border border-line px-4 py-2 text-sm hover:border-muted">
        <ArrowLeft aria-hidden className="size-4" /> All incidents
      </Link>
    </main>
  );
}

/** `/incidents/[id]`: header and lifecycle, signals, the timeline with the scribe box, roles and action items. */
export function IncidentView({ id }: { id: string }) {
  const { detail, notFound, error } = useIncident(id);
  const { askName } = useIncidentUi();
  const { mode } = useAuth();
  const client = useLiveClient();
  const connection = useConnection();
  const now = useServerNow(500);
  const [tz] = useTimeZone();
  const serverNow = useCallback(() => client?.serverNow() ?? Date.now(), [client]);

  // First visit to an incident: ask once who is viewing (presence), unless already known or
  // declined. Signed-in users (oidc) are known by the server and never asked.
  useEffect(() => {
    if (mode === "local" || mode === "none") void askName("visit");
  }, [askName, mode]);

  useEffect(() => {
    if (detail) document.title = `${incidentLabel(detail.incident.number)} ${detail.incident.title} · War Room`;
  }, [detail]);

  if (notFound) return <NotFound id={id} />;
  if (!detail)
    return (
      <main className="px-6 py-16 text-center text-muted">
        {error ? <span className="text-critical">Incident unavailable: {error.message}</span> : "Loading incident…"}
      </main>
    );

  const { incident, timeline, actionItems } = detail;
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      {connection.state !== "live" && (
        <StatePill state="stale" label="STALE · reconnecting — changes by others may be missing" className="self-start" />
      )}
      <IncidentHeader detail={detail} now={now} tz={tz} />
      <IncidentCharts incident={incident} entries={timeline} tz={tz} now={now} />
      <div className="grid grid-cols-1 items-start gap-5 xl:grid-cols-[minmax(0,1.6fr)_minmax(22rem,1fr)]">
        <Timeline incidentId={incident.id} startedAt={incident.startedAt} entries={timeline} tz={tz} serverNow={serverNow} />
        <div className="flex flex-col gap-5">
          {incident.drill ? <IncidentProbes incidentId={incident.id} /> : null}
          <RolesPanel incident={incident} />
          <StatusUpdatesPanel incidentId={incident.id} services={incident.services} now={now} tz={tz} />
          <IncidentRunbooks incident={incident} tz={tz} />
          <ActionItems incidentId={incident.id} items={actionItems} now={now} tz={tz} />
        </div>
      </div>
    </main>
  );
}
