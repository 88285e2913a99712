import clsx from "clsx";
import { Eye } from "lucide-react";
import { initials } from "./identity";
import type { Viewer } from "./types";

const MAX_SHOWN = 8;

/** Who is looking at this incident right now (presence from the `incident:<id>` channel). */
export function Viewers({ viewers, className }: { viewers: Viewer[]; className?: string }) {
  // One avatar per name: the same person in two tabs is one viewer to the room.
  const counts = new Map<string, number>();
  for (const v of viewers) counts.set(v.name, (counts.get(v.name) ?? 0) + 1);
  const names = [...counts.keys()].sort((a, b) => (a === "anonymous" ? 1 : b === "anonymous" ? -1 : a.localeCompare(b)));
  const shown = names.slice(0, MAX_SHOWN);
  return (
    <div className={clsx("flex items-center gap-2", className)}>
      <Eye aria-hidden className="size-4 text-muted" />
      <span className="text-xs font-semibold tracking-wide text-muted uppercase">Viewing</span>
      <ul aria-label="Viewers" className="flex items-center -space-x-1.5">
        {shown.map((n) => {
          const c = counts.get(n) ?? 1;
          return (
            <li
              key={n}
              title={c > 1 ? `${n} (${c})` : n}
              className="grid size-7 place-items-center rounded-full border-2 border-surface bg-surface-2 text-[0.65rem] font-bold text-fg ring-1 ring-line"
            >
              <span aria-hidden>{n === "anonymous" ? "?" : initials(n)}</span>
              <span className="sr-only">{c > 1 ? `${n} (${c})` : n}</span>
            </li>
          );
        })}
      </ul>
      <span className="num max-w-64 truncate text-sm text-muted">
        {names.length === 0 ? "nobody yet" : names.length > MAX_SHOWN ? `${shown.join(", ")} +${names.length - MAX_SHOWN}` : names.join(", ")}
      </span>
    </div>
  );
}
