import clsx from "clsx";
import type { Tier } from "@/lib/alerts/model";
import { TIER_UI } from "./model";

/** PAGE / URGENT / TICKET: icon, word and colour together. */
export function TierBadge({ tier, className }: { tier: Tier; className?: string }) {
  const ui = TIER_UI[tier];
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1.5 rounded-md px-2 py-0.5 text-xs font-bold tracking-wider whitespace-nowrap ring-1 ring-inset",
        ui.chip,
        className,
      )}
    >
      <ui.Icon aria-hidden className="size-3.5 shrink-0" strokeWidth={2.5} />
      {ui.label}
    </span>
  );
}
