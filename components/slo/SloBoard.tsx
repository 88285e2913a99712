"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import clsx from "clsx";
import { StatePill } from "@/components/ui/state";
import { useFilterKeys } from "@/components/ui/useFilterKeys";
import { useVisible } from "@/components/ui/useVisible";
import { useFirstPaint } from "@/components/ui/useFirstPaint";
import { formatAge } from "@/lib/signals/format";
import { useNow } from "@/components/live/LiveProvider";
import { SloSlot } from "./SloSlot";
import { budgetState, groupWorstFirst } from "./model";
import { useSlos } from "./useSlos";
import type { SlosFrame } from "@/lib/slo/page-feed";

/** Up to this many SLOs every card is drawn at once; beyond, a card is drawn when it first comes on screen. */
const DRAW_ALL_UP_TO = 40;
/**
 * SLO lines in the server's HTML and the first client render (a screen or two, as the board's
 * FIRST_PAINT_TILES; components/ui/useFirstPaint.ts), so the page of 1,258 SLOs is not 1,258 lines
 * of HTML before anything shows.
 */
const FIRST_PAINT_SLOS = 24;

/** The /slos page: every SLO worst first (firing page-tier, firing ticket-tier, then least budget; components/slo/model.ts groupWorstFirst) under service headings, filterable, live over the `slos` channel. */
export function SloBoard({ initial = null }: { initial?: SlosFrame | null }) {
  const { slos, stale, receivedAt } = useSlos(initial);
  const now = useNow(1000);
  const [filter, setFilter] = useState("");
  // The filter lives in the URL (`q`); read after hydration so the server's HTML and the first client render agree.
  useEffect(() => setFilter(new URLSearchParams(window.location.search).get("q") ?? ""), []);
  const input = useRef<HTMLInputElement>(null);
  const write = useCallback((q: string) => {
    setFilter(q);
    const url = new URL(window.location.href);
    if (q) url.searchParams.set("q", q);
    else url.searchParams.delete("q");
    window.history.replaceState(window.history.state, "", url);
  }, []);
  const typed = useCallback((text: string) => write((input.current?.value ?? "") + text), [write]);
  useFilterKeys(input, typed);
  const { visible, observe } = useVisible();
  const seen = useRef(new Set<string>());
  for (const id of visible) seen.current.add(id);
  const groups = useMemo(() => (slos ? groupWorstFirst(slos, filter) : []), [slos, filter]);
  const shown = groups.reduce((n, g) => n + g.slos.length, 0);
  const drawAll = (slos?.length ?? 0) <= DRAW_ALL_UP_TO;
  const { take } = useFirstPaint(FIRST_PAINT_SLOS);
  const counts = { ok: 0, warn: 0, critical: 0, unknown: 0 };
  for (const s of slos ?? []) {
    const st = budgetState(s.budgetRemaining);
    counts[st === "stale" ? "unknown" : st]++;
  }

  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5 kiosk:gap-3 kiosk:px-5 kiosk:py-3">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-fg">SLOs and error budgets</h1>
          <p className="num text-sm text-muted">
            {slos ? (
              <>
                {slos.length} SLOs · {counts.ok} healthy budget
                {counts.warn > 0 && <span className="text-warn"> · {counts.warn} below 50 %</span>}
                {counts.critical > 0 && <span className="text-critical"> · {counts.critical} below 20 %</span>}
                {counts.unknown > 0 && <span> · {counts.unknown} without data</span>}
              </>
            ) : (
              "Waiting for data…"
            )}
          </p>
        </div>
        <div className="num flex items-center gap-3 text-sm text-muted">
          {stale && receivedAt !== null && <StatePill state="stale" label="STALE · last known budgets" />}
          {receivedAt !== null && now !== null && <span>updated {formatAge(now - receivedAt)} ago</span>}
        </div>
      </header>

      {slos && slos.length > 0 && (
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex min-w-64 flex-1 items-center gap-2 rounded-lg border border-line bg-surface px-3 py-1.5 focus-within:border-muted sm:max-w-md">
            <span className="text-xs font-semibold tracking-wider text-muted uppercase">Filter</span>
            <input
              ref={input}
              type="search"
              aria-label="Filter SLOs"
              placeholder="service, name, firing, critical — press f"
              value={filter}
              onChange={(e) => write(e.target.value)}
              className="min-w-0 flex-1 bg-transparent text-sm text-fg placeholder:text-faint focus:outline-none"
            />
          </label>
          <span className="num text-sm text-muted" aria-live="polite">
            {shown === slos.length ? `${slos.length} SLOs` : `${shown} of ${slos.length} SLOs`}
          </span>
        </div>
      )}

      {!slos ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">Connecting to live SLO data…</p>
      ) : slos.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">
          No SLOs are configured. Add them under <code className="text-fg">slos:</code> in the config.
        </p>
      ) : (
        // No dense packing: it would pull a healthier SLO up into an earlier hole, out of worst-first order.
        <div className="grid grid-cols-1 gap-5 2xl:grid-cols-2">
          {groups.map((g) => {
            const n = take(g.slos.length);
            if (n === 0) return null;
            return (
              <section
                key={g.key}
                aria-label={`Service ${g.service}`}
                className={clsx("flex min-w-0 flex-col gap-2", g.slos.length > 1 && "2xl:col-span-2")}
              >
                <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">{g.service}</h2>
                <div className={clsx("grid gap-5", g.slos.length > 1 && "2xl:grid-cols-2")}>
                  {g.slos.slice(0, n).map((s) => (
                    <SloSlot key={s.id} slo={s} stale={stale} live={drawAll || visible.has(s.id)} seen={drawAll || seen.current.has(s.id)} observe={observe} />
                  ))}
                </div>
              </section>
            );
          })}
        </div>
      )}
    </main>
  );
}
