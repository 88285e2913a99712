"use client";

import Link from "next/link";
import clsx from "clsx";
import { STATE_UI, StateMark } from "@/components/ui/state";
import { ValueWithUnit } from "@/components/ui/ValueWithUnit";
import { CAPTION, CELL, CELL_LABEL, DETAIL, FIGURE } from "@/components/ui/bannerCell";
import { budgetState, formatBudget, formatTarget, windowLabel } from "./model";
import { useWorstSlo } from "./useSlos";

type Props = {
  /**
   * "cell" (default) renders dt/dd pairs for the status banner's `<dl>`, like its other cells;
   * "standalone" wraps them in a `<dl>` of its own.
   */
  variant?: "cell" | "standalone";
  className?: string;
};

/**
 * The banner figure: overspends beyond 10× the budget read "< −999 %" (the exact figure is on
 * /slos); the caption says "exhausted".
 */
export function budgetFigure(remaining: number | null | undefined): string {
  if (remaining != null && Number.isFinite(remaining) && remaining < -9.99) return "< \u2212999 %";
  return formatBudget(remaining);
}

/** Banner cell: the least error budget left across all SLOs, which SLO, and its state. Links to /slos. */
export function BudgetSummary({ variant = "cell", className }: Props) {
  const { worst: w, stale } = useWorstSlo();
  const loaded = w !== undefined;
  const worst = w ?? null;
  const state = budgetState(worst?.budgetRemaining);
  const breach = !stale && (state === "warn" || state === "critical");
  const value = !loaded ? "—" : !worst ? "no SLOs" : budgetFigure(worst.budgetRemaining);
  const exhausted = worst?.budgetRemaining != null && Number.isFinite(worst.budgetRemaining) && worst.budgetRemaining <= 0;

  const cell = (
    <div className={clsx(CELL, className)} data-testid="budget-summary">
      <dt className={CELL_LABEL}>
        Worst error budget
        {loaded && stale ? <StateMark state="stale" /> : breach && <StateMark state={state} />}
      </dt>
      <dd
        data-figure
        className={clsx(FIGURE, !worst || state === "unknown" ? "text-muted" : stale ? "text-stale opacity-60" : breach ? STATE_UI[state].text : "text-fg")}
      >
        <Link href="/slos" className="hover:underline">
          <ValueWithUnit text={value} />
        </Link>
      </dd>
      {worst && (
        <dd className={clsx(CAPTION, "text-fg")}>
          {exhausted && <span className="font-semibold text-critical">exhausted · </span>}
          {worst.name}
        </dd>
      )}
      {worst && (
        <dd className={DETAIL}>
          left · {formatTarget(worst.target)} over {windowLabel(worst.window)}
        </dd>
      )}
    </div>
  );
  return variant === "standalone" ? <dl>{cell}</dl> : cell;
}
