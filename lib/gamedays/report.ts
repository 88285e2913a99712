import type { TimelineEntry } from "../incidents/model";
import { escapeCell, formatCount, formatLatency, formatPercent, isoMinute, table } from "../postmortems/render";
import { formatDuration } from "../signals/format";
import type { Run } from "./model";
import { unchecked } from "./probes";

/**
 * The game-day report (SPEC §12): Objective, Hypothesis, Timeline, Measurements, Result, Findings,
 * Action items, in Markdown. It uses the postmortem renderer's formatting and tables
 * (lib/postmortems/render.ts) so both documents read alike; the sections are fixed rather than a
 * team template, since every value comes from the run. Pure: `now` is given.
 */
export function renderReport(run: Run, timeline: readonly TimelineEntry[], now: number): string {
  const m = run.measurements;
  const dur = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));
  const verdict = run.verdict === "pass" ? "PASS" : run.verdict === "fail" ? "FAIL" : run.verdict === "stopped" ? "STOPPED" : "AWAITED";
  const out: string[] = [];
  out.push(`# Game day: ${run.planTitle}`, "");
  out.push(`Run ${run.id} · INC-${run.incidentNumber} (drill) · started ${isoMinute(run.startedAt)} by ${run.startedBy} · ended ${isoMinute(run.endedAt)} · owner ${run.spec.owner}`, "");
  out.push("## Objective", "", run.spec.objective, "");
  if (run.spec.prerequisites.length) out.push("Prerequisites:", "", ...run.spec.prerequisites.map((p) => `- [ ] ${p}`), "");
  out.push("## Hypothesis", "", "The steady state, which must hold throughout:", "");
  for (const p of run.probes.filter((p) => p.kind === "hypothesis")) out.push(`- \`${p.condition.text}\``);
  const aborts = run.probes.filter((p) => p.kind === "abort");
  if (aborts.length) out.push("", "Abort criteria:", "", ...aborts.map((p) => `- \`${p.condition.text}\``));
  out.push("", "## Timeline", "");
  const rows = [...timeline].sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq).map((e) => [isoSecond(e.occurredAt), `+${formatDuration(Math.max(0, e.occurredAt - run.startedAt))}`, e.author, e.body]);
  out.push(rows.length ? table(["Time (UTC)", "Offset", "By", "What"], rows) : "_No timeline entries._", "");
  out.push("## Measurements", "");
  out.push(
    table(
      ["Measure", "Value"],
      [
        ["Time to detect (fault start → first expected alert firing)", dur(m.timeToDetectMs)],
        ["Time to acknowledge", m.timeToAcknowledgeMs === null ? "— (nobody acknowledged the run's incident)" : dur(m.timeToAcknowledgeMs)],
        ["Time to mitigate (mitigation → signals inside the hypothesis)", dur(m.timeToMitigateMs)],
        ["Time to recover (fault end → signals inside the hypothesis)", dur(m.timeToRecoverMs)],
        ["Requests failed", formatCount(m.requestsFailed)],
        ...m.budgetBurned.map((b) => [`Error budget burned: ${b.slo}`, formatPercent(b.pct)]),
      ],
    ),
    "",
  );
  if (m.levels.length) {
    out.push("Load levels:", "", table(["Level", "Service", "Duration", "p99 (max)", "p99 (mean)", "Error rate (mean)", "Error rate (max)"], m.levels.map((l) => [`${l.factor}×`, l.target, dur(l.to === null ? null : l.to - l.from), formatLatency(l.p99Max), formatLatency(l.p99Mean), formatPercent(l.errorPctMean), formatPercent(l.errorPctMax)])), "");
  }
  out.push("## Result", "", `**${verdict}**${run.stopReason ? ` — ${run.stopReason}` : ""}`, "");
  out.push(table(["Condition", "Result", "Detail"], run.results.map((r) => [r.what, r.pass ? "Pass" : "Fail", r.detail])), "");
  const findings = findingsOf(run);
  out.push("## Findings", "", ...(findings.length ? findings.map((f) => `- ${f}`) : ["- The system held its steady state and every expected alert fired."]), "");
  const actions = actionsOf(run);
  out.push("## Action items", "", ...(actions.length ? actions.map((a) => `- [ ] ${a}`) : ["- [ ] Repeat this game day after the next significant change"]), "");
  out.push(`_Drafted ${isoMinute(now)} from the recorded run; edit before sharing._`, "");
  return out.join("\n");
}

function findingsOf(run: Run): string[] {
  const f: string[] = [];
  for (const a of run.measurements.missedAlerts) {
    f.push(run.status === "stopped" ? `The expected alert ${escapeCell(a)} did not fire before the run was stopped: a possible detection gap.` : `Detection gap: the expected alert ${escapeCell(a)} never fired.`);
  }
  for (const p of run.probes) {
    if (unchecked(p, run.measurements.faultStartedAt !== null)) f.push(`\`${p.condition.text}\` could not be checked: ${p.samples === 0 ? "it had no data during the run" : "it had no data while the fault ran"}.`);
    if (p.kind === "hypothesis" && p.firstBrokenAt !== null) f.push(`\`${p.condition.text}\` was broken for ${formatDuration(p.brokenMs)} from +${formatDuration(p.firstBrokenAt - run.startedAt)} (worst ${Math.round((p.worst ?? 0) * 100) / 100}).`);
  }
  if (run.status === "stopped" && run.stopReason) f.push(`The run was stopped: ${run.stopReason}.`);
  for (const s of run.steps) if (s.state === "skipped") f.push(`Step ${s.n} (${s.text}) did not run.`);
  return f;
}

function actionsOf(run: Run): string[] {
  const a: string[] = [];
  for (const name of run.measurements.missedAlerts) a.push(`Detect: make alert ${name} fire for this fault, or add one that does`);
  for (const p of run.probes) if (unchecked(p, run.measurements.faultStartedAt !== null)) a.push(`Observe: make ${p.condition.target.id} report ${p.condition.target.signal} during this fault so \`${p.condition.text}\` can be checked`);
  for (const p of run.probes) if (p.kind === "hypothesis" && p.firstBrokenAt !== null) a.push(`Prevent: make ${p.condition.target.id} keep \`${p.condition.text}\` under this fault`);
  if (run.measurements.timeToAcknowledgeMs === null) a.push("Process: acknowledge the game day's incident during the run so time to acknowledge is measured");
  return a;
}

function isoSecond(t: number): string {
  return new Date(t).toISOString().slice(0, 19) + "Z";
}
