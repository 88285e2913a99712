import { compare, observe, type Condition } from "./conditions";
import type { Measurements, Probe, Run } from "./model";
import type { Step } from "./steps";

/**
 * What a run sees at one tick: live signals, SLO figures and firing alerts. Every function here
 * is pure over it, so the job (./service.ts) and the tests feed the same values.
 */
export type Observation = {
  t: number;
  tickMs: number;
  signal(service: string, name: string): number | null;
  slo(id: string, signal: string): number | null;
  firing: readonly { name: string; service: string; firedAt: number | null }[];
};

export function valueOf(c: Condition, obs: Observation): number | null {
  return c.target.kind === "service" ? obs.signal(c.target.id, c.target.signal) : obs.slo(c.target.id, c.target.signal);
}

export function newProbe(kind: Probe["kind"], condition: Condition): Probe {
  return { kind, condition, value: null, holds: false, trueSince: null, brokenMs: 0, firstBrokenAt: null, lastBrokenAt: null, worst: null, samples: 0, faultSamples: 0, noDataMs: 0 };
}

/** A hypothesis probe outside the steady state: it has a value and the value breaks the condition. */
export const isBroken = (p: Probe): boolean => p.kind === "hypothesis" && p.value !== null && !compare(p.value, p.condition.op, p.condition.value);

const worse = (c: Condition, a: number | null, b: number): number => (a === null ? b : c.op === "<" || c.op === "<=" ? Math.max(a, b) : Math.min(a, b));

/** Every probe evaluated at `obs.t`; returns the abort probe that tripped, if one did. */
export function probeTick(run: Run, obs: Observation): Probe | null {
  let tripped: Probe | null = null;
  const m = run.measurements;
  const inFault = m.faultStartedAt !== null && obs.t >= m.faultStartedAt && (m.faultEndedAt === null || obs.t <= m.faultEndedAt);
  run.probes = run.probes.map((p) => {
    const value = valueOf(p.condition as Condition, obs);
    const s = observe(p.condition as Condition, { value: p.value, trueSince: p.trueSince, holds: p.holds }, value, obs.t);
    const next: Probe = { ...p, ...s };
    if (p.kind === "hypothesis" && value === null) next.noDataMs = p.noDataMs + obs.tickMs;
    else if (p.kind === "hypothesis") Object.assign(next, { samples: p.samples + 1, faultSamples: p.faultSamples + (inFault ? 1 : 0) });
    if (p.kind === "hypothesis" && isBroken(next)) {
      next.brokenMs = p.brokenMs + (p.lastBrokenAt !== null && obs.t - p.lastBrokenAt <= 2 * obs.tickMs ? obs.t - p.lastBrokenAt : obs.tickMs);
      next.firstBrokenAt = p.firstBrokenAt ?? obs.t;
      next.lastBrokenAt = obs.t;
      next.worst = worse(p.condition as Condition, p.worst, value as number);
    }
    if (p.kind === "abort" && next.holds && !tripped) tripped = next;
    return next;
  });
  return tripped;
}

/** Failed requests, load levels, expected alerts seen and recovery, at one tick. */
export function measureTick(run: Run, obs: Observation): void {
  const m: Measurements = run.measurements;
  for (const service of run.services) {
    const rps = obs.signal(service, "rps");
    const err = obs.signal(service, "errorPct");
    if (rps !== null && err !== null) m.requestsFailed += (rps * err * obs.tickMs) / 100_000;
  }
  for (const level of m.levels) {
    if (level.to !== null) continue;
    const p99 = obs.signal(level.target, "p99");
    const err = obs.signal(level.target, "errorPct");
    if (p99 === null || err === null) continue;
    level.p99Mean = ((level.p99Mean ?? 0) * level.samples + p99) / (level.samples + 1);
    level.errorPctMean = ((level.errorPctMean ?? 0) * level.samples + err) / (level.samples + 1);
    level.p99Max = Math.max(level.p99Max ?? p99, p99);
    level.errorPctMax = Math.max(level.errorPctMax ?? err, err);
    level.samples++;
  }
  const steps = run.spec.steps as unknown as Step[];
  for (const a of m.alerts) {
    if (a.firedAt !== null) continue;
    const expect = steps.find((s): s is Extract<Step, { kind: "expect" }> => s.kind === "expect" && s.alert === a.name);
    const services = expect?.service ? [expect.service] : null;
    const hit = obs.firing.find((f) => f.name === a.name && f.firedAt !== null && f.firedAt >= run.startedAt && (services === null || services.includes(f.service)));
    if (hit) a.firedAt = hit.firedAt;
  }
  // Recovery: once the fault is over and mitigated, the first probe with the whole hypothesis inside the steady state.
  const inside = run.probes.filter((p) => p.kind === "hypothesis").every((p) => p.value !== null && !isBroken(p));
  if (m.recoveredAt === null && m.mitigationAt !== null && obs.t >= m.mitigationAt && inside) m.recoveredAt = obs.t;
}

