"use client";

import { useEffect } from "react";
import Link from "next/link";
import { ArrowLeft, BookOpen, ListChecks, UserRound } from "lucide-react";
import { useRunbook } from "./api";
import { RunbookMarkdown } from "./RunbookMarkdown";
import { ReviewedText, StaleBadge } from "./StaleBadge";
import type { Runbook } from "./types";

function NotFound({ slug }: { slug: string }) {
  return (
    <main className="mx-auto max-w-3xl px-6 py-24 text-center">
      <h1 className="text-3xl font-bold">No runbook “{slug}”</h1>
      <p className="mt-3 text-muted">There is no runbook at this path: it was moved, renamed, or the link is incomplete.</p>
      <Link href="/runbooks" className="mt-6 inline-flex items-center gap-2 rounded-md border border-line px-4 py-2 text-sm hover:border-muted">
        <ArrowLeft aria-hidden className="size-4" /> All runbooks
      </Link>
    </main>
  );
}

function Toc({ toc }: { toc: Runbook["toc"] }) {
  const min = Math.min(...toc.map((t) => t.depth));
  return (
    <nav aria-label="Table of contents" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">Contents</h2>
      <ol className="flex flex-col gap-1 text-sm">
        {toc.map((t) => (
          <li key={t.id} style={{ paddingLeft: `${(t.depth - min) * 0.9}rem` }}>
            <a href={`#${t.id}`} className="text-muted hover:text-fg hover:underline">
              {t.text}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** `/runbooks/[...slug]`: the runbook rendered, with contents, owner and review date. */
export function RunbookView({ slug }: { slug: string }) {
  const { data: rb, error, isPending } = useRunbook(slug);
  const notFound = (error as { status?: number } | null)?.status === 404;

  useEffect(() => {
    if (rb) document.title = `${rb.title} · Runbooks · War Room`;
  }, [rb]);

  if (notFound) return <NotFound slug={slug} />;
  if (isPending || !rb)
    return (
      <main className="px-6 py-16 text-center text-muted">
        {error ? <span className="text-critical">Runbook unavailable: {error.message}</span> : "Loading runbook…"}
      </main>
    );

  const toc = rb.toc.filter((t) => t.depth >= 2 && t.depth <= 3);
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-5">
      <Link href="/runbooks" className="inline-flex items-center gap-1.5 self-start text-sm text-muted hover:text-fg">
        <ArrowLeft aria-hidden className="size-4" /> All runbooks
      </Link>
      <header className="flex flex-col gap-2 border-b border-line pb-4">
        <div className="flex flex-wrap items-center gap-3">
          <BookOpen aria-hidden className="size-6 text-chart-1" />
          <h1 className="text-2xl font-bold">{rb.title}</h1>
          {rb.severity && <span className="rounded-full bg-surface-2 px-2 py-0.5 text-xs font-bold text-muted ring-1 ring-line ring-inset">{rb.severity}</span>}
          {rb.stale && <StaleBadge lastReviewed={rb.lastReviewed} />}
        </div>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-muted">
          <div className="flex items-center gap-1.5">
            <dt className="sr-only">Owner</dt>
            <UserRound aria-hidden className="size-4" />
            <dd>{rb.owner ?? "no owner"}</dd>
          </div>
          <div>
            <dt className="sr-only">Last reviewed</dt>
            <dd className={rb.stale ? "text-warn" : undefined}>
              Last <ReviewedText lastReviewed={rb.lastReviewed} />
            </dd>
          </div>
          {rb.services.length > 0 && (
            <div className="flex gap-1.5">
              <dt>Services</dt>
              <dd className="flex gap-1.5">
                {rb.services.map((s) => (
                  <Link key={s} href={`/services/${encodeURIComponent(s)}`} className="text-fg hover:underline">
                    {s}
                  </Link>
                ))}
              </dd>
            </div>
          )}
          {rb.alerts.length > 0 && (
            <div className="flex gap-1.5">
              <dt>Alerts</dt>
              <dd className="font-mono text-xs leading-5 text-fg">{rb.alerts.join(", ")}</dd>
            </div>
          )}
          {rb.steps > 0 && (
            <div className="flex items-center gap-1.5">
              <dt className="sr-only">Checklist</dt>
              <ListChecks aria-hidden className="size-4" />
              <dd>{rb.steps} checklist steps</dd>
            </div>
          )}
        </dl>
        {rb.tags.length > 0 && (
          <ul aria-label="Tags" className="flex flex-wrap gap-1.5">
            {rb.tags.map((t) => (
              <li key={t} className="rounded bg-surface-2 px-1.5 py-0.5 text-xs text-muted">
                #{t}
              </li>
            ))}
          </ul>
        )}
      </header>
      <div className="grid grid-cols-1 items-start gap-8 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <article aria-label={rb.title} className="min-w-0">
          <RunbookMarkdown markdown={rb.markdown} slug={rb.slug} />
        </article>
        {toc.length > 0 && (
          <aside className="order-first lg:sticky lg:top-20 lg:order-none">
            <Toc toc={toc} />
          </aside>
        )}
      </div>
    </main>
  );
}
