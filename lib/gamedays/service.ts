import { randomUUID } from "node:crypto";
import { Conflict, Invalid, NotFound } from "../errors";
import type { Logger } from "../log";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { DrillService } from "../drills/service";
import type { IncidentCtx } from "../incidents/context";
import { newId, snapshotOf } from "../incidents/context";
import { declareIncident, getIncident, patchIncident } from "../incidents/service";
import { insertEntries, listIncidents } from "../incidents/repo";
import { isOpen } from "../incidents/model";
import type { PlanLibrary } from "./library";
import type { Run, RunStep } from "./model";
import { measureTick, probeTick, timings, verdictOf, type Observation } from "./probes";
import type { Step } from "./steps";
import { getRun, insertRun, listRuns, runOfIncident, saveRun } from "./repo";
import { renderReport } from "./report";
import { newRun, servicesOf } from "./new-run";

export type GameDayCtx = {
  store: Store;
  clock: Clock;
  logger: Logger;
  tickMs: number;
  plans: PlanLibrary;
  drills: DrillService;
  incidents: IncidentCtx;
  /** Live signals, SLO figures and firing alerts at `t` (lib/server/root.ts builds it). */
  observe(t: number): Observation;
  /** SLOs of these services with the share of their budget consumed now (0–1, null without data). */
  budgets(services: readonly string[]): Record<string, number | null>;
  /** Told every committed change of a run (the live channel). */
  changed?(run: Run): void;
};

const BLOCKING = new Set(["SEV1", "SEV2"]);
/** Tries of a person's change against the tick's writes before giving up with a Conflict. */
const ATTEMPTS = 5;
const SYSTEM = "game day";

/**
 * Game-day runs (SPEC §12): starting one (guardrails first, then a drill incident, then the run,
 * nothing written before every check passed), the job that moves every running run on at each
 * tick, manual steps, and aborts. Runs live in the store: each change is a versioned write, so a
 * restart (or another instance) carries on from what was acknowledged.
 */
