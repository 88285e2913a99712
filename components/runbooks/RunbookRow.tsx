import Link from "next/link";
import { ListChecks, UserRound } from "lucide-react";
import { Highlight } from "./Highlight";
import { ReviewedText, StaleBadge } from "./StaleBadge";
import type { RunbookSummary } from "./types";

/** One runbook in a list or a search result: title (highlighted), services, tags, owner, review date. */
export function RunbookRow({ rb, terms = [], snippet }: { rb: RunbookSummary; terms?: string[]; snippet?: string }) {
  return (
    <li className="rounded-lg border border-line bg-surface px-4 py-3 hover:border-muted">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <Link href={`/runbooks/${rb.slug}`} className="text-base font-semibold text-fg hover:underline">
          <Highlight text={rb.title} terms={terms} />
        </Link>
        {rb.severity && <span className="text-xs font-bold text-muted">{rb.severity}</span>}
        {rb.stale && <StaleBadge lastReviewed={rb.lastReviewed} />}
        <span className="font-mono text-xs text-faint">{rb.slug}</span>
      </div>
      {snippet && (
        <p className="mt-1 line-clamp-2 text-sm text-muted">
          <Highlight text={snippet} terms={terms} />
        </p>
      )}
      <div className="mt-1.5 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
        {rb.services.length > 0 && <span>services: <span className="text-fg">{rb.services.join(", ")}</span></span>}
        <span className="inline-flex items-center gap-1">
          <UserRound aria-hidden className="size-3.5" />
          {rb.owner ?? "no owner"}
        </span>
        <span className={rb.stale ? "text-warn" : undefined}>
          <ReviewedText lastReviewed={rb.lastReviewed} />
        </span>
        {rb.steps > 0 && (
          <span className="inline-flex items-center gap-1">
            <ListChecks aria-hidden className="size-3.5" />
            {rb.steps} steps
          </span>
        )}
        {rb.tags.length > 0 && <span>{rb.tags.map((t) => `#${t}`).join(" ")}</span>}
      </div>
    </li>
  );
}
