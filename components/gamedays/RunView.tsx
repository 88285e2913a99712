"use client";

import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import clsx from "clsx";
import { ApiError } from "@/components/api";
import { Markdown } from "@/components/ui/Markdown";
import { useServerNow } from "@/components/live/LiveProvider";
import { isTypingTarget } from "@/components/shell/shortcuts";
import { useCan } from "@/components/auth/useCan";
import type { Run } from "@/lib/gamedays/model";
import { useAbortRun, useDraftReport, useRun, useStepDone } from "./api";
import { ProbePanel } from "./ProbePanel";
import { Measurements } from "./Measurements";
import { VERDICT_CLASS, VERDICT_LABEL, dur, offset } from "./format";

const STEP_CLASS: Record<Run["steps"][number]["state"], string> = {
  pending: "text-muted",
  active: "text-chart-1",
  waiting: "text-warn",
  done: "text-ok",
  missed: "text-critical",
  skipped: "text-faint line-through",
};

/** One run, live: state, steps (manual ones ticked here), probes, measurements, abort (button or `a`), report. */
export function RunView({ plan, id }: { plan: string; id: string }) {
  const { data: run, error } = useRun(plan, id);
  const now = useServerNow() ?? 0;
  const abort = useAbortRun();
  const done = useStepDone();
  const report = useDraftReport();
  const perm = useCan()("drill.start");
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const running = run?.status === "running";

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === "a" && running) {
        e.preventDefault();
        setConfirming(true);
      } else if (e.key === "Escape") setConfirming(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [running]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (error) return <p role="alert" className="text-critical">{error.message}</p>;
  if (!run) return <p className="text-muted">Loading the run…</p>;
  const fail = abort.error ?? done.error ?? report.error;

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          <Link href={`/gamedays/${run.plan}`} className="hover:underline">{run.planTitle}</Link>
        </h1>
        <span data-testid="run-verdict" className={clsx("rounded-md border px-2 py-0.5 text-sm font-semibold", VERDICT_CLASS[run.verdict])}>{VERDICT_LABEL[run.verdict]}</span>
        <span data-testid="run-status" className="text-sm text-muted">{run.status}{running ? ` · ${dur(now - run.startedAt)} elapsed · ends by itself in ${dur(run.endsBy - now)}` : ""}</span>
        <Link href={`/incidents/${run.incidentId}`} className="text-sm text-muted underline">INC-{run.incidentNumber} (drill)</Link>
        {running ? (
          <button type="button" disabled={!perm.allowed || abort.isPending} onClick={() => setConfirming(true)} className="ml-auto rounded-md border border-critical/50 bg-critical/10 px-3 py-1.5 text-sm font-semibold text-critical" aria-keyshortcuts="a">
            Abort run <kbd className="ml-1 text-xs">a</kbd>
          </button>
        ) : null}
      </header>
      {run.stopReason ? <p className="rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm">Stopped: {run.stopReason}</p> : null}
      {confirming && running ? (
        <div role="alertdialog" aria-label="Abort the game day" className="flex items-center gap-3 rounded-md border border-critical/50 bg-surface px-3 py-2 text-sm">
          Stop every drill of this run now?
          <button ref={confirmRef} type="button" className="rounded-md bg-critical px-3 py-1 font-semibold text-bg" onClick={() => { setConfirming(false); abort.mutate({ plan: run.plan, run: run.id }); }}>
            Abort now
          </button>
          <button type="button" className="text-muted" onClick={() => setConfirming(false)}>Cancel (Esc)</button>
        </div>
      ) : null}
      {fail ? <p role="alert" className="text-sm text-critical">{fail instanceof ApiError ? fail.message : String(fail)}</p> : null}
      <div className="grid gap-4 xl:grid-cols-2">
        <ProbePanel run={run} now={now} />
        <section aria-label="Steps" className="rounded-xl border border-line bg-surface p-4">
          <h2 className="mb-2 text-sm font-semibold">Steps</h2>
          <ol className="space-y-1.5 text-sm">
            {run.steps.map((s) => (
              <li key={s.n} className="flex items-center gap-2" data-step={s.n}>
                <span className="w-20 shrink-0 whitespace-nowrap tabular-nums text-muted">{offset(s.at)}</span>
                <span className="flex-1"><code>{s.text.replace(/^\+\S+\s+/, "")}</code>{s.note ? <span className="ml-2 text-xs text-muted">{s.note}</span> : null}</span>
                <span className={clsx("text-xs font-semibold uppercase", STEP_CLASS[s.state])}>{s.state}{s.doneBy ? ` · ${s.doneBy}` : ""}</span>
                {s.kind === "manual" && s.state === "waiting" ? (
                  <button type="button" disabled={!perm.allowed || done.isPending} className="rounded-md border border-line px-2 py-0.5 text-xs font-semibold" onClick={() => done.mutate({ plan: run.plan, run: run.id, arg: s.n })}>
                    Mark done
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <Measurements run={run} />
      {!running ? (
        <section aria-label="Report" className="space-y-2 rounded-xl border border-line bg-surface p-4">
          <div className="flex items-center gap-3">
            <h2 className="text-sm font-semibold">Report</h2>
            <button type="button" disabled={!perm.allowed || report.isPending} className="rounded-md border border-line px-3 py-1 text-sm font-semibold" onClick={() => report.mutate({ plan: run.plan, run: run.id })}>
              {run.report ? "Draft again" : "Draft report"}
            </button>
            {run.report ? <a className="text-sm underline" href={`/api/v1/gamedays/${run.plan}/runs/${run.id}/report.md`}>Export Markdown</a> : null}
          </div>
          {run.report ? <Markdown markdown={run.report.markdown} /> : null}
        </section>
      ) : null}
    </div>
  );
}
