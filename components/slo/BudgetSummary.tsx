"use client";

import Link from "next/link";
import clsx from "clsx";
import { STATE_UI, StateMark } from "@/components/ui/state";
import { ValueWithUnit } from "@/components/ui/ValueWithUnit";
import { budgetState, budgetText, formatTarget, windowLabel } from "./model";
import { useWorstSlo } from "./useSlos";

type Props = {
  /**
   * "cell" (default) renders dt/dd pairs for the status banner's `<dl>`, like its other cells;
   * "standalone" wraps them in a `<dl>` of its own.
   */
  variant?: "cell" | "standalone";
  className?: string;
};

/** Banner cell: the least error budget left across all SLOs, which SLO, and its state. Links to /slos. */
export function BudgetSummary({ variant = "cell", className }: Props) {
  const { worst: w, stale } = useWorstSlo();
  const loaded = w !== undefined;
  const worst = w ?? null;
  const state = budgetState(worst?.budgetRemaining);
  const breach = !stale && (state === "warn" || state === "critical");
  const value = !loaded ? "—" : !worst ? "no SLOs" : budgetText(worst.budgetRemaining);

  const cell = (
    <div className={clsx("flex min-w-0 flex-col justify-center gap-1 px-6 py-5", className)} data-testid="budget-summary">
      <dt className="flex items-center gap-2 text-xs font-semibold tracking-wider text-muted uppercase">
        Worst error budget
        {loaded && stale ? <StateMark state="stale" /> : breach && <StateMark state={state} />}
      </dt>
      <dd
        className={clsx(
          "num truncate text-4xl leading-none font-semibold tracking-tight",
          !worst || state === "unknown" ? "text-muted" : stale ? "text-stale opacity-60" : breach ? STATE_UI[state].text : "text-fg",
        )}
      >
        <Link href="/slos" className="hover:underline">
          <ValueWithUnit text={value.replace(" (exhausted)", "")} />
          {value.endsWith("(exhausted)") && <span className="ml-2 text-base font-bold">exhausted</span>}
        </Link>
      </dd>
      {worst && <dd className="truncate text-sm text-fg">{worst.name}</dd>}
      {worst && (
        <dd className="num truncate text-xs text-faint">
          left · {formatTarget(worst.target)} over {windowLabel(worst.window)}
        </dd>
      )}
    </div>
  );
  return variant === "standalone" ? <dl>{cell}</dl> : cell;
}
