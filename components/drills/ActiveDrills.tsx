"use client";

import { useState } from "react";
import clsx from "clsx";
import { Square } from "lucide-react";
import { drillEnd, drillKindLabel, isDrillActive, type DrillEffect } from "@/lib/drills/types";
import type { ServiceInfo } from "@/lib/signals/contract";
import { formatDuration } from "@/lib/signals/format";
import { ApiError } from "@/components/api";
import { DrillBadge } from "./DrillBadge";
import { useStopDrill } from "./api";
import { useCan } from "@/components/auth/useCan";

export function magnitudeText(d: Pick<DrillEffect, "kind" | "magnitude">): string {
  switch (d.kind) {
    case "latency":
    case "traffic":
      return `×${d.magnitude}`;
    default:
      return `${d.magnitude} %`;
  }
}

function DrillRow({ drill, name, now }: { drill: DrillEffect; name: string; now: number }) {
  const stop = useStopDrill();
  const perm = useCan()("drill.stop");
  const [error, setError] = useState<string | null>(null);
  const left = drillEnd(drill) - now;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
      <DrillBadge />
      <span className="font-semibold text-fg">{drillKindLabel(drill.kind)}</span>
      <span className="text-muted">
        on <span className="font-medium text-fg">{name}</span>
      </span>
      <span className="num text-muted">{magnitudeText(drill)}</span>
      <span className="num ml-auto text-sm text-muted">
        <span className="font-semibold text-fg">{formatDuration(left)}</span> left
      </span>
      <button
        type="button"
        disabled={stop.isPending || !perm.allowed}
        aria-disabled={perm.allowed ? undefined : true}
        onClick={() => {
          setError(null);
          stop.mutate(drill.id, { onError: (e) => setError(e instanceof ApiError ? e.message : "Could not stop the drill") });
        }}
        title={perm.reason ?? `Stop the ${drillKindLabel(drill.kind)} drill on ${name}`}
        className="inline-flex items-center gap-1.5 rounded-md border border-line px-3 py-1 text-sm font-medium text-fg hover:border-critical hover:text-critical disabled:opacity-50"
      >
        <Square aria-hidden className="size-3.5" fill="currentColor" />
        {stop.isPending ? "Stopping…" : "Stop"}
      </button>
      {error && (
        <p role="alert" className="w-full text-sm text-critical">
          {error}
        </p>
      )}
    </li>
  );
}

export function ActiveDrills({ drills, services, now }: { drills: DrillEffect[]; services: ServiceInfo[]; now: number | null }) {
  const active = now === null ? [] : drills.filter((d) => isDrillActive(d, now));
  const names = new Map(services.map((s) => [s.id, s.name]));
  return (
    <section
      aria-label="Active drills"
      className={clsx("rounded-xl border bg-surface kiosk:flex kiosk:items-center", active.length ? "border-drill/40" : "border-line")}
    >
      <h2 className="flex shrink-0 items-center gap-2 px-4 py-2.5 text-sm font-semibold tracking-wide text-muted uppercase">
        Active drills
        <span className="num rounded bg-surface-2 px-1.5 text-xs text-fg">{active.length}</span>
        {active.length === 0 && <span className="ml-2 text-sm font-normal tracking-normal text-faint normal-case">No drills running.</span>}
      </h2>
      {/* Kiosk: practice takes one line on a wall screen (the rows below are for a desk); the tiles
          carry their DRILL marks and the banner the count, leaving the height to incidents, alerts and services. */}
      {active.length > 0 && (
        <p data-testid="kiosk-drills" className="hidden min-w-0 truncate pr-4 text-sm text-muted kiosk:block">
          {active.map((d, i) => (
            <span key={d.id}>
              {i > 0 && " · "}
              <span className="font-semibold text-fg">{drillKindLabel(d.kind)}</span> on {names.get(d.target) ?? d.target}{" "}
              <span className="num">{magnitudeText(d)}</span>
            </span>
          ))}
        </p>
      )}
      {active.length > 0 && (
        <ul className="divide-y divide-line border-t border-line kiosk:hidden">
          {active.map((d) => (
            <DrillRow key={d.id} drill={d} name={names.get(d.target) ?? d.target} now={now ?? d.startedAt} />
          ))}
        </ul>
      )}
    </section>
  );
}
