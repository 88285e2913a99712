import { BadgeCheck } from "lucide-react";
import { formatDateTime, type TimeZoneMode } from "@/lib/signals/format";
import { ImpactStrip } from "./ImpactStrip";
import { PostmortemDocument } from "./PostmortemDocument";
import type { Postmortem } from "./types";

/** A published postmortem: read-only, the badge saying when and by whom. */
export function PublishedView({ postmortem: p, tz }: { postmortem: Postmortem; tz: TimeZoneMode }) {
  return (
    <div className="flex flex-col gap-4">
      <p
        role="status"
        aria-label="Published"
        className="inline-flex items-center gap-2 self-start rounded-full bg-ok/12 px-3 py-1 text-sm font-semibold text-ok ring-1 ring-ok/45 ring-inset print:hidden"
      >
        <BadgeCheck aria-hidden className="size-4" />
        Published <span className="num">{formatDateTime(p.publishedAt ?? p.updatedAt, tz)}</span> by {p.updatedBy}
        <span className="font-normal text-ok/80">· read-only</span>
      </p>
      <ImpactStrip impact={p.impact} />
      <div className="mx-auto w-full max-w-4xl rounded-xl border border-line bg-surface px-10 py-6 print:max-w-none print:rounded-none print:border-0 print:bg-transparent print:p-0">
        <PostmortemDocument markdown={p.body} />
      </div>
    </div>
  );
}
