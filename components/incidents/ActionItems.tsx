"use client";

import { useId, useState, type FormEvent } from "react";
import clsx from "clsx";
import { AlarmClock, ExternalLink, Plus } from "lucide-react";
import { formatDateTime, type TimeZoneMode } from "@/lib/signals/format";
import { ConflictNotice } from "./ConflictNotice";
import { parseTimeInput, toInput } from "./time";
import { usePatch } from "./usePatch";
import { useItemOutbox } from "./useOutbox";
import { PendingItems } from "./PendingItems";
import { useCan, type Permission } from "@/components/auth/useCan";
import { ReadOnlyNote } from "@/components/auth/Gate";
import { ITEM_PRIORITIES, ITEM_STATUSES, ITEM_TYPES, type ActionItem } from "./types";

const input = "rounded-md border border-line bg-bg px-2 py-1 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const STATUS_LABEL: Record<ActionItem["status"], string> = { open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" };

export const isOverdue = (i: ActionItem, now: number | null) =>
  now !== null && i.dueAt !== null && i.dueAt < now && i.status !== "done" && i.status !== "wont-do";

function ItemRow({ item, incidentId, now, tz, perm }: { item: ActionItem; incidentId: string; now: number | null; tz: TimeZoneMode; perm: Permission }) {
  const { patch, conflict, error, pending, dismiss } = usePatch(
    "item",
    `/api/v1/incidents/${encodeURIComponent(incidentId)}/action-items/${encodeURIComponent(item.id)}`,
  );
  const [owner, setOwner] = useState(item.owner);
  const [due, setDue] = useState(item.dueAt === null ? "" : toInput(item.dueAt, tz));
  // A newer version from anyone replaces what the fields show (React's "adjust state on prop change").
  const [seen, setSeen] = useState(item.version);
  if (seen !== item.version) {
    setSeen(item.version);
    setOwner(item.owner);
    setDue(item.dueAt === null ? "" : toInput(item.dueAt, tz));
  }
  const overdue = isOverdue(item, now);
  const done = item.status === "done" || item.status === "wont-do";

  const commitOwner = () => owner.trim() !== item.owner && void patch(item.version, { owner: owner.trim() });
  const commitDue = () => {
    if (due.trim() === "") return item.dueAt !== null && void patch(item.version, { dueAt: null });
    const t = parseTimeInput(due, tz, Number.MAX_SAFE_INTEGER);
    if (t !== null && t !== item.dueAt) void patch(item.version, { dueAt: t });
  };

  return (
    <li className={clsx("rounded-lg border border-l-4 bg-surface-2 px-3 py-2", overdue ? "border-critical/50 border-l-critical" : "border-line border-l-line")}>
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="num font-mono text-xs font-bold text-muted">{item.priority}</span>
        <span className={clsx("min-w-0 flex-1 text-sm font-semibold", done && "text-muted line-through")}>{item.title}</span>
        <span className="text-xs text-muted uppercase">{item.type}</span>
        {overdue && (
          <span className="inline-flex items-center gap-1 rounded bg-critical/15 px-1.5 py-0.5 text-xs font-bold text-critical">
            <AlarmClock aria-hidden className="size-3.5" /> OVERDUE
          </span>
        )}
        {item.ticketUrl && /^https?:\/\//.test(item.ticketUrl) && (
          <a href={item.ticketUrl} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-0.5 text-xs text-chart-1 hover:underline">
            Ticket <ExternalLink aria-hidden className="size-3" />
          </a>
        )}
      </div>
      <fieldset
        disabled={!perm.allowed}
        title={perm.reason ?? undefined}
        aria-label={`Edit ${item.title}`}
        className="mt-1.5 flex flex-wrap items-center gap-2 text-xs text-muted kiosk:hidden"
      >
        <select
          aria-label={`Status of ${item.title}`}
          value={item.status}
          disabled={pending}
          onChange={(e) => void patch(item.version, { status: e.target.value })}
          className={input}
        >
          {ITEM_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
        <input
          aria-label={`Owner of ${item.title}`}
          value={owner}
          placeholder="unassigned"
          onChange={(e) => setOwner(e.target.value)}
          onBlur={commitOwner}
          onKeyDown={(e) => e.key === "Enter" && commitOwner()}
          className={clsx(input, "w-32")}
        />
        <input
          aria-label={`Due date of ${item.title} (${tz === "utc" ? "UTC" : "local"})`}
          value={due}
          placeholder="due YYYY-MM-DD HH:MM"
          onChange={(e) => setDue(e.target.value)}
          onBlur={commitDue}
          onKeyDown={(e) => e.key === "Enter" && commitDue()}
          className={clsx(input, "num w-44", overdue && "border-critical/60 text-critical")}
        />
        {item.dueAt !== null && <span className={clsx("num", overdue && "font-semibold text-critical")}>due {formatDateTime(item.dueAt, tz)}</span>}
      </fieldset>
      {conflict && (
        <div className="mt-2">
          <ConflictNotice
            what="this action item"
            current={conflict.current ? `${STATUS_LABEL[conflict.current.status]} · owner ${conflict.current.owner || "unassigned"}` : "unknown"}
            mine={Object.entries(conflict.mine).map(([k, v]) => `${k} → ${v === null ? "none" : String(v)}`).join(", ")}
            pending={pending}
            onRetry={() => void patch(conflict.current?.version ?? item.version, conflict.mine)}
            onDismiss={() => {
              dismiss();
              setOwner(conflict.current?.owner ?? item.owner);
            }}
          />
        </div>
      )}
      {error && (
        <p role="alert" className="mt-1 text-xs text-critical">
          Not saved: {error}
        </p>
      )}
    </li>
  );
}

