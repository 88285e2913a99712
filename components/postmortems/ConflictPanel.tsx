"use client";

import { useId, useMemo } from "react";
import clsx from "clsx";
import { GitCompareArrows } from "lucide-react";
import { formatTimeZoned, type TimeZoneMode } from "@/lib/signals/format";
import { sideBySide } from "./lineDiff";
import { STATUS_LABEL, type Postmortem } from "./types";

const cell = "px-2 py-px align-top font-mono text-[0.8rem] leading-relaxed whitespace-pre-wrap break-words";
/** An empty line keeps its row height. */
const shown = (line: string) => line || "\u200b";
const lineNo = "w-10 select-none px-2 py-px text-right align-top font-mono text-[0.7rem] leading-relaxed text-faint";

/**
 * Shown when a save met a newer version: both versions side by side (changed lines marked,
 * long unchanged stretches folded) and the two ways out. Autosave waits until one is chosen.
 */
export function ConflictPanel({
  theirs,
  mine,
  tz,
  busy,
  onKeepMine,
  onTakeTheirs,
}: {
  theirs: Postmortem;
  mine: string;
  tz: TimeZoneMode;
  busy: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const id = useId();
  const { rows, changed } = useMemo(() => sideBySide(theirs.body, mine), [theirs.body, mine]);
  const published = theirs.status === "published";

  return (
    <section role="alert" aria-labelledby={`${id}-title`} className="rounded-xl border border-warn/60 bg-warn/5 print:hidden">
      <div className="flex flex-wrap items-start gap-x-6 gap-y-3 border-b border-warn/30 px-5 py-4">
        <div className="min-w-0 flex-1">
          <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold text-warn">
            <GitCompareArrows aria-hidden className="size-5" />
            {theirs.updatedBy} saved version {theirs.version} while you were editing
          </h2>
          <p className="mt-1 text-sm text-fg/90">
            Nothing was overwritten. Compare the two versions, then choose which one to continue from. Autosave is paused until you do.
            {published && <strong className="ml-1">It has been published and can no longer be changed: copy what you need from your text below.</strong>}
          </p>
        </div>
        <div className="flex gap-2">
          <button
            type="button"
            disabled={busy || published}
            onClick={onKeepMine}
            className="rounded-md bg-warn px-3 py-1.5 text-sm font-semibold text-bg hover:bg-warn/90 disabled:opacity-50"
          >
            Keep mine (save over theirs)
          </button>
          <button type="button" disabled={busy} onClick={onTakeTheirs} className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-semibold hover:border-muted disabled:opacity-50">
            Take theirs
          </button>
        </div>
      </div>
      <p className="px-5 pt-3 text-xs text-muted">
        {changed === 0 ? "The texts are the same; only the version differs." : `${changed} ${changed === 1 ? "line differs" : "lines differ"}.`} Left: theirs, right: yours.
      </p>
      <div className="max-h-[65vh] overflow-auto px-5 pt-2 pb-4">
        <table aria-label="Both versions" className="w-full table-fixed border-collapse rounded-md border border-line bg-bg">
          <colgroup>
            <col className="w-10" />
            <col />
            <col className="w-10" />
            <col />
          </colgroup>
          <thead className="sticky top-0 bg-surface-2 text-left text-xs">
            <tr>
              <th colSpan={2} scope="colgroup" className="border-r border-b border-line px-3 py-2 font-semibold">
                Theirs · version {theirs.version} · {STATUS_LABEL[theirs.status]} · saved by {theirs.updatedBy} at <span className="num">{formatTimeZoned(theirs.updatedAt, tz)}</span>
              </th>
              <th colSpan={2} scope="colgroup" className="border-b border-line px-3 py-2 font-semibold">
                Mine · not saved
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) =>
              r.kind === "fold" ? (
                <tr key={i}>
                  <td colSpan={4} className="border-y border-line/60 bg-surface px-3 py-1 text-center text-xs text-faint">
                    {r.count} unchanged {r.count === 1 ? "line" : "lines"}
                  </td>
                </tr>
              ) : r.kind === "same" ? (
                <tr key={i} className="text-fg/75">
                  <td className={lineNo}>{r.leftNo}</td>
                  <td className={clsx(cell, "border-r border-line")}>{shown(r.left)}</td>
                  <td className={lineNo}>{r.rightNo}</td>
                  <td className={cell}>{shown(r.left)}</td>
                </tr>
              ) : (
                <tr key={i}>
                  <td className={clsx(lineNo, r.left !== null && "bg-critical/10")}>{r.leftNo}</td>
                  <td className={clsx(cell, "border-r border-line", r.left !== null ? "bg-critical/10 text-fg" : "bg-surface/60")}>
                    {r.left !== null && <span className="sr-only">theirs: </span>}
                    {r.left !== null && shown(r.left)}
                  </td>
                  <td className={clsx(lineNo, r.right !== null && "bg-ok/10")}>{r.rightNo}</td>
                  <td className={clsx(cell, r.right !== null ? "bg-ok/10 text-fg" : "bg-surface/60")}>
                    {r.right !== null && <span className="sr-only">mine: </span>}
                    {r.right !== null && shown(r.right)}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
