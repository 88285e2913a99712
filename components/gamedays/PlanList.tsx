"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ApiError } from "@/components/api";
import { useCan } from "@/components/auth/useCan";
import { usePlans, useStartRun } from "./api";
import { dur } from "./format";

/** Every plan of the game-day folder, started from here; files that failed validation with file:line. */
export function PlanList() {
  const { data, error } = usePlans();
  const start = useStartRun();
  const router = useRouter();
  const perm = useCan()("drill.start");
  if (error) return <p role="alert" className="text-critical">{error.message}</p>;
  if (!data) return <p className="text-muted">Loading game days…</p>;
  const go = (slug: string) => start.mutate(slug, { onSuccess: (run) => router.push(`/gamedays/${slug}/runs/${run.id}`) });
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Game days</h1>
      <p className="text-sm text-muted">Plans from the game-day folder. A run declares a drill incident, runs the steps on schedule and probes the steady state live.</p>
      {start.error ? <p role="alert" className="text-sm text-critical">{start.error instanceof ApiError ? start.error.message : String(start.error)}</p> : null}
      <ul className="grid gap-3 lg:grid-cols-2">
        {data.plans.map((p) => (
          <li key={p.slug} className="rounded-xl border border-line bg-surface p-4">
            <div className="flex items-start gap-3">
              <div className="flex-1">
                <Link href={`/gamedays/${p.slug}`} className="font-semibold hover:underline">{p.title}</Link>
                <p className="mt-1 text-sm text-muted">{p.objective}</p>
                <p className="mt-2 text-xs text-muted">
                  {p.services.join(", ")} · owner {p.owner} · {p.steps.length} steps · about {dur(p.plannedMs)} · ends by {dur(p.maxDurationMs)}
                </p>
              </div>
              {p.running ? (
                <Link href={`/gamedays/${p.slug}/runs/${p.running}`} className="rounded-md border border-chart-1 px-3 py-1.5 text-sm font-semibold text-chart-1">Running — watch</Link>
              ) : (
                <button type="button" disabled={!perm.allowed || start.isPending} title={perm.reason ?? undefined} onClick={() => go(p.slug)} className="rounded-md border border-line bg-bg px-3 py-1.5 text-sm font-semibold" aria-label={`Start ${p.title}`}>
                  Start
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {data.invalid.length ? (
        <section aria-label="Invalid plans" className="rounded-xl border border-critical/40 p-4 text-sm">
          <h2 className="mb-1 font-semibold text-critical">Plans that cannot run</h2>
          <ul className="space-y-0.5 font-mono text-xs">
            {data.invalid.flatMap((f) => f.problems.map((p) => <li key={`${f.path}:${p.line}:${p.message}`}>{f.path}:{p.line}: {p.message}</li>))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
