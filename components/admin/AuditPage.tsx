"use client";

import { useMemo, useState, type FormEvent } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { Download } from "lucide-react";
import { formatDateTime } from "@/lib/signals/format";
import { ApiError, detailLines } from "@/components/api";
import { RESULT_CLASSES, type AuditEntry, type ResultClass } from "@/components/auth/contract";
import { useTimeZone } from "@/components/shell/timezone";
import { AdminOnly } from "./AdminOnly";
import { auditExportHref, useAudit } from "./api";
import { auditQuery, fromLocalInput, parseAuditFilters, toLocalInput, type AuditFilters } from "./auditFilters";

const field = "rounded-md border border-line bg-bg px-2.5 py-1.5 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const labelCls = "flex flex-col gap-1 text-xs font-semibold tracking-wide text-muted uppercase";

function resultTone(result: number): string {
  if (result >= 500) return "text-critical";
  if (result >= 400) return "text-warn";
  return "text-ok";
}

function FilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (f: AuditFilters) => void }) {
  // Text fields apply on submit (not per keystroke); the form is remounted when the URL changes.
  const [actor, setActor] = useState(filters.actor);
  const [action, setAction] = useState(filters.action);
  const [result, setResult] = useState<ResultClass | "">(filters.result ?? "");
  const [from, setFrom] = useState(toLocalInput(filters.from));
  const [to, setTo] = useState(toLocalInput(filters.to));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...filters, actor: actor.trim(), action: action.trim(), result: result || null, from: fromLocalInput(from), to: fromLocalInput(to) });
  };
  return (
    <form aria-label="Filters" onSubmit={submit} className="flex flex-wrap items-end gap-4">
      <label className={labelCls}>
        Actor
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="name or subject" className={clsx(field, "w-52 font-normal tracking-normal normal-case")} />
      </label>
      <label className={labelCls}>
        Action
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. POST /api/v1/incidents" className={clsx(field, "w-64 font-normal tracking-normal normal-case")} />
      </label>
      <label className={labelCls}>
        Result
        <select value={result} onChange={(e) => setResult(e.target.value as ResultClass | "")} className={clsx(field, "font-normal tracking-normal normal-case")}>
          <option value="">Any result</option>
          {RESULT_CLASSES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className={labelCls}>
        From
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} className={clsx(field, "num font-normal tracking-normal normal-case")} />
      </label>
      <label className={labelCls}>
        To
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} className={clsx(field, "num font-normal tracking-normal normal-case")} />
      </label>
      <button type="submit" className="rounded-md bg-chart-1 px-4 py-1.5 text-sm font-semibold text-bg hover:bg-chart-1/90">
        Apply filters
      </button>
    </form>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [tz] = useTimeZone();
  return (
    <div className="overflow-x-auto rounded-xl border border-line bg-surface">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Audit log, newest first</caption>
        <thead className="border-b border-line text-xs tracking-wide text-muted uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-semibold">When</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Actor</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Role</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Via</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Action</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Target</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Address</th>
            <th scope="col" className="px-4 py-2.5 text-right font-semibold">Result</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className="border-b border-line/60 align-top last:border-b-0 hover:bg-surface-2">
              <td className="num px-4 py-2 whitespace-nowrap text-muted">{formatDateTime(e.at, tz)}</td>
              <td className="px-3 py-2">
                <span className="font-semibold">{e.actorName || e.actorSubject}</span>
                {e.actorName && e.actorName !== e.actorSubject && <span className="block font-mono text-xs text-faint">{e.actorSubject}</span>}
              </td>
              <td className="px-3 py-2 text-muted">{e.role ?? "—"}</td>
              <td className="px-3 py-2 font-mono text-xs text-muted">{e.via}</td>
              <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
              <td className="max-w-72 truncate px-3 py-2 font-mono text-xs text-muted" title={e.target ?? undefined}>
                {e.target ?? "—"}
              </td>
              <td className="num px-3 py-2 font-mono text-xs text-muted">{e.address ?? "—"}</td>
              <td className={clsx("num px-4 py-2 text-right font-mono font-semibold", resultTone(e.result))}>{e.result}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Audit() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseAuditFilters((k) => params.get(k)), [params]);
  const audit = useAudit(filters, true);
  const apply = (f: AuditFilters) => {
    const q = auditQuery({ ...f, limit: f.limit === filters.limit ? null : f.limit });
    router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
  };
  const err = audit.error;

  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
          <p className="num text-sm text-muted">
            Every write and sign-in, newest first{audit.data ? ` · ${audit.data.length} shown (at most ${filters.limit})` : ""}
          </p>
        </div>
        <a href={auditExportHref(filters)} download className="inline-flex items-center gap-2 rounded-md border border-line px-3 py-1.5 text-sm font-semibold text-fg hover:border-muted">
          <Download aria-hidden className="size-4" />
          Export JSON Lines
        </a>
      </header>
      <FilterForm key={params.toString()} filters={filters} onApply={apply} />
      {err ? (
        <p role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-4 py-3 text-sm text-critical">
          Could not load the audit log: {[err.message, ...(err instanceof ApiError ? detailLines(err.details) : [])].join(" — ")}
        </p>
      ) : audit.isPending ? (
        <p className="text-sm text-muted">Loading the audit log…</p>
      ) : audit.data.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">No entries match these filters.</p>
      ) : (
        <AuditTable entries={audit.data} />
      )}
    </main>
  );
}

/** `/admin/audit`: the audit log with filters in the URL and a JSON Lines export of the same filters. */
export function AuditPage() {
  return (
    <AdminOnly what="The audit log and its export">
      <Audit />
    </AdminOnly>
  );
}
