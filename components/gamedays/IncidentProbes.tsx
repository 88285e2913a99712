"use client";

import Link from "next/link";
import { useServerNow } from "@/components/live/LiveProvider";
import { useIncidentRun, useRun } from "./api";
import { ProbePanel } from "./ProbePanel";

/** On a game day's drill incident: the run's live probe panel and a link to the run page. */
export function IncidentProbes({ incidentId }: { incidentId: string }) {
  const found = useIncidentRun(incidentId);
  const { data: run } = useRun(found?.plan ?? "", found?.id ?? null);
  const now = useServerNow() ?? 0;
  const shown = run ?? found;
  if (!shown) return null;
  return (
    <div className="space-y-2">
      <p className="text-sm text-muted">
        Game day <Link className="text-fg underline" href={`/gamedays/${shown.plan}/runs/${shown.id}`}>{shown.planTitle}</Link> · {shown.status}
      </p>
      <ProbePanel run={shown} now={now} />
    </div>
  );
}
