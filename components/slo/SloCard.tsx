import { memo } from "react";
import clsx from "clsx";
import { Timer } from "lucide-react";
import type { SloStatus } from "@/lib/slo/contract";
import { formatCompact } from "@/lib/signals/format";
import { STATE_UI, StatePill, type DisplayState } from "@/components/ui/state";
import { BudgetGauge } from "./BudgetGauge";
import { BurndownChart } from "./BurndownChart";
import { BurnRateTable } from "./BurnRateTable";
import { budgetBesideIdeal, budgetState, exhaustion, formatTarget, idealNow, sliDescription, windowLabel } from "./model";
import { useServerNow } from "@/components/live/LiveProvider";

const ACCENT: Record<DisplayState, string> = {
  ok: "border-l-line",
  warn: "border-l-warn",
  critical: "border-l-critical",
  stale: "border-l-stale/50",
  unknown: "border-l-line",
};

/** One SLO: what it promises, the budget left, how it was spent, and how fast it burns now. */
export const SloCard = memo(function SloCard({ slo, stale }: { slo: SloStatus; stale: boolean }) {
  const state = budgetState(slo.budgetRemaining);
  const tte = exhaustion(slo);
  const firing = slo.burnAlerts.filter((a) => a.firing);
  const paging = firing.some((a) => a.rule.severity === "page");
  // A minute is plenty for the ideal line's value (it moves 1 % in about 7 h of a month).
  const now = useServerNow(60_000);
  const ideal = now !== null && slo.budgetRemaining !== null ? idealNow(slo, now) : null;

  return (
    <article
      id={`slo-${slo.id}`}
      aria-label={`SLO ${slo.name}`}
      className={clsx("flex min-w-0 flex-col gap-4 rounded-xl border border-l-4 border-line bg-surface p-5", ACCENT[stale ? "stale" : state])}
    >
      <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1">
        <div className="min-w-0">
          <h3 className="truncate text-lg leading-tight font-semibold text-fg">{slo.name}</h3>
          <p className="text-sm text-muted">
            <span className="num font-semibold text-fg">{formatTarget(slo.target)}</span> of {sliDescription(slo.sli)}
            <span className="text-faint"> · </span>
            {windowLabel(slo.window)}
          </p>
        </div>
        {firing.length > 0 && !stale && (
          <StatePill
            state={paging ? "critical" : "warn"}
            label={`${paging ? "PAGING" : "TICKET"} · burn alert firing`}
          />
        )}
      </header>

      <div className="grid grid-cols-[15rem_1fr] items-start gap-5">
        <div className="flex flex-col items-center gap-2">
          <BudgetGauge remaining={slo.budgetRemaining} stale={stale} />
          {ideal && (
            <p data-testid="slo-ideal" className="num text-center text-sm text-muted">
              {budgetBesideIdeal(slo, now)}
            </p>
          )}
          <p
            className={clsx(
              "flex items-center gap-1.5 text-center text-sm",
              tte.state === "ok" || tte.state === "unknown" || stale ? "text-muted" : STATE_UI[tte.state].text,
            )}
          >
            <Timer aria-hidden className="size-4 shrink-0" />
            <span>
              <span className="sr-only">Time to exhaustion: </span>
              {tte.text}
            </span>
          </p>
          <p className="num text-xs text-faint">
            {slo.total > 0 ? `${formatCompact(slo.bad)} bad of ${formatCompact(slo.allowedBad)} allowed` : "no traffic in window"}
          </p>
        </div>
        <BurndownChart sloId={slo.id} windowMs={slo.windowMs} stale={stale} />
      </div>

      <BurnRateTable slo={slo} stale={stale} />
    </article>
  );
});
