"use client";

import Link from "next/link";
import { BudgetGauge } from "./BudgetGauge";
import { exhaustion, formatTarget, sliDescription, windowLabel } from "./model";
import { useSlos } from "./useSlos";

/** Small budget gauges for one service's SLOs (service page); nothing when it has none. */
export function ServiceBudgets({ serviceId }: { serviceId: string }) {
  const { slos, stale } = useSlos();
  const mine = slos?.filter((s) => s.service === serviceId);
  if (mine && mine.length === 0) return null;

  return (
    <section aria-label="Error budgets" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-3 flex items-baseline justify-between text-sm font-semibold tracking-wide text-muted uppercase">
        Error budgets
        <Link href="/slos" className="text-xs font-semibold tracking-normal text-chart-1 normal-case hover:underline">
          All SLOs
        </Link>
      </h2>
      {!mine ? (
        <p className="py-4 text-center text-sm text-muted">Connecting…</p>
      ) : (
        <ul className="flex flex-wrap gap-x-8 gap-y-4">
          {mine.map((s) => (
            <li key={s.id}>
              <article aria-label={`SLO ${s.name}`} className="flex items-center gap-3">
                <BudgetGauge remaining={s.budgetRemaining} stale={stale} size="sm" />
                <div className="min-w-0 max-w-72">
                  <Link href={`/slos#slo-${s.id}`} className="block truncate text-sm font-semibold text-fg hover:underline">
                    {s.name}
                  </Link>
                  <p className="text-xs text-muted">
                    <span className="num">{formatTarget(s.target)}</span> of {sliDescription(s.sli)}
                  </p>
                  <p className="text-xs text-faint">{windowLabel(s.window)}</p>
                  <p className="num text-xs text-muted">{exhaustion(s).text}</p>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
