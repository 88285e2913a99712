"use client";

import Link from "next/link";
import { BookOpen } from "lucide-react";
import { useAlertRunbook } from "./api";

/** The internal runbook route in a `runbook_url` annotation (absolute URL on this host, or a path), else null. */
export function internalRunbookPath(url: string | undefined): string | null {
  if (!url) return null;
  if (url.startsWith("/runbooks/")) return url;
  try {
    const u = new URL(url);
    if (typeof window !== "undefined" && u.host === window.location.host && u.pathname.startsWith("/runbooks/")) return u.pathname + u.hash;
  } catch {
    /* not a URL */
  }
  return null;
}

const cls = "inline-flex items-center gap-1 font-semibold text-chart-1 hover:underline";

/**
 * "Runbook" for an alert: the best runbook for its name (then its second name, e.g. the SLO id) on
 * its service; `runbook` is the slug its internal runbook_url names, used when nothing ranks higher.
 */
export function AlertRunbookLink({ names, service, runbook }: { names: string[]; service?: string; runbook?: string }) {
  const first = useAlertRunbook(names[0] ?? null, service, runbook);
  const second = useAlertRunbook(first.data === null && names[1] ? names[1] : null, service);
  const rb = first.data ?? second.data;
  if (!rb) return null;
  return (
    <Link href={`/runbooks/${rb.slug}`} className={cls} title={rb.title}>
      <BookOpen aria-hidden className="size-3.5" /> Runbook
    </Link>
  );
}
