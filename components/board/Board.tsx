"use client";

import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import clsx from "clsx";
import { isDrillActive } from "@/lib/drills/types";
import type { BoardFrame, ServiceInfo } from "@/lib/signals/contract";
import { useServerNow } from "@/components/live/LiveProvider";
import { ActiveDrills } from "@/components/drills/ActiveDrills";
import { BoardProbes } from "@/components/gamedays/BoardProbes";
import { DrillLauncher } from "@/components/drills/DrillLauncher";
import { FiringAlerts } from "@/components/alerts/FiringAlerts";
import { ActiveIncidents } from "@/components/incidents/ActiveIncidents";
import { StateMark } from "@/components/ui/state";
import { StatusBanner } from "./StatusBanner";
import { ServiceTile } from "./ServiceTile";
import { useFilterKeys } from "@/components/ui/useFilterKeys";
import { BoardControls, writeBoardView, type BoardView } from "./BoardControls";
import { groupTiles, tileViews, type TileGroup } from "./groups";
import { sourceDownFor, summarize } from "./model";
import { BOARD_POLL_MS, useBoard } from "./useBoard";
import { useVisible } from "@/components/ui/useVisible";
import { useFirstPaint } from "@/components/ui/useFirstPaint";
import { LiveAnnouncer } from "./LiveAnnouncer";
import { packRows, useKioskColumns } from "./pack";

const NO_SERVICES: ServiceInfo[] = [];
/** Tiles in the server-rendered page and the first paint; the rest follow once the page is live. */
const FIRST_PAINT_TILES = 48;

