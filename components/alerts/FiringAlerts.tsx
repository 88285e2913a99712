"use client";

import { memo } from "react";
import Link from "next/link";
import clsx from "clsx";
import { BookOpen, CircleCheck, ExternalLink, Siren } from "lucide-react";
import type { Alert } from "@/lib/alerts/model";
import { formatDuration } from "@/lib/signals/format";
import { useServerNow } from "@/components/live/LiveProvider";
import { StatePill } from "@/components/ui/state";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import { TierBadge } from "./TierBadge";
import { TIER_UI, alertTitle, valueVsThreshold } from "./model";
import { useAlerts } from "./useAlerts";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import { AlertRunbookLink, internalRunbookPath } from "@/components/runbooks/AlertRunbookLink";
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

function RunbookLink({ href }: { href: string }) {
  const cls = "inline-flex items-center gap-1 font-semibold text-chart-1 hover:underline";
  // Internal runbooks are app routes; anything else opens outside the war room.
  if (href.startsWith("/") && !href.startsWith("//")) {
    return (
      <Link href={href} className={cls}>
        <BookOpen aria-hidden className="size-3.5" /> Runbook
      </Link>
    );
  }
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" className={cls}>
      <BookOpen aria-hidden className="size-3.5" /> Runbook
      <ExternalLink aria-hidden className="size-3" />
      <span className="sr-only">(opens in a new tab)</span>
    </a>
  );
}

/**
 * An internal `runbook_url` wins; otherwise the runbook whose front matter lists the alert
 * (rule name, or the SLO id for burn-rate alerts); an external URL only when neither exists.
 */
function AlertRunbook({ alert }: { alert: Alert }) {
  const url = alert.annotations.runbook_url;
  const internal = internalRunbookPath(url);
  if (internal) return <RunbookLink href={internal} />;
  const names = [alert.name, alert.kind === "burn-rate" ? alert.labels.slo : undefined].filter((n): n is string => !!n);
  return (
    <>
      <AlertRunbookLink names={names} />
      {url && <RunbookLink href={url} />}
    </>
  );
}

const AlertRow = memo(function AlertRow({ alert, now, stale }: { alert: Alert; now: number | null; stale: boolean }) {
  const firing = alert.state === "firing";
  const since = firing ? (alert.firedAt ?? alert.activeAt) : alert.activeAt;
  const age = now === null ? null : formatDuration(now - since);
  const value = valueVsThreshold(alert);
  const slo = alert.kind === "burn-rate" ? alert.labels.slo : undefined;

  return (
    <li
      aria-label={`${TIER_UI[alert.tier].label} ${alert.state} ${alertTitle(alert)} ${alert.service}`}
      className={clsx(
        "grid grid-cols-[6.5rem_1fr_auto] items-start gap-x-4 gap-y-1 rounded-lg border border-l-4 border-line px-4 py-3",
        firing ? clsx("bg-surface", TIER_UI[alert.tier].accent) : "border-l-line bg-transparent opacity-70",
        stale && "opacity-60",
      )}
    >
      <div className="flex flex-col items-start gap-1 pt-0.5">
        <TierBadge tier={alert.tier} className={firing ? undefined : "opacity-75"} />
        {!firing && <span className="text-[0.7rem] font-bold tracking-wider text-muted uppercase">pending</span>}
      </div>
      <div className="min-w-0">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <span className="truncate text-base font-semibold text-fg">{alertTitle(alert)}</span>
          <span className="text-sm text-muted">{alert.service}</span>
          {slo && <span className="text-sm text-faint">SLO {slo}</span>}
        </div>
        <p className="text-sm text-muted">{alert.annotations.summary}</p>
        <div className="num mt-0.5 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
          {value && <span>{value}</span>}
          <AlertRunbook alert={alert} />
        </div>
      </div>
      <div className="flex flex-col items-end gap-1.5">
        <div className={clsx("num pt-0.5 text-right text-sm whitespace-nowrap", firing ? "font-semibold text-fg" : "text-muted")}>
          {age === null ? "—" : `${firing ? "firing" : "pending"} for ${age}`}
        </div>
        {firing && <DeclareFromAlert alert={alert} />}
      </div>
    </li>
  );
});

type Props = {
  /** Show at most this many rows, then "+N more" (a wall tile has fixed room). Default: all. */
  limit?: number;
  className?: string;
};

/**
 * Pending and firing alerts, firing and most severe first; inhibited lower tiers are hidden.
 * Subscribes to the `alerts` channel itself: place it anywhere under LiveProvider.
 */
export function FiringAlerts({ limit, className }: Props) {
  const { alerts, firing, pending, stale } = useAlerts();
  const now = useServerNow(1000);
  const shown = alerts && limit !== undefined ? alerts.slice(0, limit) : alerts;
  const more = alerts && shown ? alerts.length - shown.length : 0;

  return (
    <section aria-label="Firing alerts" className={clsx("rounded-2xl border border-line bg-surface p-4", className)}>
      <header className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">
          Alerts
          {alerts && (
            <span className="num ml-3 font-normal normal-case">
              {firing.length} firing{pending.length > 0 && ` · ${pending.length} pending`}
            </span>
          )}
        </h2>
        {stale && alerts && <StatePill state="stale" label="STALE · reconnecting" />}
      </header>
      {!alerts ? (
        <p className="rounded-lg border border-dashed border-line px-4 py-6 text-center text-sm text-muted">Connecting to alerts…</p>
      ) : alerts.length === 0 ? (
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
          <ul className="flex flex-col gap-2">
            {shown!.map((a) => (
              <AlertRow key={a.id} alert={a} now={now} stale={stale} />
            ))}
          </ul>
          {more > 0 && <p className="mt-2 text-sm text-muted">+{more} more</p>}
        </>
      )}
    </section>
  );
}