export class GameDays {
  private readonly ctx: GameDayCtx;
  /** One change at a time on this instance; the version check covers the others. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: GameDayCtx) {
    this.ctx = ctx;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  list(plan: string, limit = 50): Promise<Run[]> {
    return listRuns(this.ctx.store, { plan, limit });
  }

  running(): Promise<Run[]> {
    return listRuns(this.ctx.store, { running: true });
  }

  ofIncident(incidentId: string): Promise<Run | null> {
    return runOfIncident(this.ctx.store, incidentId);
  }

  async get(plan: string, id: string): Promise<Run> {
    const run = await getRun(this.ctx.store, id);
    if (!run || run.plan !== plan) throw new NotFound(`no run "${id}" of game day "${plan}"`);
    return run;
  }

  start(planSlug: string, author: string): Promise<Run> {
    return this.serial(async () => {
      const plan = this.ctx.plans.get(planSlug);
      if (!plan) {
        const bad = this.ctx.plans.invalid().find((f) => f.path === `${planSlug}.md`);
        if (bad) throw new Invalid(`game day "${planSlug}" cannot run: ${bad.problems.map((p) => `${bad.path}:${p.line}: ${p.message}`).join("; ")}`, { problems: bad.problems });
        throw new NotFound(`no game day "${planSlug}"`);
      }
      const real = (await listIncidents(this.ctx.store, { status: "active", drill: false, limit: 200 })).filter((i) => BLOCKING.has(i.severity) && isOpen(i));
      if (real.length > 0) throw new Conflict(`a real ${real[0].severity} is open (INC-${real[0].number} "${real[0].title}"): game days wait until it is resolved`, { incident: real[0].id });
      const touched = servicesOf(plan);
      for (const other of await this.running()) {
        const shared = other.services.filter((s) => touched.includes(s));
        if (shared.length > 0) throw new Conflict(`game day "${other.planTitle}" is already running on ${shared.join(", ")}; one run per service`, { run: other.id });
      }
      const incident = await declareIncident({
        ctx: this.ctx.incidents,
        input: { title: `Game day: ${plan.title}`, severity: "SEV3", services: plan.services, drill: true, summary: plan.objective },
        writer: { author, source: "api" },
      });
      const now = this.ctx.clock.now();
      const run = newRun(plan, { id: randomUUID(), incidentId: incident.id, incidentNumber: incident.number, startedAt: now, author, budgets: this.ctx.budgets(touched), services: touched });
      try {
        await insertRun(this.ctx.store, run);
      } catch (err) {
        // Nothing half-started: the incident declared for a run that could not be stored is resolved.
        await this.resolveIncident(run, "the game day could not be stored").catch(() => undefined);
        throw err;
      }
      await this.entry(run, `Game day started by ${author}: ${plan.title}. Objective: ${plan.objective}`);
      this.ctx.changed?.(run);
      return run;
    });
  }

  stepDone(plan: string, id: string, n: number, author: string): Promise<Run> {
    return this.serial(() =>
      this.retrying(plan, id, async (run) => {
        const step = run.steps.find((s) => s.n === n);
        if (!step) throw new NotFound(`run ${id} has no step ${n}`);
        if (step.kind !== "manual") throw new Invalid(`step ${n} is not a manual step; it runs by itself`);
        if (step.state === "done") throw new Conflict(`step ${n} was already ticked by ${step.doneBy} at ${new Date(step.doneAt ?? 0).toISOString()}`, { step });
        if (run.status !== "running") throw new Conflict(`the run is ${run.status}; its steps can no longer be ticked`);
        if (step.state !== "waiting") throw new Conflict(`step ${n} is not due yet (at +${Math.round(step.at / 1000)}s)`);
        Object.assign(step, { state: "done", doneAt: this.ctx.clock.now(), doneBy: author });
        if (!(await this.commit(run))) return false;
        await this.entry(run, `Step ${n} done by ${author}: ${step.text}`);
        return true;
      }),
    );
  }

  abort(plan: string, id: string, reason: string | undefined, author: string): Promise<Run> {
    return this.serial(() =>
      this.retrying(plan, id, async (run) => {
        if (run.status !== "running") throw new Conflict(`the run already ended (${run.status})`, { run });
        return this.stopRun(run, `aborted by ${author}${reason ? `: ${reason}` : ""}`);
      }),
    );
  }

  /**
   * A person's change to a run, applied to the stored version: the leader's tick writes every running
   * run each second (from any instance), so a lost compare-and-set means reading it again, checking
   * again and applying again, never answering for a write that was not stored.
   */
  private async retrying(plan: string, id: string, apply: (run: Run) => Promise<boolean>): Promise<Run> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const run = await this.get(plan, id);
      if (await apply(run)) return run;
    }
    throw new Conflict("the run is changing too fast; retry");
  }

  /** Drafts the report from the ended run and its incident timeline (lib/gamedays/report.ts), stored on the run. */
  draftReport(plan: string, id: string, author: string): Promise<Run> {
    return this.serial(async () => {
      const run = await this.get(plan, id);
      if (run.status === "running") throw new Conflict("the run is still going: a report is drafted once it has ended (completed or stopped)");
      const { timeline } = await getIncident({ ctx: this.ctx.incidents, id: run.incidentId });
      const now = this.ctx.clock.now();
      run.report = { markdown: renderReport(run, timeline, now), draftedAt: now, draftedBy: author };
      if (!(await this.commit(run))) throw new Conflict("the run changed meanwhile; draft again");
      return run;
    });
  }

  /** The job: every running run moved on to `t` (leader only: lib/server/root.ts). */
  job(everyMs: number) {
    return { name: "gamedays", everyMs, aligned: true, run: (t: number) => this.tick(t) };
  }

  tick(t: number): Promise<void> {
    return this.serial(async () => {
      for (const run of await this.running()) {
        try {
          await this.advance(run, t);
        } catch (err) {
          this.ctx.logger.warn({ err: String(err), run: run.id }, "game-day run could not advance");
        }
      }
    });
  }

  private async advance(run: Run, t: number): Promise<unknown> {
    if (t >= run.endsBy) return this.stopRun(run, `reached its maximum duration (${Math.round(run.spec.maxDurationMs / 60_000)} min)`);
    const obs = this.ctx.observe(t);
    const started: string[] = [];
    const notes: string[] = [];
    const specs = run.spec.steps as unknown as Step[];
    try {
      for (const s of run.steps) {
        const spec = specs[s.n - 1];
        if (s.state === "pending" && t - run.startedAt >= spec.at) await this.begin(run, s, spec, t, started, notes);
        else if (s.state === "active") await this.follow(run, s, spec, obs, t, notes);
      }
    } catch (err) {
      return this.stopRun(run, `a step could not start: ${(err as Error).message}`, started);
    }
    this.faultWindow(run);
    // Probes first: recovery (in measureTick) reads this tick's values.
    const tripped = probeTick(run, obs);
    measureTick(run, obs);
    if (tripped) return this.stopRun(run, `abort criterion "${tripped.condition.text}" held for ${Math.round(tripped.condition.forMs / 1000)}s (value ${round(tripped.value)})`);
    const m = run.measurements;
    const settled = run.steps.every((s) => s.state === "done" || s.state === "missed");
    const recovered = m.faultStartedAt === null || m.recoveredAt !== null;
    const complete = settled && t - run.startedAt >= run.spec.plannedMs && recovered;
    if (complete) return this.finish(run, "completed", null);
    if (!(await this.commit(run))) {
      // Someone else wrote first (an abort through another instance): undo what this tick started.
      for (const d of started) await this.stopDrill(d);
      return;
    }
    for (const n of notes) await this.entry(run, n);
  }

  private async begin(run: Run, s: RunStep, spec: Step, t: number, started: string[], notes: string[]): Promise<void> {
    s.startedAt = t;
    if (spec.kind === "observe") {
      Object.assign(s, { state: "done", doneAt: t });
    } else if (spec.kind === "drill" || (spec.kind === "traffic" && spec.factor > 1)) {
      const kind = spec.kind === "drill" ? spec.drill : "traffic";
      const magnitude = spec.kind === "drill" ? spec.magnitude : spec.factor;
      const drill = await this.ctx.drills.start({ kind, target: spec.target, magnitude, durationSeconds: Math.max(10, Math.ceil(spec.durationMs / 1000)), note: `game day ${run.plan}, step ${s.n}` }, SYSTEM);
      started.push(drill.id);
      Object.assign(s, { state: "active", drillId: drill.id });
      run.measurements.faultStartedAt ??= t;
    } else {
      s.state = spec.kind === "manual" ? "waiting" : "active";
    }
    if (spec.kind === "traffic") run.measurements.levels.push({ step: s.n, target: spec.target, factor: spec.factor, from: t, to: null, samples: 0, p99Max: null, p99Mean: null, errorPctMean: null, errorPctMax: null });
    notes.push(spec.kind === "manual" ? `Step ${s.n} waits for a person: ${spec.instruction}` : `Step ${s.n}: ${spec.text}`);
  }

  private async follow(run: Run, s: RunStep, spec: Step, obs: Observation, t: number, notes: string[]): Promise<void> {
    const begun = s.startedAt ?? t;
    if (spec.kind === "drill" || spec.kind === "traffic") {
      if (t - begun < spec.durationMs) return;
      if (s.drillId) await this.stopDrill(s.drillId);
      Object.assign(s, { state: "done", doneAt: t });
      const level = run.measurements.levels.find((l) => l.step === s.n);
      if (level) level.to = t;
      notes.push(`Step ${s.n} ended: ${spec.text}`);
    } else if (spec.kind === "expect") {
      const hit = obs.firing.find((f) => f.name === spec.alert && f.firedAt !== null && f.firedAt >= run.startedAt && (spec.service === null || f.service === spec.service));
      if (hit) {
        Object.assign(s, { state: "done", doneAt: hit.firedAt });
        notes.push(`Step ${s.n}: alert ${spec.alert} fired on ${hit.service}`);
      } else if (t - begun > spec.withinMs) {
        Object.assign(s, { state: "missed", doneAt: t, note: `${spec.alert} did not fire within ${Math.round(spec.withinMs / 1000)}s` });
        notes.push(`Step ${s.n} missed: ${spec.alert} did not fire within ${Math.round(spec.withinMs / 1000)}s (a detection gap)`);
      }
    }
  }

  /** The fault ends when no drill or load step is left; mitigation is the later of that and the last manual step. */
  private faultWindow(run: Run): void {
    const m = run.measurements;
    if (m.faultStartedAt === null || m.mitigationAt !== null) return;
    const faults = run.steps.filter((s) => s.drillId !== null || (s.kind === "drill" && s.state === "pending") || (s.kind === "traffic" && s.state === "pending"));
    if (faults.some((s) => s.state === "pending" || s.state === "active")) return;
    if (run.steps.some((s) => s.kind === "manual" && (s.state === "waiting" || s.state === "pending"))) return;
    m.faultEndedAt = Math.max(...faults.map((s) => s.doneAt ?? 0));
    const manual = run.steps.filter((s) => s.kind === "manual" && s.doneAt !== null && s.doneAt >= (m.faultStartedAt as number)).map((s) => s.doneAt as number);
    m.mitigationAt = Math.max(m.faultEndedAt, ...manual);
  }

  /** Stops every drill of the run at once, skips what is left, and ends it Stopped; false when the stored run moved meanwhile. */
  private async stopRun(run: Run, reason: string, alsoStop: readonly string[] = []): Promise<boolean> {
    const t = this.ctx.clock.now();
    const drills = new Set([...alsoStop, ...run.steps.flatMap((s) => (s.drillId && s.state === "active" ? [s.drillId] : []))]);
    await Promise.all([...drills].map((d) => this.stopDrill(d)));
    for (const s of run.steps) {
      if (s.state === "active" && s.drillId) Object.assign(s, { state: "done", doneAt: t, note: "stopped with the run" });
      else if (s.state === "pending" || s.state === "active" || s.state === "waiting") Object.assign(s, { state: "skipped", note: "the run was stopped first" });
    }
    for (const l of run.measurements.levels) l.to ??= t;
    const m = run.measurements;
    if (m.faultStartedAt !== null && m.faultEndedAt === null) m.faultEndedAt = t;
    return this.finish(run, "stopped", reason);
  }

  /** Ends the run; false (nothing written, no timeline entry) when the stored run moved meanwhile. */
  private async finish(run: Run, status: "completed" | "stopped", reason: string | null): Promise<boolean> {
    const t = this.ctx.clock.now();
    run.status = status;
    run.endedAt = t;
    run.stopReason = reason;
    const burnt = this.ctx.budgets(run.services);
    run.measurements.budgetBurned = Object.entries(run.budgetAtStart).map(([slo, before]) => ({ slo, pct: before === null || burnt[slo] === null || burnt[slo] === undefined ? null : Math.max(0, (burnt[slo] - before) * 100) }));
    const acked = await getIncident({ ctx: this.ctx.incidents, id: run.incidentId }).then((d) => d.incident.acknowledgedAt, () => null);
    timings(run.measurements, acked);
    Object.assign(run, verdictOf(run));
    if (!(await this.commit(run))) return false;
    await this.entry(run, status === "stopped" ? `Game day stopped: ${reason}` : `Game day completed: ${run.verdict.toUpperCase()}`);
    await this.resolveIncident(run, status === "stopped" ? `stopped: ${reason}` : `verdict ${run.verdict}`).catch((err: unknown) => this.ctx.logger.warn({ err: String(err), run: run.id }, "could not resolve the game day's incident"));
    return true;
  }

  /** Writes the next version of the run; false when the stored one moved meanwhile. */
  private async commit(run: Run): Promise<boolean> {
    run.version++;
    const ok = await saveRun(this.ctx.store, run);
    if (ok) this.ctx.changed?.(run);
    else run.version--;
    return ok;
  }

  private async stopDrill(id: string): Promise<void> {
    try {
      await this.ctx.drills.stop(id);
    } catch (err) {
      if (!(err instanceof Conflict) && !(err instanceof NotFound)) throw err;
    }
  }

  private async entry(run: Run, body: string): Promise<void> {
    const now = this.ctx.clock.now();
    const [e] = await insertEntries(this.ctx.store.db, [
      { id: newId(), incidentId: run.incidentId, kind: "drill-event", body, occurredAt: now, recordedAt: now, author: SYSTEM, source: "system", pinned: false, version: 1, snapshot: snapshotOf(this.ctx.incidents, run.services, now) },
    ]);
    this.ctx.incidents.events?.entry(e);
  }

  private async resolveIncident(run: Run, why: string): Promise<void> {
    const { incident } = await getIncident({ ctx: this.ctx.incidents, id: run.incidentId });
    if (!isOpen(incident)) return;
    await patchIncident({ ctx: this.ctx.incidents, id: incident.id, input: { version: incident.version, status: "resolved", summary: `${incident.summary}\n\nGame day ${why}.`.slice(0, 2000) }, writer: { author: SYSTEM, source: "api" } });
  }
}

const round = (v: number | null) => (v === null ? "no data" : String(Math.round(v * 100) / 100));
