"use client";

import { useDeferredValue, useEffect, useId } from "react";
import { Info } from "lucide-react";
import { formatTimeZoned, type TimeZoneMode } from "@/lib/signals/format";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import type { Incident } from "@/components/incidents/types";
import { ConflictPanel } from "./ConflictPanel";
import { ImpactStrip } from "./ImpactStrip";
import { PostmortemDocument } from "./PostmortemDocument";
import { ReviewBar } from "./ReviewBar";
import { UnwrittenDialog } from "./UnwrittenDialog";
import { SaveIndicator } from "./SaveIndicator";
import { useEditorSession } from "./useEditorSession";
import { PublishedView } from "./PublishedView";
import { STATUS_LABEL, type Postmortem } from "./types";

/**
 * Markdown on the left, the rendered postmortem on the right. Autosaves ~1.5 s after typing stops,
 * on leaving the text box and on Ctrl+S / ⌘S, always with the version the text is based on.
 */
export function PostmortemEditor({ server, incident, tz }: { server: Postmortem; incident: Incident; tz: TimeZoneMode }) {
  const id = useId();
  const { name } = useIncidentUi();
  const s = useEditorSession(incident.id, server);
  const preview = useDeferredValue(s.text);
  const { saveNow } = s;
  const perm = useCan()("postmortem.write");

  // Ctrl+S anywhere on the page saves now instead of opening the browser's "save page".
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        saveNow();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [saveNow]);

  if (s.base.status === "published" && !s.conflict) return <PublishedView postmortem={s.base} tz={tz} />;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-3 rounded-xl border border-line bg-surface px-5 py-3 print:hidden">
        <ReviewBar status={s.base.status} incident={incident} busy={s.saving || s.conflict !== null} onChange={s.changeStatus} />
        <SaveIndicator state={s.state} me={name} tz={tz} onRetry={saveNow} />
      </div>
      {s.unwritten && <UnwrittenDialog sections={s.unwritten} onKeepEditing={s.dismissUnwritten} onPublishAnyway={() => void s.changeStatus("published", { confirm: true })} />}

      <ReadOnlyNote permission={perm} id={`${id}-denied`} className="print:hidden" />
      {s.ahead && (
        <p role="status" className="flex items-start gap-2 rounded-lg border border-chart-1/50 bg-chart-1/10 px-4 py-2.5 text-sm print:hidden">
          <Info aria-hidden className="mt-0.5 size-4 shrink-0 text-chart-1" />
          <span>
            <strong>
              {s.ahead.updatedBy} {s.ahead.status === s.base.status ? "saved" : s.ahead.status === "published" ? "published" : `moved to ${STATUS_LABEL[s.ahead.status].toLowerCase()}`} version{" "}
              {s.ahead.version}
            </strong>{" "}
            at <span className="num">{formatTimeZoned(s.ahead.updatedAt, tz)}</span> while you were editing version {s.base.version}. Your next save will not overwrite it:
            you will see both versions and choose.
          </span>
        </p>
      )}

      <ImpactStrip impact={s.base.impact} />

      {s.conflict ? (
        <ConflictPanel theirs={s.conflict.theirs} mine={s.text} tz={tz} busy={s.saving} onKeepMine={s.keepMine} onTakeTheirs={s.takeTheirs} />
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 print:block">
          <div className="flex flex-col gap-1.5 print:hidden">
            <label htmlFor={`${id}-md`} className="flex items-baseline justify-between text-xs font-semibold tracking-wide text-muted uppercase">
              Markdown
              <span className="font-normal tracking-normal normal-case text-faint">Autosaves as you type · Ctrl+S saves now</span>
            </label>
            <textarea
              id={`${id}-md`}
              aria-label="Postmortem Markdown"
              value={s.text}
              readOnly={!perm.allowed}
              {...denied(perm, `${id}-denied`)}
              onChange={(e) => s.setText(e.target.value)}
              onBlur={saveNow}
              spellCheck
              className="h-[calc(100vh-23.5rem)] min-h-[32rem] w-full resize-y rounded-xl border border-line bg-bg px-4 py-3 font-mono text-[0.85rem] leading-relaxed text-fg focus:border-chart-1 focus:outline-none"
            />
          </div>
          <div className="flex min-w-0 flex-col gap-1.5">
            <p className="text-xs font-semibold tracking-wide text-muted uppercase print:hidden">Preview</p>
            <div className="h-[calc(100vh-23.5rem)] min-h-[32rem] overflow-y-auto rounded-xl border border-line bg-surface px-8 py-4 print:h-auto print:min-h-0 print:overflow-visible print:rounded-none print:border-0 print:bg-transparent print:p-0">
              <PostmortemDocument markdown={preview} label="Preview" />
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
