"use client";

import { useState } from "react";
import { Pencil } from "lucide-react";
import { formatDateTime, type TimeZoneMode } from "@/lib/signals/format";
import { parseTimeInput, toInput } from "./time";

/**
 * "started <time>" in the incident header, correctable after the declaration: the commander
 * learns later when the impact really began (PATCH startedAt; MTTD = detection − impact start).
 */
export function ImpactStartEdit({ startedAt, detectedAt, tz, now, disabled, onSave }: {
  startedAt: number;
  detectedAt: number;
  tz: TimeZoneMode;
  now: number | null;
  disabled: boolean;
  onSave: (startedAt: number) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (text === null) {
    return (
      <>
        impact started <span className="num">{formatDateTime(startedAt, tz)}</span>
        {!disabled && (
          <button type="button" onClick={() => setText(toInput(startedAt, tz))} className="ml-1 inline-flex items-center rounded p-0.5 text-muted hover:text-fg kiosk:hidden" aria-label="Edit when the impact started">
            <Pencil aria-hidden className="size-3.5" />
          </button>
        )}
      </>
    );
  }
  const save = () => {
    const t = parseTimeInput(text, tz, now ?? Date.now());
    if (t === null) return setProblem(`Cannot read “${text}”: use HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM:SS (${tz === "utc" ? "UTC" : "local time"}).`);
    if (t > detectedAt) return setProblem(`The impact cannot start after it was detected (${formatDateTime(detectedAt, tz)}).`);
    setProblem(null);
    setText(null);
    if (t !== startedAt) onSave(t);
  };
  return (
    <form className="inline-flex flex-wrap items-center gap-2" onSubmit={(e) => (e.preventDefault(), save())}>
      <label className="inline-flex items-center gap-1.5">
        Impact started at
        <input autoFocus value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === "Escape" && setText(null)} className="num w-48 rounded border border-line bg-bg px-2 py-0.5 text-fg" />
      </label>
      <button type="submit" className="rounded bg-chart-1 px-2 py-0.5 font-semibold text-bg">Save</button>
      <button type="button" onClick={() => (setText(null), setProblem(null))} className="rounded px-2 py-0.5 text-muted hover:text-fg">Cancel</button>
      {problem && <span role="alert" className="w-full text-critical">{problem}</span>}
    </form>
  );
}
