import clsx from "clsx";
import { Hourglass } from "lucide-react";

/** "STALE": last reviewed more than 90 days ago, or never; the title says which. */
export function StaleBadge({ lastReviewed, className }: { lastReviewed: string | null; className?: string }) {
  const why = lastReviewed ? `Last reviewed ${lastReviewed}, more than 90 days ago` : "Never reviewed (no last_reviewed date)";
  return (
    <span
      title={why}
      className={clsx(
        "inline-flex items-center gap-1 rounded-full bg-warn/12 px-2 py-0.5 text-[0.7rem] font-bold tracking-wide text-warn ring-1 ring-warn/45 ring-inset whitespace-nowrap",
        className,
      )}
    >
      <Hourglass aria-hidden className="size-3" strokeWidth={2.5} />
      STALE
      <span className="sr-only">: {why}</span>
    </span>
  );
}

export function ReviewedText({ lastReviewed }: { lastReviewed: string | null }) {
  return <span className="num">{lastReviewed ? `reviewed ${lastReviewed}` : "never reviewed"}</span>;
}