/** Time to detect, mitigate and recover from what was recorded; the acknowledgement comes from the incident. */
export function timings(m: Measurements, acknowledgedAt: number | null): void {
  const fault = m.faultStartedAt;
  const firstAlert = m.alerts.reduce<number | null>((min, a) => (a.firedAt === null ? min : min === null ? a.firedAt : Math.min(min, a.firedAt)), null);
  m.timeToDetectMs = fault !== null && firstAlert !== null ? Math.max(0, firstAlert - fault) : null;
  m.timeToAcknowledgeMs = fault !== null && acknowledgedAt !== null && acknowledgedAt >= fault ? acknowledgedAt - fault : null;
  m.timeToMitigateMs = m.mitigationAt !== null && m.recoveredAt !== null ? m.recoveredAt - m.mitigationAt : null;
  m.timeToRecoverMs = m.faultEndedAt !== null && m.recoveredAt !== null ? Math.max(0, m.recoveredAt - m.faultEndedAt) : null;
  m.missedAlerts = m.alerts.filter((a) => a.firedAt === null).map((a) => a.name);
}

/**
 * How a hypothesis condition did. It passes only when it was checked (a value at one probe at
 * least while the fault ran, or during the run when it had no fault) and never broke: a condition
 * nobody could see is not a condition that held.
 */
export function hypothesisResult(p: Probe, faultStarted: boolean): { what: string; pass: boolean; detail: string } {
  const gap = p.noDataMs > 0 ? `; no data for ${Math.round(p.noDataMs / 1000)}s` : "";
  if (p.firstBrokenAt !== null) return { what: p.condition.text, pass: false, detail: `broken for ${Math.round(p.brokenMs / 1000)}s (worst ${fmt(p.worst)})${gap}` };
  if (p.samples === 0) return { what: p.condition.text, pass: false, detail: "no data: it could not be checked" };
  if (faultStarted && p.faultSamples === 0) return { what: p.condition.text, pass: false, detail: `no data during the fault${gap}` };
  return { what: p.condition.text, pass: true, detail: `held throughout (last ${fmt(p.value)})${gap}` };
}

/** A hypothesis condition that never had a value when it mattered (see hypothesisResult). */
export const unchecked = (p: Probe, faultStarted: boolean): boolean => p.kind === "hypothesis" && p.firstBrokenAt === null && (p.samples === 0 || (faultStarted && p.faultSamples === 0));

const fmt = (v: number | null) => (v === null ? "no data" : String(Math.round(v * 100) / 100));

/** Per condition and overall: Pass when every hypothesis condition was checked and held throughout, and every expected alert fired. */
export function verdictOf(run: Run): Pick<Run, "verdict" | "results"> {
  const faultStarted = run.measurements.faultStartedAt !== null;
  const results = [
    ...run.probes.filter((p) => p.kind === "hypothesis").map((p) => hypothesisResult(p, faultStarted)),
    ...run.measurements.alerts.map((a) => ({
      what: `alert ${a.name} fires`,
      pass: a.firedAt !== null,
      detail:
        a.firedAt === null
          ? run.status === "stopped"
            ? "did not fire before the run was stopped"
            : "never fired: a detection gap"
          : `fired ${Math.round((a.firedAt - (run.measurements.faultStartedAt ?? run.startedAt)) / 1000)}s after the fault began`,
    })),
  ];
  if (run.status === "stopped") return { verdict: "stopped", results };
  if (run.status === "running") return { verdict: "awaited", results };
  return { verdict: results.every((r) => r.pass) ? "pass" : "fail", results };
}
