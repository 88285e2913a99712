"use client";

import { memo, useId, useState, type FormEvent } from "react";
import clsx from "clsx";
import { Clock3, History, Pencil, Pin, PinOff } from "lucide-react";
import { WRITABLE_KINDS } from "@/lib/incidents/model";
import { formatDateTime, formatMs, formatPct, formatRps, formatTime, formatTimeZoned, zoneName, type TimeZoneMode } from "@/lib/signals/format";
import { ConflictNotice } from "./ConflictNotice";
import { EntryBodyEditor } from "./EntryBodyEditor";
import { EntryHistory } from "./EntryHistory";
import { KIND_UI } from "./meta";
import { TimelineMarkdown } from "./TimelineMarkdown";
import { parseTimeInput, toInput } from "./time";
import { usePatch } from "./usePatch";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import type { TimelineEntry } from "./types";

function Snapshot({ snapshot }: { snapshot: TimelineEntry["snapshot"] }) {
  const services = snapshot ? Object.entries(snapshot.services) : [];
  if (services.length === 0) return null;
  return (
    <ul aria-label="Signals at that moment" className="num mt-2 flex flex-col gap-0.5 text-xs text-muted">
      {services.map(([id, s]) => (
        <li key={id} className="flex flex-wrap gap-x-1.5">
          <span className="font-semibold text-faint">{id}</span>
          <span>p99 {formatMs(s.p99)}</span>·<span>{formatRps(s.rps)}</span>·<span>err {formatPct(s.errorPct)}</span>·<span>sat {formatPct(s.saturationPct)}</span>
        </li>
      ))}
    </ul>
  );
}

type Props = { entry: TimelineEntry; incidentId: string; tz: TimeZoneMode; serverNow: () => number };

