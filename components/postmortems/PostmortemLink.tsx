"use client";

import Link from "next/link";
import clsx from "clsx";
import { FileText } from "lucide-react";
import { isActive, type Incident } from "@/components/incidents/types";
import { editorHref, usePostmortem } from "./api";
import { STATUS_LABEL } from "./types";

/**
 * The way from an incident to its postmortem: a quiet link while the incident is open, the main
 * button once it is resolved ("Write postmortem" when there is none yet).
 */
export function PostmortemLink({ incident, className }: { incident: Incident; className?: string }) {
  const done = !isActive(incident);
  const pm = usePostmortem(incident.id, done);
  const btn = "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-semibold";
  if (!done)
    return (
      <Link href={editorHref(incident.id)} className={clsx(btn, "border border-line font-medium text-muted hover:border-muted hover:text-fg", className)}>
        <FileText aria-hidden className="size-4" />
        Postmortem
      </Link>
    );
  const existing = pm.data;
  return (
    <Link href={editorHref(incident.id)} className={clsx(btn, "bg-chart-1 text-bg hover:bg-chart-1/90", className)}>
      <FileText aria-hidden className="size-4" />
      {existing === null ? "Write postmortem" : "Postmortem"}
      {existing && <span className="rounded bg-bg/20 px-1.5 text-xs font-semibold">{STATUS_LABEL[existing.status]}</span>}
    </Link>
  );
}
