import type { ReactNode } from "react";
import { GitCompareArrows } from "lucide-react";

/** Shown on a 409: what is there now, what the user tried, and the choice to re-apply or keep theirs. */
export function ConflictNotice({
  what = "this incident",
  current,
  mine,
  onRetry,
  onDismiss,
  pending,
}: {
  what?: string;
  current: ReactNode;
  mine: ReactNode;
  onRetry: () => void;
  onDismiss: () => void;
  pending?: boolean;
}) {
  return (
    <div role="alert" className="rounded-lg border border-warn/60 bg-warn/10 px-4 py-3 text-sm">
      <p className="flex items-center gap-2 font-semibold text-warn">
        <GitCompareArrows aria-hidden className="size-4" />
        Someone else changed {what}
      </p>
      <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-fg">
        <dt className="text-muted">Now</dt>
        <dd>{current}</dd>
        <dt className="text-muted">Yours</dt>
        <dd>{mine}</dd>
      </dl>
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          disabled={pending}
          onClick={onRetry}
          className="rounded-md bg-warn px-3 py-1 text-xs font-semibold text-bg hover:bg-warn/90 disabled:opacity-60"
        >
          Apply my change anyway
        </button>
        <button type="button" onClick={onDismiss} className="rounded-md border border-line px-3 py-1 text-xs text-muted hover:text-fg">
          Keep theirs
        </button>
      </div>
    </div>
  );
}
