"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { RANGES, RANGE_META, withRange, type RangeKey } from "@/lib/signals/range";

/** Links, not buttons: each range is a URL someone can paste into the call. */
export function RangeSelector({ value }: { value: RangeKey }) {
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <nav aria-label="Time range" className="inline-flex rounded-lg border border-line bg-surface p-1">
      {RANGES.map((r) => {
        const active = r === value;
        return (
          <Link
            key={r}
            href={`${pathname}${withRange(params.toString(), r)}`}
            replace
            scroll={false}
            aria-current={active ? "true" : undefined}
            className={clsx(
              "num rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap",
              active ? "bg-surface-2 text-fg ring-1 ring-line" : "text-muted hover:text-fg",
            )}
          >
            {RANGE_META[r].label}
          </Link>
        );
      })}
    </nav>
  );
}
