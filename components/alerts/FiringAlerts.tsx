"use client";

import clsx from "clsx";
import { CircleCheck, Siren } from "lucide-react";
import type { Alert } from "@/lib/alerts/model";
import { useServerNow } from "@/components/live/LiveProvider";
import { StatePill } from "@/components/ui/state";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import { alertTitle } from "./model";
import { useAlerts } from "./useAlerts";
import { AlertGroupRow } from "./AlertGroupRow";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import type { IncidentSeverity } from "@/components/incidents/types";

// page → SEV1, urgent ticket → SEV2, ticket → SEV3: the alert's tier is the first guess, the dialog lets it change.
const TIER_SEVERITY: Record<Alert["tier"], IncidentSeverity> = { 1: "SEV1", 2: "SEV2", 3: "SEV3" };

function DeclareFromAlert({ alert }: { alert: Alert }) {
  const { openDeclare } = useIncidentUi();
  const perm = useCan()("incident.declare");
  return (
    <button
      type="button"
      disabled={!perm.allowed}
      {...denied(perm)}
      onClick={() =>
        openDeclare({
          title: (alert.annotations.summary || alertTitle(alert)).slice(0, 200),
          severity: TIER_SEVERITY[alert.tier],
          services: [alert.service],
          alertId: alert.id,
        })
      }
      aria-label={`Declare from alert ${alertTitle(alert)} on ${alert.service}`}
      className="inline-flex items-center gap-1 rounded-md border border-critical/50 px-2 py-0.5 text-xs font-semibold text-critical hover:bg-critical/10 disabled:opacity-50 kiosk:hidden"
    >
      <Siren aria-hidden className="size-3.5" /> Declare
    </button>
  );
}

/** Alert rows a kiosk shows (the ul's nth-child(n+5) rule hides the rest). */
const KIOSK_ROWS = 4;

type Props = {
  /** Show at most this many groups, then "+N more" (a wall tile has fixed room). Default: all. */
  limit?: number;
  className?: string;
};

/**
 * Pending and firing alerts, one row per rule and service (lower tiers folded), firing and most
 * severe first; silenced ones stay listed, marked, and are not counted as firing.
 * Subscribes to the `alerts` channel itself: place it anywhere under LiveProvider.
 */
export function FiringAlerts({ limit, className }: Props) {
  const now = useServerNow(1000);
  const { groups, firing, pending, silenced, stale } = useAlerts(now);
  const shown = groups && limit !== undefined ? groups.slice(0, limit) : groups;
  const more = groups && shown ? groups.length - shown.length : 0;
  // A wall screen has fixed room: the most severe KIOSK_ROWS, then how many more (CSS only, so
  // the first paint is already right; ?kiosk=1 is an attribute on <html>, app/layout.tsx).
  const kioskMore = shown ? shown.length - KIOSK_ROWS : 0;

  return (
    <section aria-label="Firing alerts" className={clsx("rounded-2xl border border-line bg-surface p-4 kiosk:p-3", className)}>
      <header className="mb-3 kiosk:mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">
          Alerts
          {groups && (
            <span className="num ml-3 font-normal normal-case" data-testid="alert-counts">
              {firing.length} firing{pending.length > 0 && ` · ${pending.length} pending`}
              {silenced.length > 0 && ` · ${silenced.length} silenced`}
            </span>
          )}
        </h2>
        {stale && groups && <StatePill state="stale" label="STALE · reconnecting" />}
      </header>
      {!groups ? (
        <p className="rounded-lg border border-dashed border-line px-4 py-6 text-center text-sm text-muted">Connecting to alerts…</p>
      ) : groups.length === 0 ? (
        <p
          className={clsx(
            "flex items-center justify-center gap-2 rounded-lg px-4 py-6 text-base font-semibold",
            stale ? "bg-stale/8 text-stale" : "bg-ok/8 text-ok",
          )}
        >
          <CircleCheck aria-hidden className="size-5" strokeWidth={2.5} />
          No alerts firing
        </p>
      ) : (
        <>
          <ul className="flex flex-col gap-2 kiosk:gap-1 kiosk:[&>li:nth-child(n+5)]:hidden">
            {shown!.map((g) => (
              <AlertGroupRow key={g.key} group={g} now={now} stale={stale} declare={g.firing ? <DeclareFromAlert alert={g.top} /> : null} />
            ))}
          </ul>
          {more > 0 && <p className={clsx("mt-2 text-sm text-muted", kioskMore > 0 && "kiosk:hidden")}>+{more} more</p>}
          {kioskMore > 0 && (
            <p data-testid="kiosk-more-alerts" className="mt-1 hidden text-sm text-muted kiosk:block">
              +{kioskMore + more} more
            </p>
          )}
        </>
      )}
    </section>
  );
}
