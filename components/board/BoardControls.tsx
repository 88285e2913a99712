"use client";

import type { RefObject } from "react";
import clsx from "clsx";
import type { BoardView } from "./view";

export type { BoardView };

export function writeBoardView(v: BoardView): void {
  const url = new URL(window.location.href);
  const set = (k: string, val: string | null) => (val ? url.searchParams.set(k, val) : url.searchParams.delete(k));
  set("group", v.group === "state" ? "state" : null);
  set("density", v.compact ? "compact" : null);
  set("q", v.filter || null);
  window.history.replaceState(window.history.state, "", url);
}

type Props = {
  view: BoardView;
  onChange: (v: BoardView) => void;
  input: RefObject<HTMLInputElement | null>;
  shown: number;
  total: number;
};

export function BoardControls({ view, onChange, input, shown, total }: Props) {
  const btn = (on: boolean) =>
    clsx("rounded-md px-2.5 py-1 text-xs font-semibold", on ? "bg-surface-2 text-fg ring-1 ring-line" : "text-muted hover:text-fg");
  return (
    <div className="flex flex-wrap items-center gap-3" role="group" aria-label="Board view">
      <label className="flex min-w-64 flex-1 items-center gap-2 rounded-lg border border-line bg-surface px-3 py-1.5 focus-within:border-muted sm:max-w-md">
        <span className="text-xs font-semibold tracking-wider text-muted uppercase">Filter</span>
        <input
          ref={input}
          type="search"
          aria-label="Filter services"
          placeholder="name, team or state — press f"
          value={view.filter}
          onChange={(e) => onChange({ ...view, filter: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              onChange({ ...view, filter: "" });
              e.currentTarget.blur();
            }
          }}
          className="min-w-0 flex-1 bg-transparent text-sm text-fg placeholder:text-faint focus:outline-none"
        />
      </label>
      <span className="num text-sm text-muted" aria-live="polite">
        {shown === total ? `${total} services` : `${shown} of ${total} services`}
      </span>
      <div className="ml-auto flex items-center gap-1 text-xs text-muted">
        Group by
        <button type="button" aria-pressed={view.group === "team"} className={btn(view.group === "team")} onClick={() => onChange({ ...view, group: "team" })}>
          Team
        </button>
        <button type="button" aria-pressed={view.group === "state"} className={btn(view.group === "state")} onClick={() => onChange({ ...view, group: "state" })}>
          State
        </button>
      </div>
      <button type="button" aria-pressed={view.compact} className={btn(view.compact)} onClick={() => onChange({ ...view, compact: !view.compact })}>
        Compact
      </button>
    </div>
  );
}
