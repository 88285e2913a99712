"use client";

import { useMemo } from "react";
import { isDrillActive } from "@/lib/drills/types";
import type { ServiceInfo } from "@/lib/signals/contract";
import { useServerNow } from "@/components/live/LiveProvider";
import { ActiveDrills } from "@/components/drills/ActiveDrills";
import { DrillLauncher } from "@/components/drills/DrillLauncher";
import { FiringAlerts } from "@/components/alerts/FiringAlerts";
import { ActiveIncidents } from "@/components/incidents/ActiveIncidents";
import { StatusBanner } from "./StatusBanner";
import { ServiceTile } from "./ServiceTile";
import { sourceDownFor, summarize } from "./model";
import { useBoard } from "./useBoard";

const NO_SERVICES: ServiceInfo[] = [];

/** The war-room page: banner, drills, one tile per service, drill launcher. */
export function Board() {
  const board = useBoard();
  const now = useServerNow(500);
  const summary = useMemo(() => (board ? summarize(board, now) : null), [board, now]);

  const { drilled, activeDrills } = useMemo(() => {
    const set = new Set<string>();
    let n = 0;
    if (board && now !== null)
      for (const d of board.drills)
        if (isDrillActive(d, now)) {
          set.add(d.target);
          n++;
        }
    return { drilled: set, activeDrills: n };
  }, [board, now]);

  const dataAge = board?.lastTickAt != null && now !== null ? Math.max(0, now - board.lastTickAt) : null;
  const stale = summary?.stale ?? true;

  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5 kiosk:gap-3 kiosk:px-5 kiosk:py-3">
      <h1 className="sr-only">{board?.title ?? "War Room"} — live board</h1>
      <StatusBanner
        summary={summary}
        dataAge={dataAge}
        tickMs={board?.tickMs ?? 1000}
        activeDrills={activeDrills}
        source={board?.source ?? null}
        now={now}
      />
      <ActiveIncidents />
      <ActiveDrills drills={board?.drills ?? []} services={board?.services ?? []} now={now} />
      <FiringAlerts />
      <section aria-label="Services">
        <h2 className="mb-3 text-sm font-semibold tracking-wide text-muted uppercase kiosk:sr-only">Services</h2>
        {board ? (
          <div className="grid grid-cols-[repeat(auto-fill,minmax(24rem,1fr))] gap-4 kiosk:gap-3">
            {board.services.map((s) => (
              <ServiceTile
                key={s.id}
                info={s}
                values={board.latest[s.id] ?? null}
                spark={board.spark[s.id]}
                end={board.lastTickAt}
                stale={stale || sourceDownFor(board.source, s)}
                drilled={drilled.has(s.id)}
              />
            ))}
          </div>
        ) : (
          <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">Connecting to the live board…</p>
        )}
      </section>
      <DrillLauncher services={board?.services ?? NO_SERVICES} />
    </main>
  );
}
