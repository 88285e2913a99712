"use client";

import { memo } from "react";
import type { SloStatus } from "@/lib/slo/contract";
import { StatePill } from "@/components/ui/state";
import { SloCard } from "./SloCard";
import { budgetState, budgetText } from "./model";

type Props = { slo: SloStatus; stale: boolean; live: boolean; seen: boolean; observe: (el: Element | null) => (() => void) | undefined };

/**
 * One SLO in a long list: a light line until it first comes on screen (so 1,000 SLOs do not
 * fetch 1,000 burn-downs), the full card after; off screen it keeps its last render.
 */
export const SloSlot = memo(
  function SloSlot({ slo, stale, seen, observe }: Props) {
    return (
      <div ref={observe} data-service-id={slo.id} className="min-w-0 [contain-intrinsic-size:auto_28rem] [content-visibility:auto]">
        {seen ? (
          <SloCard slo={slo} stale={stale} />
        ) : (
          <article aria-label={`SLO ${slo.name}`} className="flex h-[28rem] items-start justify-between gap-3 rounded-xl border border-line bg-surface p-5">
            <h3 className="truncate text-lg font-semibold text-fg">{slo.name}</h3>
            <span className="flex items-center gap-2 text-sm text-muted">
              {budgetText(slo.budgetRemaining)} <StatePill state={stale ? "stale" : budgetState(slo.budgetRemaining)} />
            </span>
          </article>
        )}
      </div>
    );
  },
  (a, b) => a.seen === b.seen && a.live === b.live && a.stale === b.stale && (!b.live || a.slo === b.slo) && budgetState(a.slo.budgetRemaining) === budgetState(b.slo.budgetRemaining),
);
