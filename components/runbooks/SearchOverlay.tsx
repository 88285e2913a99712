"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useRouter } from "next/navigation";
import clsx from "clsx";
import { Search } from "lucide-react";
import { SEARCH_DEBOUNCE_MS, useDebounced, useRunbookSearch } from "./api";
import { Highlight, highlightTerms } from "./Highlight";
import { StaleBadge } from "./StaleBadge";

/** The `/` overlay: search runbooks from anywhere; ↑/↓ choose, Enter opens, Esc closes. */
export function SearchOverlay({ onClose }: { onClose: () => void }) {
  const router = useRouter();
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const debounced = useDebounced(q, SEARCH_DEBOUNCE_MS);
  const search = useRunbookSearch(debounced);
  const hits = q.trim() ? (search.data?.hits ?? []) : [];
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    inputRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  const open = (slug: string) => {
    onClose();
    router.push(`/runbooks/${slug}`);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((i) => (hits.length ? (i + 1) % hits.length : 0));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => (hits.length ? (i - 1 + hits.length) % hits.length : 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const hit = hits[Math.min(active, hits.length - 1)];
      if (hit) open(hit.slug);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };
  const current = Math.min(active, Math.max(hits.length - 1, 0));

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/70 px-4 pt-[12vh]" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Runbook search"
        className="w-full max-w-2xl overflow-hidden rounded-xl border border-line bg-surface-2 shadow-2xl"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <div className="flex items-center gap-3 border-b border-line px-4">
          <Search aria-hidden className="size-5 text-muted" />
          <input
            ref={inputRef}
            type="text"
            role="combobox"
            aria-label="Search runbooks"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={hits.length ? `${listId}-${current}` : undefined}
            aria-autocomplete="list"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
            placeholder="Search runbooks: symptom, alert, service…"
            className="h-14 flex-1 bg-transparent text-base text-fg placeholder:text-faint focus:outline-none"
          />
          <kbd className="rounded border border-line px-1.5 py-0.5 font-mono text-xs text-muted">Esc</kbd>
        </div>
        <ul id={listId} role="listbox" aria-label="Runbooks found" className="max-h-[60vh] overflow-y-auto">
          {hits.map((h, i) => {
            const terms = highlightTerms(h.match, search.data?.query ?? q);
            return (
              <li
                key={h.slug}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === current}
                onMouseEnter={() => setActive(i)}
                onClick={() => open(h.slug)}
                className={clsx("cursor-pointer border-b border-line/60 px-4 py-2.5 last:border-b-0", i === current ? "bg-chart-1/12" : "hover:bg-surface")}
              >
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-semibold text-fg">
                    <Highlight text={h.title} terms={terms} />
                  </span>
                  {h.stale && <StaleBadge lastReviewed={h.lastReviewed} />}
                  <span className="ml-auto font-mono text-xs text-faint">{h.slug}</span>
                </div>
                {h.snippet && (
                  <p className="mt-0.5 line-clamp-2 text-sm text-muted">
                    <Highlight text={h.snippet} terms={terms} />
                  </p>
                )}
              </li>
            );
          })}
        </ul>
        {q.trim() && debounced === q && search.data && hits.length === 0 && (
          <p className="px-4 py-6 text-center text-sm text-muted">No runbook matches “{q.trim()}”.</p>
        )}
        {search.isError && <p role="alert" className="px-4 py-3 text-sm text-critical">Search unavailable: {search.error.message}</p>}
        {!q.trim() && <p className="px-4 py-4 text-sm text-muted">Type to search every runbook — typos and word starts are fine. ↑/↓ to choose, Enter to open.</p>}
      </div>
    </div>
  );
}