function AddItem({ incidentId, tz, perm }: { incidentId: string; tz: TimeZoneMode; perm: Permission }) {
  const id = useId();
  const outbox = useItemOutbox(incidentId);
  const [title, setTitle] = useState("");
  const [type, setType] = useState<ActionItem["type"]>("mitigate");
  const [priority, setPriority] = useState<ActionItem["priority"]>("P2");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState("");
  const [error, setError] = useState<string | null>(null);

  // Stored on this device first (./useOutbox.ts), then sent with its Idempotency-Key: typed while
  // the server is away it waits, survives a reload, and is written once when the server answers.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!perm.allowed) return;
    const dueAt = due.trim() ? parseTimeInput(due, tz, Number.MAX_SAFE_INTEGER) : null;
    if (due.trim() && dueAt === null) {
      setError("Due: use YYYY-MM-DD HH:MM");
      return;
    }
    setError(null);
    await outbox.queue({ title: title.trim(), type, priority, owner: owner.trim(), dueAt });
    setTitle("");
    setOwner("");
    setDue("");
  };

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="mt-3 flex flex-col gap-2 border-t border-line pt-3 kiosk:hidden">
      <h3 id={`${id}-h`} className="sr-only">
        Add an action item
      </h3>
      <ReadOnlyNote permission={perm} id={`${id}-denied`} />
      <fieldset disabled={!perm.allowed} aria-describedby={perm.allowed ? undefined : `${id}-denied`} title={perm.reason ?? undefined} className="flex flex-col gap-2">
      <input aria-label="Action item title" value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} placeholder="New action item…" className={input} />
      <div className="flex flex-wrap gap-2">
        <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value as ActionItem["type"])} className={input}>
          {ITEM_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Priority" value={priority} onChange={(e) => setPriority(e.target.value as ActionItem["priority"])} className={input}>
          {ITEM_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <input aria-label="Owner" value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="owner" className={clsx(input, "w-28")} />
        <input aria-label={`Due (${tz === "utc" ? "UTC" : "local"})`} value={due} onChange={(e) => setDue(e.target.value)} placeholder="due YYYY-MM-DD HH:MM" className={clsx(input, "num w-44")} />
        <button type="submit" disabled={!title.trim()} className="ml-auto inline-flex items-center gap-1 rounded-md border border-line px-2.5 py-1 text-sm font-semibold text-fg hover:border-muted disabled:opacity-50">
          <Plus aria-hidden className="size-4" /> Add
        </button>
      </div>
      </fieldset>
      {error && (
        <p role="alert" className="text-sm text-critical">
          {error}
        </p>
      )}
      <PendingItems items={outbox.notes} onRetry={outbox.retry} onDiscard={outbox.discard} />
    </form>
  );
}

export function ActionItems({ incidentId, items, now, tz }: { incidentId: string; items: ActionItem[]; now: number | null; tz: TimeZoneMode }) {
  const overdue = items.filter((i) => isOverdue(i, now)).length;
  const open = items.filter((i) => i.status === "open" || i.status === "in-progress").length;
  const perm = useCan()("actionItems.write");
  return (
    <section aria-label="Action items" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-3 text-sm font-semibold tracking-wide text-muted uppercase">
        Action items
        <span className="num ml-2 font-normal normal-case">
          {open} open{overdue > 0 && <span className="font-semibold text-critical"> · {overdue} overdue</span>}
        </span>
      </h2>
      {items.length === 0 ? (
        <p className="text-sm text-muted">None yet.</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {items.map((i) => (
            <ItemRow key={i.id} item={i} incidentId={incidentId} now={now} tz={tz} perm={perm} />
          ))}
        </ul>
      )}
      <AddItem incidentId={incidentId} tz={tz} perm={perm} />
    </section>
  );
}
