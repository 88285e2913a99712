"use client";

import Link from "next/link";
import { BookOpen } from "lucide-react";
import { useServiceRunbooks } from "./api";
import { StaleBadge } from "./StaleBadge";

/** The service page's "Runbooks" section: every runbook whose front matter lists the service. */
export function ServiceRunbooks({ serviceId }: { serviceId: string }) {
  const { data, error } = useServiceRunbooks(serviceId);
  return (
    <section aria-labelledby="service-runbooks" className="rounded-2xl border border-line bg-surface p-4">
      <h2 id="service-runbooks" className="mb-2 flex items-center gap-2 text-sm font-semibold tracking-wide text-muted uppercase">
        <BookOpen aria-hidden className="size-4" /> Runbooks
      </h2>
      {error ? (
        <p className="text-sm text-critical">Runbooks unavailable: {error.message}</p>
      ) : !data ? (
        <p className="text-sm text-muted">Loading runbooks…</p>
      ) : data.length === 0 ? (
        <p className="text-sm text-muted">
          No runbook lists this service. Add <code className="font-mono">services: [{serviceId}]</code> to a runbook&apos;s front matter.
        </p>
      ) : (
        <ul className="flex flex-wrap gap-x-6 gap-y-1.5">
          {data.map((r) => (
            <li key={r.slug} className="flex items-center gap-2">
              <Link href={`/runbooks/${r.slug}`} className="font-medium text-chart-1 hover:underline">
                {r.title}
              </Link>
              {r.stale && <StaleBadge lastReviewed={r.lastReviewed} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