export const TimelineEntryView = memo(function TimelineEntryView({ entry, incidentId, tz, serverNow }: Props) {
  const ui = KIND_UI[entry.kind] ?? KIND_UI.note;
  const { patch, conflict, error, pending, dismiss } = usePatch(
    "entry",
    `/api/v1/incidents/${encodeURIComponent(incidentId)}/timeline/${encodeURIComponent(entry.id)}`,
  );
  const [editing, setEditing] = useState<string | null>(null);
  const check = useCan();
  const pinPerm = check("timeline.pin");
  const timePerm = check("timeline.editTime");
  const writePerm = check("timeline.write");
  const [editingBody, setEditingBody] = useState<string | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const historyId = useId();
  const rewritable = (WRITABLE_KINDS as readonly string[]).includes(entry.kind);
  const [inputError, setInputError] = useState<string | null>(null);
  const tzLabel = tz === "utc" ? "UTC" : `local, ${zoneName(entry.occurredAt, tz)}`;
  const recordedLater = Math.abs(entry.recordedAt - entry.occurredAt) >= 60_000;

  const saveTime = async (e: FormEvent) => {
    e.preventDefault();
    if (editing === null) return;
    const t = parseTimeInput(editing, tz, serverNow());
    if (t === null) {
      setInputError(`Use YYYY-MM-DD HH:MM:SS or HH:MM (${tzLabel})`);
      return;
    }
    setInputError(null);
    if (await patch(entry.version, { occurredAt: t })) setEditing(null);
  };

  const describe = (m: Record<string, unknown>) =>
    typeof m.body === "string"
      ? `text → “${m.body}”`
      : typeof m.occurredAt === "number"
        ? `time → ${formatDateTime(m.occurredAt, tz)}`
        : m.pinned === true
          ? "pin"
          : m.pinned === false
            ? "unpin"
            : "edit";

  return (
    <article
      aria-label={`${ui.label} at ${formatTimeZoned(entry.occurredAt, tz)} by ${entry.author}`}
      className={clsx(
        "grid grid-cols-[6.5rem_1fr] gap-x-4 border-b border-line/60 px-4 py-3 last:border-b-0",
        entry.pinned && "bg-warn/5",
        entry.source === "system" && "text-muted",
      )}
    >
      <div className="flex flex-col gap-1">
        <time dateTime={new Date(entry.occurredAt).toISOString()} title={formatDateTime(entry.occurredAt, tz)} className="num font-mono text-sm font-semibold text-fg">
          {formatTime(entry.occurredAt, tz)}
          <span className="ml-1 text-[0.65rem] font-normal text-faint">{zoneName(entry.occurredAt, tz)}</span>
        </time>
        <span className={clsx("inline-flex items-center gap-1 text-xs font-semibold", ui.tone)}>
          <ui.Icon aria-hidden className="size-3.5 shrink-0" />
          {ui.label}
        </span>
      </div>
      <div className="min-w-0">
        <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-muted">
          <span className="font-semibold text-fg">{entry.author}</span>
          {entry.source !== "user" && <span>via {entry.source}</span>}
          {recordedLater && <span className="num">recorded {formatDateTime(entry.recordedAt, tz)}</span>}
          {entry.pinned && (
            <span className="inline-flex items-center gap-0.5 font-semibold text-warn">
              <Pin aria-hidden className="size-3" /> Pinned
            </span>
          )}
          {entry.edited && (
            <button
              type="button"
              aria-expanded={showHistory}
              aria-controls={historyId}
              title={`Edited by ${entry.edited.by} at ${formatDateTime(entry.edited.at, tz)}; show the history`}
              onClick={() => setShowHistory((v) => !v)}
              className="inline-flex items-center gap-0.5 rounded px-1 italic underline decoration-dotted underline-offset-2 hover:text-fg"
            >
              <History aria-hidden className="size-3" />
              edited{entry.edited.revisions > 1 ? ` ×${entry.edited.revisions}` : ""}
            </button>
          )}
          <span className="ml-auto flex items-center gap-1 kiosk:hidden">
            {rewritable && (
              <button
                type="button"
                disabled={pending || !writePerm.allowed}
                {...denied(writePerm)}
                onClick={() => setEditingBody(editingBody === null ? entry.body : null)}
                className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-surface-2 hover:text-fg disabled:opacity-50"
              >
                <Pencil aria-hidden className="size-3.5" />
                Edit
              </button>
            )}
            <button
              type="button"
              disabled={pending || !pinPerm.allowed}
              {...denied(pinPerm)}
              aria-pressed={entry.pinned}
              onClick={() => void patch(entry.version, { pinned: !entry.pinned })}
              className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-surface-2 hover:text-fg disabled:opacity-50"
            >
              {entry.pinned ? <PinOff aria-hidden className="size-3.5" /> : <Pin aria-hidden className="size-3.5" />}
              {entry.pinned ? "Unpin" : "Pin"}
            </button>
            <button
              type="button"
              disabled={!timePerm.allowed}
              {...denied(timePerm)}
              onClick={() => {
                setEditing(editing === null ? toInput(entry.occurredAt, tz) : null);
                setInputError(null);
              }}
              className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-surface-2 hover:text-fg disabled:opacity-50"
            >
              <Clock3 aria-hidden className="size-3.5" />
              Edit time
            </button>
          </span>
        </div>
        {editing !== null && (
          <form onSubmit={saveTime} className="mt-1.5 flex flex-wrap items-center gap-2">
            <input
              autoFocus
              aria-label={`Time it happened (${tzLabel})`}
              value={editing}
              onChange={(e) => setEditing(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), setEditing(null))}
              className="num w-52 rounded-md border border-line bg-bg px-2 py-1 font-mono text-sm focus:border-chart-1 focus:outline-none"
            />
            <span className="text-xs text-muted">{tzLabel}</span>
            <button type="submit" disabled={pending} className="rounded-md bg-chart-1 px-2.5 py-1 text-xs font-semibold text-bg disabled:opacity-50">
              Save time
            </button>
            <button type="button" onClick={() => setEditing(null)} className="rounded-md px-2 py-1 text-xs text-muted hover:text-fg">
              Cancel
            </button>
            {inputError && <span className="text-xs text-critical">{inputError}</span>}
          </form>
        )}
        {editingBody !== null ? (
          <EntryBodyEditor
            value={editingBody}
            onChange={setEditingBody}
            pending={pending}
            onSave={() => void patch(entry.version, { body: editingBody }).then((ok) => ok && setEditingBody(null))}
            onCancel={() => setEditingBody(null)}
          />
        ) : (
          <TimelineMarkdown text={entry.body} className="mt-1 flex flex-col gap-1.5 text-sm leading-relaxed break-words text-fg" />
        )}
        {showHistory && entry.edited && <EntryHistory entry={entry} tz={tz} id={historyId} />}
        <Snapshot snapshot={entry.snapshot} />
        {conflict && (
          <div className="mt-2">
            <ConflictNotice
              what="this entry"
              current={
                conflict.current
                  ? `${typeof conflict.mine.body === "string" ? `“${conflict.current.body}”${conflict.current.edited ? ` (edited by ${conflict.current.edited.by})` : ""} · ` : ""}${formatDateTime(conflict.current.occurredAt, tz)}${conflict.current.pinned ? " · pinned" : ""} (version ${conflict.current.version})`
                  : "unknown"
              }
              mine={describe(conflict.mine)}
              pending={pending}
              onRetry={() => void patch(conflict.current?.version ?? entry.version, conflict.mine).then((ok) => ok && (setEditing(null), setEditingBody(null)))}
              onDismiss={() => {
                dismiss();
                setEditing(null);
                setEditingBody(null);
              }}
            />
          </div>
        )}
        {error && (
          <p role="alert" className="mt-1 text-sm text-critical">
            Not saved: {error}
          </p>
        )}
      </div>
    </article>
  );
});
