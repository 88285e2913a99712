"use client";

import Link from "next/link";
import clsx from "clsx";
import { useServerNow } from "@/components/live/LiveProvider";
import { usePlans, useRun } from "./api";
import { dur, num, probeState } from "./format";

const TONE = { ok: "border-ok/40 text-ok", warn: "border-warn/40 text-warn", critical: "border-critical/50 text-critical", muted: "border-line text-muted" } as const;

function RunStrip({ plan, id }: { plan: string; id: string }) {
  const { data: run } = useRun(plan, id);
  const now = useServerNow() ?? 0;
  if (!run || run.status !== "running") return null;
  const done = run.steps.filter((s) => s.state === "done" || s.state === "missed").length;
  return (
    <li className="flex flex-wrap items-center gap-2 text-sm">
      <Link href={`/gamedays/${run.plan}/runs/${run.id}`} className="font-semibold hover:underline">{run.planTitle}</Link>
      <span className="text-muted">{dur(now - run.startedAt)} · step {done}/{run.steps.length}</span>
      {run.probes.map((p) => {
        const s = probeState(p, now);
        return (
          <span key={`${p.kind}:${p.condition.text}`} className={clsx("rounded-md border px-2 py-0.5 font-mono text-xs", TONE[s.tone])} title={`${p.kind === "hypothesis" ? "steady state" : "abort if"}: ${s.label}`}>
            {p.condition.text} = {num(p.value)}
          </span>
        );
      })}
    </li>
  );
}

/** On the board: every running game day with its live probes (nothing when none runs). */
export function BoardProbes() {
  const { data } = usePlans();
  const running = (data?.plans ?? []).filter((p) => p.running !== null);
  if (running.length === 0) return null;
  return (
    <section aria-label="Game days running" className="rounded-xl border border-drill/40 bg-surface px-5 py-3 kiosk:hidden">
      <h2 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Game day running</h2>
      <ul className="space-y-1">{running.map((p) => <RunStrip key={p.running} plan={p.slug} id={p.running as string} />)}</ul>
    </section>
  );
}
