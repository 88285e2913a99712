"use client";

import { useState } from "react";
import { FileWarning, Search } from "lucide-react";
import { SEARCH_DEBOUNCE_MS, useDebounced, useRunbookList, useRunbookSearch } from "./api";
import { highlightTerms } from "./Highlight";
import { RunbookRow } from "./RunbookRow";

/** `/runbooks`: every runbook by title, a search box with results as you type, and files that failed to load. */
export function RunbookList() {
  const [q, setQ] = useState("");
  const debounced = useDebounced(q, SEARCH_DEBOUNCE_MS);
  const list = useRunbookList();
  const search = useRunbookSearch(debounced);
  const searching = q.trim().length > 0;
  const stale = list.data?.runbooks.filter((r) => r.stale).length ?? 0;

  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-5 px-6 py-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Runbooks</h1>
          {list.data && (
            <p className="text-sm text-muted">
              {list.data.runbooks.length} runbooks{stale > 0 && ` · ${stale} stale (not reviewed in 90 days)`}
              {list.data.invalid.length > 0 && ` · ${list.data.invalid.length} invalid`}
            </p>
          )}
        </div>
        <label className="relative w-full max-w-md">
          <span className="sr-only">Search runbooks</span>
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted" />
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Search runbooks (press / anywhere)"
            className="w-full rounded-lg border border-line bg-surface py-2 pr-3 pl-9 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none"
          />
        </label>
      </div>

      {searching ? (
        <section aria-label="Search results">
          {search.isError ? (
            <p role="alert" className="text-sm text-critical">Search unavailable: {search.error.message}</p>
          ) : !search.data ? (
            <p className="text-sm text-muted">Searching…</p>
          ) : search.data.hits.length === 0 ? (
            <p className="rounded-lg border border-dashed border-line px-4 py-8 text-center text-muted">No runbook matches “{debounced.trim()}”.</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {search.data.hits.map((h) => (
                <RunbookRow key={h.slug} rb={h} terms={highlightTerms(h.match, search.data.query)} snippet={h.snippet} />
              ))}
            </ul>
          )}
        </section>
      ) : list.isError ? (
        <p role="alert" className="text-sm text-critical">Runbooks unavailable: {list.error.message}</p>
      ) : !list.data ? (
        <p className="text-sm text-muted">Loading runbooks…</p>
      ) : list.data.runbooks.length === 0 ? (
        <p className="rounded-lg border border-dashed border-line px-4 py-8 text-center text-muted">No runbooks in the runbook folder yet.</p>
      ) : (
        <ul aria-label="All runbooks" className="flex flex-col gap-2">
          {list.data.runbooks.map((r) => (
            <RunbookRow key={r.slug} rb={r} />
          ))}
        </ul>
      )}

      {!searching && list.data && list.data.invalid.length > 0 && (
        <section aria-labelledby="invalid-title" className="rounded-xl border border-critical/40 bg-critical/5 p-4">
          <h2 id="invalid-title" className="mb-2 flex items-center gap-2 text-sm font-semibold text-critical">
            <FileWarning aria-hidden className="size-4" /> Invalid runbook files (not served)
          </h2>
          <ul className="flex flex-col gap-1 text-sm">
            {list.data.invalid.map((f) => (
              <li key={f.path}>
                <span className="font-mono text-fg">{f.path}</span> <span className="text-muted">— {f.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
