"use client";

import clsx from "clsx";
import { StatePill } from "@/components/ui/state";
import { formatAge } from "@/lib/signals/format";
import { useNow } from "@/components/live/LiveProvider";
import { SloCard } from "./SloCard";
import { budgetState, groupByService } from "./model";
import { useSlos } from "./useSlos";

/** The /slos page: every SLO, grouped by service, live over the `slos` channel. */
export function SloBoard() {
  const { slos, stale, receivedAt } = useSlos();
  const now = useNow(1000);
  const groups = slos ? groupByService(slos) : [];
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

      {!slos ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">Connecting to live SLO data…</p>
      ) : slos.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">
          No SLOs are configured. Add them under <code className="text-fg">slos:</code> in the config.
        </p>
      ) : (
        <div className="grid grid-flow-row-dense grid-cols-1 gap-5 2xl:grid-cols-2">
          {groups.map((g) => (
            <section
              key={g.service}
              aria-label={`Service ${g.service}`}
              className={clsx("flex min-w-0 flex-col gap-2", g.slos.length > 1 && "2xl:col-span-2")}
            >
              <h2 className="text-sm font-semibold tracking-wide text-muted uppercase">{g.service}</h2>
              <div className={clsx("grid gap-5", g.slos.length > 1 && "2xl:grid-cols-2")}>
                {g.slos.map((s) => (
                  <SloCard key={s.id} slo={s} stale={stale} />
                ))}
              </div>
            </section>
          ))}
        </div>
      )}
    </main>
  );
}
