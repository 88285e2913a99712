"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import clsx from "clsx";
import { CornerDownLeft } from "lucide-react";
import type { TimeZoneMode } from "@/lib/signals/format";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { KIND_UI } from "./meta";
import type { OutboxNote } from "./outbox";
import { parseTimeInput } from "./time";
import type { WritableKind } from "./types";

/** `/decision …` and `/action …` set the kind; anything else is a note. */
export function parseScribe(text: string): { kind: WritableKind; body: string } {
  const m = /^\/(decision|action|note)(?:\s+|$)/i.exec(text);
  if (!m) return { kind: "note", body: text.trim() };
  return { kind: m[1].toLowerCase() as WritableKind, body: text.slice(m[0].length).trim() };
}

/**
 * Keyboard-first writing into the timeline: Enter adds the entry (stamped with the server's
 * clock at the moment it was typed, in UTC), Shift+Enter is a newline, an optional time field
 * back-dates it. The entry goes to the outbox (./useOutbox.ts) first: typed while the server is
 * away, it waits there, shown as pending, and is sent when the server is back.
 */
export function ScribeBox({ tz, serverNow, queue, notBefore }: { tz: TimeZoneMode; serverNow: () => number; queue: (input: OutboxNote["input"]) => Promise<void>; notBefore: number }) {
  const id = useId();
  const perm = useCan()("timeline.write");
  const [text, setText] = useState("");
  const [at, setAt] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const { kind, body } = parseScribe(text);
  const ui = KIND_UI[kind];

  const submit = async () => {
    if (pending || !body || !perm.allowed) return;
    // The time it was typed, fixed now: a note sent later still says when it happened, and every
    // retry sends the same body (the same Idempotency-Key with another body would be refused).
    // The page knows the server's clock to about a second (a Date header): a note typed just after
    // the declaration must not land before the incident's start, which the server refuses.
    let occurredAt = Math.max(Math.round(serverNow()), notBefore);
    if (at.trim()) {
      const t = parseTimeInput(at, tz, serverNow());
      if (t === null) {
        setError(`Cannot read the time “${at}”: use HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM (${tz === "utc" ? "UTC" : "local time"}).`);
        return;
      }
      occurredAt = t;
    }
    setPending(true);
    setError(null);
    try {
      await queue({ kind, body, occurredAt });
      setText("");
      setAt("");
    } catch (err) {
      setError(err instanceof Error ? err.message : "Not saved");
    } finally {
      setPending(false);
      area.current?.focus();
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <div className="rounded-xl border border-line bg-surface p-3 kiosk:hidden">
      <div className="mb-1.5 flex flex-wrap items-center justify-between gap-2">
        <label htmlFor={`${id}-text`} className="text-xs font-semibold tracking-wide text-muted uppercase">
          Add to timeline
        </label>
        <span className={clsx("inline-flex items-center gap-1 text-xs font-semibold", ui.tone)} aria-live="polite">
          <ui.Icon aria-hidden className="size-3.5" />
          {ui.label}
        </span>
      </div>
      <textarea
        id={`${id}-text`}
        ref={area}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
        maxLength={10_000}
        placeholder="What happened? Enter adds it now · Shift+Enter new line · /decision … · /action …"
        disabled={!perm.allowed}
        {...denied(perm)}
        aria-describedby={perm.allowed ? `${id}-help` : `${id}-help ${id}-denied`}
        className="block w-full resize-y rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none"
      />
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-xs text-muted">
          At
          <input
            value={at}
            disabled={!perm.allowed}
            onChange={(e) => setAt(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                void submit();
              }
            }}
            placeholder={`now (HH:MM ${tz === "utc" ? "UTC" : "local"})`}
            aria-label={`Time it happened, optional (${tz === "utc" ? "UTC" : "local time"})`}
            className="num w-40 rounded-md border border-line bg-bg px-2 py-1 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none"
          />
        </label>
        <p id={`${id}-help`} className="text-xs text-faint">
          Markdown: **bold**, `code`, links, lists.
        </p>
        <button
          type="button"
          onClick={() => void submit()}
          disabled={pending || !body || !perm.allowed}
          {...denied(perm, `${id}-denied`)}
          className="ml-auto inline-flex items-center gap-1.5 rounded-md bg-chart-1 px-3 py-1.5 text-sm font-semibold text-bg hover:bg-chart-1/90 disabled:opacity-50"
        >
          <CornerDownLeft aria-hidden className="size-4" />
          {pending ? "Adding…" : `Add ${ui.label.toLowerCase()}`}
        </button>
      </div>
      <ReadOnlyNote permission={perm} id={`${id}-denied`} className="mt-2" />
      {error && (
        <p role="alert" className="mt-2 text-sm text-critical">
          {error}
        </p>
      )}
    </div>
  );
}
