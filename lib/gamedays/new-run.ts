import type { Condition } from "./conditions";
import type { Run } from "./model";
import type { Plan } from "./plan";
import { newProbe } from "./probes";

/** Every service a plan touches: its own and its drill targets (one run per service). */
export function servicesOf(plan: Plan): string[] {
  const s = new Set(plan.services);
  for (const step of plan.steps) if (step.kind === "drill" || step.kind === "traffic") s.add(step.target);
  return [...s];
}

export function newRun(plan: Plan, o: { id: string; incidentId: string; incidentNumber: number; startedAt: number; author: string; budgets: Record<string, number | null>; services: string[] }): Run {
  const probes = [...plan.hypothesis.map((c: Condition) => newProbe("hypothesis", c)), ...plan.abort.map((c: Condition) => newProbe("abort", c))];
  return {
    id: o.id,
    plan: plan.slug,
    planTitle: plan.title,
    services: o.services,
    incidentId: o.incidentId,
    incidentNumber: o.incidentNumber,
    status: "running",
    verdict: "awaited",
    startedAt: o.startedAt,
    startedBy: o.author,
    endsBy: o.startedAt + plan.maxDurationMs,
    endedAt: null,
    stopReason: null,
    steps: plan.steps.map((s) => ({ n: s.n, at: s.at, kind: s.kind, text: s.text, state: "pending", startedAt: null, doneAt: null, doneBy: null, drillId: null, note: null })),
    probes,
    measurements: {
      faultStartedAt: null,
      faultEndedAt: null,
      mitigationAt: null,
      recoveredAt: null,
      timeToDetectMs: null,
      timeToAcknowledgeMs: null,
      timeToMitigateMs: null,
      timeToRecoverMs: null,
      requestsFailed: 0,
      budgetBurned: [],
      levels: [],
      alerts: plan.expectedAlerts.map((name) => ({ name, firedAt: null })),
      missedAlerts: [],
    },
    results: [],
    budgetAtStart: o.budgets,
    spec: { objective: plan.objective, owner: plan.owner, prerequisites: plan.prerequisites, runbooks: plan.runbooks, expectedAlerts: plan.expectedAlerts, plannedMs: plan.plannedMs, maxDurationMs: plan.maxDurationMs, steps: plan.steps },
    report: null,
    version: 1,
  };
}

