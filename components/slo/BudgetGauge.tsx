import { memo } from "react";
import clsx from "clsx";
import { STATE_UI, StatePill } from "@/components/ui/state";
import { budgetPercent, budgetState, formatBudget } from "./model";

type Props = {
  /** Fraction of the error budget left (1 = untouched, may be negative); null = no data. */
  remaining: number | null;
  stale?: boolean;
  size?: "lg" | "sm";
  className?: string;
};

const STROKE: Record<string, string> = {
  ok: "var(--color-ok)",
  warn: "var(--color-warn)",
  critical: "var(--color-critical)",
  stale: "var(--color-stale)",
  unknown: "var(--color-stale)",
};

// Semicircle of radius R centred at (50, 50) in a 100 × 56 box; the arc length is πR.
const R = 42;
const ARC = Math.PI * R;
const PATH = `M ${50 - R} 50 A ${R} ${R} 0 0 1 ${50 + R} 50`;

/**
 * Error budget remaining as a semicircle, 100 % full to 0 % empty. The number and a state word
 * are always printed beside the colour; below zero the track turns critical and says "exhausted".
 */
export const BudgetGauge = memo(function BudgetGauge({ remaining, stale = false, size = "lg", className }: Props) {
  const pct = budgetPercent(remaining);
  const state = budgetState(remaining);
  const shown = stale && state !== "unknown" ? "stale" : state;
  const fill = pct === null ? 0 : Math.max(0, Math.min(100, pct)) / 100;
  const exhausted = pct !== null && pct <= 0;
  const text = formatBudget(remaining);
  const lg = size === "lg";

  return (
    <div
      role="meter"
      aria-label="Error budget remaining"
      aria-valuenow={pct ?? undefined}
      aria-valuemin={pct !== null ? Math.min(0, pct) : 0}
      aria-valuemax={100}
      aria-valuetext={pct === null ? "no data" : exhausted ? `${text} (exhausted)` : `${text} remaining`}
      className={clsx("relative flex shrink-0 flex-col items-center", lg ? "w-56" : "w-32", className)}
    >
      <svg viewBox="0 0 100 56" className="w-full" aria-hidden>
        <path
          d={PATH}
          fill="none"
          stroke={exhausted ? "var(--color-critical)" : "var(--color-surface-2)"}
          strokeOpacity={exhausted ? 0.35 : 1}
          strokeWidth={lg ? 9 : 10}
          strokeLinecap="round"
        />
        {fill > 0 && (
          <path
            d={PATH}
            fill="none"
            stroke={STROKE[shown]}
            strokeOpacity={stale ? 0.55 : 1}
            strokeWidth={lg ? 9 : 10}
            strokeLinecap="round"
            strokeDasharray={`${fill * ARC} ${ARC}`}
          />
        )}
      </svg>
      <div className={clsx("absolute inset-x-0 flex flex-col items-center", lg ? "top-[42%]" : "top-[30%]")}>
        <span
          className={clsx(
            "num leading-none font-semibold tracking-tight whitespace-nowrap",
            lg ? "text-4xl" : "text-xl",
            pct === null || stale ? "text-stale" : STATE_UI[state].text,
          )}
        >
          {pct === null ? (
            <span className={lg ? "text-2xl" : "text-base"}>no data</span>
          ) : (
            <>
              {text.replace(/ %$/, "")}
              <span className="ml-0.5 text-[0.55em] font-medium opacity-75">%</span>
              {exhausted && <span className="sr-only"> (exhausted)</span>}
            </>
          )}
        </span>
      </div>
      <div className={clsx("flex items-center gap-2", lg ? "mt-1" : "mt-1.5")}>
        {lg && <span className="text-xs font-semibold tracking-wider whitespace-nowrap text-muted uppercase">budget left</span>}
        <StatePill
          state={shown}
          label={exhausted && !stale ? "EXHAUSTED" : undefined}
          className={lg ? undefined : "!px-1.5 !text-[0.65rem]"}
        />
      </div>
    </div>
  );
});