/** The war-room page: banner, drills, services grouped worst first, drill launcher. */
export function Board({ initial, initialView }: { initial: BoardFrame | null; initialView: BoardView }) {
  const { board: liveBoard, polling } = useBoard(initial);
  // A tick re-renders up to 1,000 tiles: at transition priority, so React renders it in slices that
  // yield to input and paint instead of one long task (bench/board, BENCHMARKS.md "Board for large estates").
  const board = useDeferredValue(liveBoard);
  const now = useServerNow(500);
  const [view, setView] = useState(initialView);
  const { mounted, take } = useFirstPaint(FIRST_PAINT_TILES);
  const input = useRef<HTMLInputElement>(null);
  const change = useCallback((v: BoardView) => {
    setView(v);
    writeBoardView(v);
  }, []);
  const typed = useCallback((text: string) => setView((v) => {
    const next = { ...v, filter: v.filter + text };
    writeBoardView(next);
    return next;
  }), []);
  useFilterKeys(input, typed);
  const { visible, observe } = useVisible();

  const byId = useMemo(() => new Map((board?.services ?? []).map((s) => [s.id, s])), [board?.services]);
  const summary = useMemo(() => (board ? summarize(board, now, byId) : null), [board, now, byId]);
  // Services whose own data stopped (a push-fed service whose pushes ended), as the server judges it.
  const staleIds = useMemo(() => new Set(board?.summary?.stale ?? []), [board?.summary?.stale]);
  const views = useMemo(() => (board ? tileViews(board.services, board.latest) : []), [board]);
  const grouped = useMemo(() => groupTiles(views, view.group, view.filter), [views, view.group, view.filter]);
  // Kiosk: small teams fill the gaps bigger ones leave in a row (components/board/pack.ts).
  const servicesRef = useRef<HTMLElement>(null);
  const columns = useKioskColumns(servicesRef);
  const groups = useMemo(() => (columns ? packRows(grouped, (g) => g.tiles.length, columns) : grouped), [grouped, columns]);
  const shown = groups.reduce((n, g) => n + g.tiles.length, 0);

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
    <main className="mx-auto flex max-w-[240rem] flex-col gap-5 px-6 py-5 kiosk:gap-3 kiosk:px-3 kiosk:py-3">
      <h1 className="sr-only">{board?.title ?? "War Room"} — live board</h1>
      <LiveAnnouncer status={summary?.status ?? null} views={views} now={now} />
      {polling && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-xl border border-warn/40 bg-warn/10 px-5 py-2.5 text-sm">
          <StateMark state="warn" />
          <span className="font-semibold text-fg">Live updates unavailable</span>
          <span className="text-muted">
            The WebSocket to the server does not connect (a proxy may block it, or the server is away). Refreshing the board over HTTP every {BOARD_POLL_MS / 1000} s.
          </span>
        </div>
      )}
      <StatusBanner summary={summary} dataAge={dataAge} tickMs={board?.tickMs ?? 1000} activeDrills={activeDrills} source={board?.source ?? null} now={now} />
      <BoardProbes />
      {/* Kiosk: incidents (with the one-line drills under them) and alerts share one row, each
          keeping to a few rows and saying how many more, so the height goes to the tiles. */}
      <div className="contents kiosk:grid kiosk:grid-cols-[1fr_1.2fr] kiosk:items-start kiosk:gap-3">
        <div className="contents kiosk:flex kiosk:min-w-0 kiosk:flex-col kiosk:gap-3">
          <ActiveIncidents />
          <ActiveDrills drills={board?.drills ?? []} services={board?.services ?? []} now={now} />
        </div>
        <FiringAlerts />
      </div>
      {/* Kiosk: groups flow side by side (a team of one does not take a whole row), so a wall screen
          fits more; a group's basis is exactly its tiles at the grid's 19rem minimum plus their gaps,
          so at 1080p (98.5rem wide) a team of three and one of two share a row. */}
      <section ref={servicesRef} aria-label="Services" className="flex flex-col gap-4 kiosk:flex-row kiosk:flex-wrap kiosk:gap-3">
        <h2 className="sr-only">Services</h2>
        {board ? (
          <>
            <div className="contents kiosk:hidden">
              <BoardControls view={view} onChange={change} input={input} shown={shown} total={board.services.length} />
            </div>
            {groups.length === 0 && <p className="rounded-xl border border-dashed border-line px-4 py-8 text-center text-muted">No service matches “{view.filter}”.</p>}
            {groups.map((g) => {
              const n = take(g.tiles.length);
              return (
                <Group key={g.key} group={g} compact={view.compact}>
                  {g.tiles.slice(0, n).map((t) => (
                    <ServiceTile
                      key={t.info.id}
                      info={t.info}
                      values={t.values}
                      spark={board.spark[t.info.id]}
                      end={board.lastTickAt}
                      stale={stale || staleIds.has(t.info.id) || sourceDownFor(board.source, t.info)}
                      drilled={drilled.has(t.info.id)}
                      live={visible.has(t.info.id) || !mounted}
                      state={t.state}
                      compact={view.compact}
                      observe={observe}
                    />
                  ))}
                </Group>
              );
            })}
          </>
        ) : (
          <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">Connecting to the live board…</p>
        )}
      </section>
      <DrillLauncher services={board?.services ?? NO_SERVICES} />
    </main>
  );
}

function Group({ group, compact, children }: { group: TileGroup; compact: boolean; children: React.ReactNode }) {
  const c = group.counts;
  return (
    <section
      aria-label={`Group ${group.label}`}
      style={{ "--tiles": Math.min(group.tiles.length, 6) } as React.CSSProperties}
      className="flex flex-col gap-2 kiosk:min-w-0 kiosk:grow-[var(--tiles)] kiosk:basis-[calc(var(--tiles)*19.75rem-0.75rem)]"
    >
      <h3 className="num flex flex-wrap items-baseline gap-x-3 text-sm font-semibold tracking-wide text-muted uppercase">
        <span className="text-fg">{group.label}</span>
        <span data-testid="group-count">{group.tiles.length} {group.tiles.length === 1 ? "service" : "services"}</span>
        {c.critical > 0 && <span className="text-critical">{c.critical} critical</span>}
        {c.warn > 0 && <span className="text-warn">{c.warn} warn</span>}
        {c.unknown > 0 && <span>{c.unknown} no data</span>}
      </h3>
      <div
        className={clsx(
          "grid",
          compact ? "grid-cols-[repeat(auto-fill,minmax(19rem,1fr))] gap-1.5" : "grid-cols-[repeat(auto-fill,minmax(24rem,1fr))] gap-4 kiosk:grid-cols-[repeat(auto-fill,minmax(19rem,1fr))] kiosk:gap-3",
        )}
      >
        {children}
      </div>
    </section>
  );
}
