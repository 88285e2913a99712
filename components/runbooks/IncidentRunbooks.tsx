"use client";

import { memo, useState } from "react";
import Link from "next/link";
import clsx from "clsx";
import { BookOpen, ChevronDown, ChevronRight, ExternalLink } from "lucide-react";
import { formatTimeZoned, type TimeZoneMode } from "@/lib/signals/format";
import type { Incident } from "@/components/incidents/types";
import { useRunbook, useRunbookChecks, useRunbooksForServices, useTickStep } from "./api";
import { useFiringRunbook } from "./useFiringRunbook";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { StaleBadge } from "./StaleBadge";

const WRITABLE = new Set(["investigating", "identified", "monitoring"]);

function Checklist({ incident, slug, tz }: { incident: Incident; slug: string; tz: TimeZoneMode }) {
  const runbook = useRunbook(slug);
  const checks = useRunbookChecks(incident.id, slug);
  const tick = useTickStep(incident.id, slug);
  // TanStack runs onMutate after a microtask; without a value set here, in the click's own
  // render, the controlled box would snap back and flip again a moment later.
  const [clicked, setClicked] = useState<ReadonlyMap<number, boolean>>(new Map());
  const perm = useCan()("runbook.tick");
  const open = WRITABLE.has(incident.status);
  const writable = open && perm.allowed;
  const items =
    checks.data ?? runbook.data?.checklist.map((c) => ({ ...c, checked: false, by: null as string | null, at: null as number | null }));

  if (checks.isError && !items) return <p className="text-sm text-critical">Checklist unavailable: {checks.error.message}</p>;
  if (!items) return <p className="text-sm text-muted">Loading checklist…</p>;
  if (items.length === 0) return <p className="text-sm text-muted">This runbook has no “- [ ]” steps.</p>;
  const done = items.filter((c) => c.checked).length;

  const toggle = (index: number, checked: boolean) => {
    setClicked((m) => new Map(m).set(index, checked));
    tick.mutate(
      { index, checked },
      {
        onSettled: () =>
          setClicked((m) => {
            const next = new Map(m);
            next.delete(index);
            return next;
          }),
      },
    );
  };

  return (
    <div className="flex flex-col gap-2">
      <p className="num text-xs text-muted">
        {done} of {items.length} steps done{!open && " · incident is resolved: read-only"}
      </p>
      {open && <ReadOnlyNote permission={perm} id={`checklist-${slug}-denied`} />}
      <ul aria-label={`Checklist of ${runbook.data?.title ?? slug}`} className="flex flex-col gap-1">
        {items.map((c) => (
          <li key={c.index}>
            <label className={clsx("flex items-start gap-2 rounded-md px-1.5 py-1 text-sm", writable && "cursor-pointer hover:bg-surface-2")}>
              <input
                type="checkbox"
                checked={clicked.get(c.index) ?? c.checked}
                disabled={!writable || tick.isPending}
                {...(open ? denied(perm, `checklist-${slug}-denied`) : {})}
                onChange={(e) => toggle(c.index, e.target.checked)}
                className="mt-0.5 size-4 shrink-0 accent-[var(--color-ok)]"
              />
              <span className={clsx("min-w-0 flex-1", c.checked ? "text-muted line-through decoration-muted/60" : "text-fg")}>
                {c.text}
                {c.checked && c.by && (
                  <span className="num ml-2 text-xs text-faint no-underline">
                    ✓ {c.by}
                    {c.at ? ` · ${formatTimeZoned(c.at, tz)}` : ""}
                  </span>
                )}
              </span>
            </label>
          </li>
        ))}
      </ul>
      {tick.isError && (
        <p role="alert" className="text-xs text-critical">
          Not saved: {tick.error.message}
        </p>
      )}
    </div>
  );
}

/**
 * The incident's "Runbooks" panel: runbooks of its services, the firing alert's best runbook first
 * (./useFiringRunbook.ts); opening one shows its checklist, ticked live for everyone.
 */
export const IncidentRunbooks = memo(function IncidentRunbooks({ incident, tz }: { incident: Incident; tz: TimeZoneMode }) {
  const services = useRunbooksForServices(incident.services);
  const firing = useFiringRunbook(incident.services);
  const error = services.error;
  const data = services.data && firing.runbook ? [firing.runbook, ...services.data.filter((r) => r.slug !== firing.runbook!.slug)] : services.data;
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section aria-label="Runbooks" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-3 flex items-center gap-2 text-sm font-semibold tracking-wide text-muted uppercase">
        <BookOpen aria-hidden className="size-4" /> Runbooks
      </h2>
      {incident.services.length === 0 ? (
        <p className="text-sm text-muted">
          No services on this incident. <Link href="/runbooks" className="text-chart-1 hover:underline">Browse runbooks</Link>
        </p>
      ) : error ? (
        <p className="text-sm text-critical">Runbooks unavailable: {error.message}</p>
      ) : !data ? (
        <p className="text-sm text-muted">Loading runbooks…</p>
      ) : data.length === 0 ? (
        <p className="text-sm text-muted">No runbook lists {incident.services.join(", ")}.</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {data.map((r) => {
            const isOpen = open === r.slug;
            return (
              <li key={r.slug} className="rounded-lg border border-line bg-bg/40">
                <div className="flex items-center gap-2 px-2 py-1.5">
                  <button
                    type="button"
                    aria-expanded={isOpen}
                    onClick={() => setOpen(isOpen ? null : r.slug)}
                    className="flex min-w-0 flex-1 items-center gap-1.5 text-left text-sm font-medium text-fg"
                  >
                    {isOpen ? <ChevronDown aria-hidden className="size-4 shrink-0" /> : <ChevronRight aria-hidden className="size-4 shrink-0" />}
                    <span className="truncate">{r.title}</span>
                    {firing.runbook?.slug === r.slug && firing.alert && (
                      <span className="shrink-0 rounded bg-critical/15 px-1.5 py-0.5 text-[0.7rem] font-semibold text-critical" title={`Best runbook for the firing alert ${firing.alert.name} on ${firing.alert.service}`}>
                        firing: {firing.alert.name}
                      </span>
                    )}
                    <span className="num shrink-0 text-xs font-normal text-muted">{r.steps} steps</span>
                  </button>
                  {r.stale && <StaleBadge lastReviewed={r.lastReviewed} />}
                  <Link href={`/runbooks/${r.slug}`} aria-label={`Read ${r.title}`} title="Read the runbook" className="rounded p-1 text-muted hover:text-fg">
                    <ExternalLink aria-hidden className="size-3.5" />
                  </Link>
                </div>
                {isOpen && (
                  <div className="border-t border-line px-3 py-2">
                    <Checklist incident={incident} slug={r.slug} tz={tz} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
});
