import clsx from "clsx";
import { CircleAlert, CircleCheck, CloudUpload, GitCompareArrows, PencilLine } from "lucide-react";
import { formatTimeZoned, type TimeZoneMode } from "@/lib/signals/format";
import type { SaveState } from "./useEditorSession";

/** "Saving…", "Saved 12:03:04 · v5", "Unsaved changes": always a word, an icon and a colour. */
export function SaveIndicator({ state, me, tz, onRetry }: { state: SaveState; me: string | null; tz: TimeZoneMode; onRetry: () => void }) {
  const base = "inline-flex items-center gap-1.5 text-sm";
  return (
    <p role="status" aria-label="Save state" className={clsx(base, "min-w-0")}>
      {state.kind === "saved" && (
        <span className="inline-flex items-center gap-1.5 text-muted" title={`Stored as version ${state.version}`}>
          <CircleCheck aria-hidden className="size-4 text-ok" />
          <span>
            Saved <span className="num">{formatTimeZoned(state.at, tz)}</span>
            {state.by !== me && <> by {state.by}</>}
            <span className="num text-faint"> · version {state.version}</span>
          </span>
        </span>
      )}
      {state.kind === "saving" && (
        <span className="inline-flex items-center gap-1.5 text-chart-1">
          <CloudUpload aria-hidden className="size-4" />
          Saving…
        </span>
      )}
      {state.kind === "unsaved" && (
        <span className="inline-flex items-center gap-1.5 text-warn">
          <PencilLine aria-hidden className="size-4" />
          Unsaved changes
        </span>
      )}
      {state.kind === "conflict" && (
        <span className="inline-flex items-center gap-1.5 font-semibold text-warn">
          <GitCompareArrows aria-hidden className="size-4" />
          Not saved: someone else saved first
        </span>
      )}
      {state.kind === "error" && (
        <span className="inline-flex min-w-0 items-center gap-1.5 text-critical">
          <CircleAlert aria-hidden className="size-4 shrink-0" />
          <span className="truncate" title={state.message}>
            Not saved: {state.message}
          </span>
          <button type="button" onClick={onRetry} className="shrink-0 rounded border border-critical/60 px-1.5 text-xs font-semibold hover:bg-critical/10">
            Retry
          </button>
        </span>
      )}
    </p>
  );
}
