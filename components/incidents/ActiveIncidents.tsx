"use client";

import Link from "next/link";
import clsx from "clsx";
import { CircleCheck, Siren } from "lucide-react";
import { formatDuration } from "@/lib/signals/format";
import { useServerNow } from "@/components/live/LiveProvider";
import { DrillBadge } from "@/components/drills/DrillBadge";
import { useLiveIncidents } from "./api";
import { SeverityBadge, StatusBadge } from "./Badges";
import { useIncidentUi } from "./IncidentUi";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import { SEVERITY_UI, incidentLabel } from "./meta";
import { isActive } from "./types";

export function DeclareButton({ className }: { className?: string }) {
  const { openDeclare } = useIncidentUi();
  const perm = useCan()("incident.declare");
  return (
    <button
      type="button"
      onClick={() => openDeclare()}
      title="Declare incident (d)"
      disabled={!perm.allowed}
      {...denied(perm)}
      className={clsx(
        "inline-flex items-center gap-2 rounded-md bg-critical px-3.5 py-1.5 text-sm font-semibold text-bg hover:bg-critical/90 disabled:cursor-not-allowed disabled:opacity-50 kiosk:hidden",
        className,
      )}
    >
      <Siren aria-hidden className="size-4" strokeWidth={2.5} />
      Declare incident
    </button>
  );
}

/** Incident rows a kiosk shows (the ul's nth-child(n+4) rule hides the rest). */
const KIOSK_ROWS = 3;

/** The board's strip of open incidents, most severe first, live over the `incidents` channel. */
export function ActiveIncidents() {
  const all = useLiveIncidents();
  const now = useServerNow(500);
  const active = (all ?? []).filter(isActive).sort((a, b) => a.severity.localeCompare(b.severity) || a.startedAt - b.startedAt);
  // Drills are practice: the "days since the last incident" counter only counts real ones.
  const lastStart = (all ?? []).reduce<number | null>((m, i) => (i.drill ? m : Math.max(m ?? 0, i.startedAt)), null);

  return (
    <section aria-label="Active incidents" className="rounded-2xl border border-line bg-surface p-4 kiosk:p-3">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">
          Active incidents
          {all && <span className="num ml-3 font-normal normal-case">{active.length} open</span>}
          {all && now !== null && (
            <span data-testid="since-last-incident" className="num ml-3 font-normal normal-case">
              · {lastStart === null ? "no incidents recorded" : `${formatDuration(Math.max(0, now - lastStart))} since the last incident`}
            </span>
          )}
        </h2>
        <div className="flex items-center gap-3">
          <Link href="/incidents" className="text-sm text-muted hover:text-fg hover:underline kiosk:hidden">
            All incidents
          </Link>
          <DeclareButton />
        </div>
      </header>
      {all && active.length === 0 && (
        <p className="mt-3 flex items-center gap-2 text-sm text-ok">
          <CircleCheck aria-hidden className="size-4" strokeWidth={2.5} /> No open incidents
        </p>
      )}
      {active.length > 0 && (
        <ul className="mt-3 flex flex-col gap-2 kiosk:mt-2 kiosk:gap-1.5 kiosk:[&>li:nth-child(n+4)]:hidden">
          {active.map((i) => (
            <li key={i.id}>
              <Link
                href={`/incidents/${encodeURIComponent(i.id)}`}
                className={clsx(
                  "grid grid-cols-[auto_auto_1fr_auto_auto] items-center gap-x-3 rounded-lg border border-l-4 border-line bg-surface-2 px-3 py-2 hover:border-muted",
                  SEVERITY_UI[i.severity].accent,
                )}
              >
                <span className="num font-mono text-sm font-semibold whitespace-nowrap">{incidentLabel(i.number)}</span>
                <SeverityBadge severity={i.severity} />
                <span className="min-w-0 truncate font-semibold">
                  {i.title}
                  <span className="ml-2 text-sm font-normal text-muted">{i.services.join(", ")}</span>
                </span>
                <span className="flex items-center gap-2">
                  {i.drill && <DrillBadge />}
                  <StatusBadge status={i.status} />
                </span>
                <span className="num w-20 text-right text-sm text-muted">{now === null ? "—" : formatDuration(now - i.startedAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {/* A wall screen has fixed room: the three most severe, then how many more. */}
      {active.length > KIOSK_ROWS && <p className="mt-1.5 hidden text-sm text-muted kiosk:block">+{active.length - KIOSK_ROWS} more open</p>}
    </section>
  );
}
