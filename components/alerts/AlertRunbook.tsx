"use client";

import { BookOpen, ExternalLink } from "lucide-react";
import type { Alert } from "@/lib/alerts/model";
import { AlertRunbookLink, internalRunbookPath } from "@/components/runbooks/AlertRunbookLink";

const cls = "inline-flex items-center gap-1 font-semibold text-chart-1 hover:underline";

function ExternalRunbook({ href }: { href: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" className={cls}>
      <BookOpen aria-hidden className="size-3.5" /> Runbook
      <ExternalLink aria-hidden className="size-3" />
      <span className="sr-only">(opens in a new tab)</span>
    </a>
  );
}

/**
 * The alert's runbook, ranked by alert name and service together (lib/runbooks/rank.ts): a
 * checkout alert opens the checkout runbook even when the rule's runbook_url names the generic
 * one, which still wins over nothing. An external runbook_url is shown beside it.
 */
export function AlertRunbook({ alert }: { alert: Alert }) {
  const url = alert.annotations.runbook_url;
  const internal = internalRunbookPath(url);
  const slug = internal ? decodeURIComponent(internal.slice("/runbooks/".length).split("#")[0]) : undefined;
  const names = [alert.name, alert.kind === "burn-rate" ? alert.labels.slo : undefined].filter((n): n is string => !!n);
  return (
    <>
      <AlertRunbookLink names={names} service={alert.service} runbook={slug} />
      {url && !internal && <ExternalRunbook href={url} />}
    </>
  );
}
