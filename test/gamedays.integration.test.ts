import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BACKENDS, startTestServer, TestClient, type Frame } from "./helpers";
import { expectFrameShape, expectRouteShape } from "./support/contract";
import type { Run } from "../lib/gamedays/model";
import type { Incident } from "../lib/incidents/model";
import type { Store } from "../lib/store/store";
import type * as Repo from "../lib/gamedays/repo";

/**
 * Another instance's write, made deterministically between a service's read of a run and its own
 * write: the hooks run just before the real saveRun / insertRun (none set: the plain repo).
 */
const race = vi.hoisted(() => ({
  real: null as unknown as typeof Repo,
  beforeSave: null as null | ((store: Store, run: Run) => Promise<void>),
  beforeInsert: null as null | ((store: Store, run: Run) => Promise<void>),
}));
vi.mock("../lib/gamedays/repo", async (importOriginal) => {
  const real = await importOriginal<typeof Repo>();
  race.real = real;
  return {
    ...real,
    saveRun: async (store: Store, run: Run) => {
      await race.beforeSave?.(store, run);
      return real.saveRun(store, run);
    },
    insertRun: async (store: Store, run: Run) => {
      await race.beforeInsert?.(store, run);
      return real.insertRun(store, run);
    },
  };
});
/** The next `times` writes of run `id` each lose to a newer version stored first (`change` applied to it: the leader's tick by default). */
function interleave(id: string, times: number, change: (r: Run) => void = () => undefined) {
  let left = times;
  race.beforeSave = async (store, run) => {
    if (run.id !== id || left <= 0) return;
    left--;
    const stored = (await race.real.getRun(store, id)) as Run;
    change(stored);
    stored.version++;
    expect(await race.real.saveRun(store, stored)).toBe(true);
  };
}

/** Game days over HTTP with a hand-driven clock: each tick is the signal tick, then the game-day job. */

const plans: Record<string, string> = {
  "errors-fail": `---
title: Checkout error spike
objective: Checkout holds 1 % errors while it fails half its requests
owner: payments
services: [checkout]
hypothesis:
  - checkout.errorPct < 1
steps:
  - +2s drill errors on checkout 50% for 30s
  - +35s observe
maxDuration: 5m
---
`,
  "abort-all": `---
title: Abort on errors
objective: Stop everything when search fails
owner: discovery
services: [search]
hypothesis:
  - search.errorPct < 1
abort:
  - search.errorPct > 10 for 3s
steps:
  - +0 drill errors on search 60% for 2m
  - +0 drill latency on recommendations x5 for 2m
maxDuration: 10m
---
`,
  detect: `---
title: Payments alert
objective: The error alert pages within two minutes
owner: payments
services: [payments]
hypothesis:
  - payments.errorPct < 50
steps:
  - +0 observe
  - +5s drill errors on payments 40% for 90s
  - +5s expect alert HighErrorRate on payments within 2m
  - +10s manual "page the payments on-call"
maxDuration: 10m
---
`,
  ladder: `---
title: Checkout load ladder
objective: Latency at each load level and the recovery after
owner: payments
services: [checkout]
hypothesis:
  - checkout.p99 < 5000ms
  - checkout-availability.burn5m < 100000
steps:
  - +0 traffic x1
  - +10s traffic x5
  - +20s traffic x10 for 10s
  - +30s observe
maxDuration: 5m
---
`,
  broken: `---
title: Broken plan
objective: x
owner: x
services: [auth]
hypothesis:
  - auth.p99 below 100
steps:
  - +0 drill errors on auth 300% for 1m
---
`,
};

let ctx: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
let dir: string;

describe.each(BACKENDS)("game days on $name", ({ databaseUrl }) => {
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "war-room-gamedays-"));
  for (const [slug, text] of Object.entries(plans)) writeFileSync(join(dir, `${slug}.md`), text);
  ctx = await startTestServer({ databaseUrl, configure: (c) => ({ ...c, gamedays: dir }) });
  base = `http://127.0.0.1:${ctx.server.port}`;
  await ctx.tick(5);
});
afterAll(async () => {
  await ctx.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
async function call(method: string, path: string, body?: unknown): Promise<Res> {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const res = { status: r.status, body: (await r.json()) as Res["body"] };
  expectRouteShape(method, path, res.status, res.body);
  return res;
}
const start = async (plan: string) => {
  const r = await call("POST", `/api/v1/gamedays/${plan}/runs`);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.run as Run;
};
const read = async (run: Run) => (await call("GET", `/api/v1/gamedays/${run.plan}/runs/${run.id}`)).body.run as Run;
/** One second: the signal tick, then the game-day job at the same time (as the leader's scheduler runs them). */
const second = async () => {
  await ctx.tick(1);
  await ctx.server.warRoom.jobs.gamedays.run(ctx.clock.now());
};
const until = async (run: Run, done: (r: Run) => boolean, max = 400): Promise<Run> => {
  for (let i = 0; i < max; i++) {
    const r = await read(run);
    if (done(r)) return r;
    await second();
  }
  throw new Error(`run never reached the condition; now ${JSON.stringify((await read(run)).status)}`);
};
const activeDrills = () => ctx.server.warRoom.drills.active(ctx.clock.now());

describe("game days", () => {
  it("lists the plans, and an invalid plan with file:line problems", async () => {
    const r = await call("GET", "/api/v1/gamedays");
    const listed = r.body.plans as { slug: string }[];
    expect(listed.map((p) => p.slug).sort()).toEqual(["abort-all", "detect", "errors-fail", "ladder"]);
    expect(r.body.invalid).toEqual([
      {
        path: "broken.md",
        problems: [
          { line: 7, message: expect.stringContaining('condition "auth.p99 below 100" does not parse') },
          { line: 9, message: expect.stringContaining("magnitude 300 for errors is out of bounds") },
        ],
      },
    ]);
    const bad = await call("POST", "/api/v1/gamedays/broken/runs");
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain("broken.md:7:");
    expect((await call("POST", "/api/v1/gamedays/nope/runs")).status).toBe(404);
  });

  it("a fault that breaks the hypothesis yields Fail with the time broken, the requests failed and the recovery", async () => {
    const run = await start("errors-fail");
    expect(run).toMatchObject({ status: "running", verdict: "awaited", services: ["checkout"] });
    const incident = (await call("GET", `/api/v1/incidents/${run.incidentId}`)).body.incident as Incident;
    expect(incident).toMatchObject({ drill: true, title: "Game day: Checkout error spike" });
    const ended = await until(run, (r) => r.status !== "running");
    expect(ended.status).toBe("completed");
    expect(ended.verdict).toBe("fail");
    expect(ended.results).toEqual([{ what: "checkout.errorPct < 1", pass: false, detail: expect.stringMatching(/^broken for \d+s/) }]);
    const probe = ended.probes[0];
    // 30 s of drill, ramping in and out over 10 s each: outside 1 % for most of it.
    expect(probe.brokenMs).toBeGreaterThanOrEqual(20_000);
    expect(probe.brokenMs).toBeLessThanOrEqual(42_000);
    expect(probe.worst).toBeGreaterThan(30);
    const m = ended.measurements;
    expect(m.faultStartedAt).toBe(run.startedAt + 2000);
    expect(m.faultEndedAt).toBe(run.startedAt + 32_000);
    // checkout takes ~140 req/s; half of them fail for ~25 s of full effect.
    expect(m.requestsFailed).toBeGreaterThan(1000);
    expect(m.requestsFailed).toBeLessThan(3500);
    expect(m.recoveredAt).not.toBeNull();
    expect(m.timeToRecoverMs).toBe((m.recoveredAt as number) - (m.faultEndedAt as number));
    expect(m.timeToRecoverMs).toBeLessThanOrEqual(12_000);
    expect(m.timeToAcknowledgeMs).toBeNull();
    expect(m.budgetBurned.find((b) => b.slo === "checkout-availability")?.pct).toBeGreaterThan(0);
    const steps = ended.steps.map((s) => s.state);
    expect(steps).toEqual(["done", "done"]);
    // The timeline recorded every step, and the incident was resolved when the run ended.
    const detail = (await call("GET", `/api/v1/incidents/${run.incidentId}`)).body as { incident: Incident; timeline: { body: string }[] };
    expect(detail.incident.status).toBe("resolved");
    const bodies = detail.timeline.map((e) => e.body).join("\n");
    expect(bodies).toContain("Step 1: +2s drill errors on checkout 50% for 30s");
    expect(bodies).toContain("Step 1 ended");
    expect(bodies).toContain("Game day completed: FAIL");
    // The report, drafted in one action and exported as Markdown.
    const drafted = await call("POST", `/api/v1/gamedays/errors-fail/runs/${run.id}/report`);
    expect(drafted.status).toBe(201);
    const md = await fetch(`${base}/api/v1/gamedays/errors-fail/runs/${run.id}/report.md`).then((r) => r.text());
    for (const h of ["## Objective", "## Hypothesis", "## Timeline", "## Measurements", "## Result", "## Findings", "## Action items"]) expect(md).toContain(h);
    expect(md).toContain("**FAIL**");
    expect(md).toContain("Time to acknowledge | — (nobody acknowledged");
    const page = (await call("GET", "/api/v1/gamedays/errors-fail")).body as { runs: Run[]; trend: { verdict: string }[] };
    expect(page.runs.map((r) => r.id)).toEqual([run.id]);
    expect(page.trend).toEqual([expect.objectContaining({ run: run.id, verdict: "fail", timeToRecoverMs: m.timeToRecoverMs })]);
  });

  it("an abort criterion stops every drill of the run within one tick and marks it Stopped", async () => {
    const run = await start("abort-all");
    const before = activeDrills().length;
    await second();
    const running = await read(run);
    const ids = running.steps.map((s) => s.drillId);
    expect(ids.every((d) => d !== null)).toBe(true);
    expect(activeDrills().filter((d) => ids.includes(d.id))).toHaveLength(2);
    let last: Run = running;
    for (let i = 0; i < 60 && last.status === "running"; i++) {
      await second();
      last = await read(run);
      const abortProbe = last.probes.find((p) => p.kind === "abort")!;
      // The tick the criterion has held for its 3 s is the tick the run stops.
      if (abortProbe.trueSince !== null && ctx.clock.now() - abortProbe.trueSince >= 3000) expect(last.status).toBe("stopped");
    }
    expect(last.status).toBe("stopped");
    expect(last.verdict).toBe("stopped");
    expect(last.stopReason).toMatch(/^abort criterion "search.errorPct > 10 for 3s" held for 3s \(value \d+/);
    expect(activeDrills().filter((d) => ids.includes(d.id))).toEqual([]);
    expect(activeDrills().length).toBe(before);
    expect(last.steps.every((s) => s.state === "done" && s.note === "stopped with the run")).toBe(true);
    // Nothing more happens to a stopped run.
    await second();
    expect((await read(run)).version).toBe(last.version);
  });

  it("an expected alert that fires gives the measured time to detect; a manual step is ticked once", async () => {
    const run = await start("detect");
    const early = await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/steps/4/done`);
    expect(early.status).toBe(409);
    expect(early.body.error?.message).toContain("not due yet");
    const waiting = await until(run, (r) => r.steps[3].state === "waiting");
    expect(waiting.steps[3].state).toBe("waiting");
    // A person writes on the run's incident after the fault began: that is its acknowledgement.
    expect((await call("POST", `/api/v1/incidents/${run.incidentId}/timeline`, { kind: "note", body: "looking" })).status).toBe(201);
    const ackAt = ctx.clock.now();
    const ticked = await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/steps/4/done`);
    expect(ticked.status).toBe(200);
    const step = (ticked.body.run as Run).steps[3];
    expect(step).toMatchObject({ state: "done", doneBy: "Ada", doneAt: ctx.clock.now() });
    const twice = await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/steps/4/done`);
    expect(twice.status).toBe(409);
    expect(twice.body.error?.message).toContain("already ticked by Ada");
    expect((await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/steps/2/done`)).status).toBe(400);
    const detected = await until(run, (r) => r.steps[2].state !== "active" && r.steps[2].state !== "pending");
    expect(detected.steps[2].state).toBe("done");
    const fired = ctx.server.warRoom.alertChannel.snapshot().alerts.find((a) => a.name === "HighErrorRate" && a.service === "payments" && a.state === "firing");
    expect(fired?.firedAt).toBe(detected.steps[2].doneAt);
    const ended = await until(run, (r) => r.status !== "running");
    expect(ended.measurements.alerts).toEqual([{ name: "HighErrorRate", firedAt: fired?.firedAt }]);
    expect(ended.measurements.timeToDetectMs).toBe((fired?.firedAt as number) - (run.startedAt + 5000));
    // Tier 1 fires after 5 % errors held for 1 m; the drill needs a few seconds to pass 5 %.
    expect(ended.measurements.timeToDetectMs).toBeGreaterThanOrEqual(60_000);
    expect(ended.measurements.timeToDetectMs).toBeLessThan(75_000);
    expect(ended.measurements.missedAlerts).toEqual([]);
    expect(ended.measurements.timeToAcknowledgeMs).toBe(ackAt - (run.startedAt + 5000));
    expect(ended.verdict).toBe("pass");
  });

  it("records p99 and error rate at each load level, and the recovery after the load drops", async () => {
    const run = await start("ladder");
    const ended = await until(run, (r) => r.status !== "running");
    expect(ended.status).toBe("completed");
    const levels = ended.measurements.levels;
    expect(levels.map((l) => [l.factor, l.to === null ? null : l.to - l.from])).toEqual([
      [1, 10_000],
      [5, 10_000],
      [10, 10_000],
    ]);
    for (const l of levels) expect(l.samples).toBeGreaterThanOrEqual(9);
    // Past its capacity (520 req/s for ~140 at 1×) checkout slows down.
    expect(levels[2].p99Max as number).toBeGreaterThan((levels[0].p99Max as number) * 1.5);
    expect(ended.probes[1].value).not.toBeNull();
    expect(ended.measurements.faultStartedAt).toBe(run.startedAt + 10_000);
    expect(ended.measurements.faultEndedAt).toBe(run.startedAt + 30_000);
    expect(ended.measurements.timeToRecoverMs).not.toBeNull();
  });

  it("streams run state, step progress and probe values on gameday:<id>; a viewer that reconnects resumes", async () => {
    const run = await start("errors-fail");
    const channel = `gameday:${run.id}`;
    const open = async () => {
      const c = new TestClient(ctx.wsUrl);
      await c.opened;
      await c.next((f) => f.type === "hello");
      return c;
    };
    const a = await open();
    a.send({ type: "subscribe", channel });
    const snap = await a.next((f) => f.type === "snapshot" && f.channel === channel);
    expect((snap.data as { run: Run }).run).toMatchObject({ id: run.id, status: "running" });
    const runOf = (f: Frame) => (f.data as { run: Run }).run;
    for (let i = 0; i < 4; i++) await second();
    const active = await a.next((f) => f.type === "event" && f.event === "run" && runOf(f).steps[0].state === "active");
    expect(runOf(active).probes[0].value).not.toBeNull();
    const now = (await read(run)).version;
    const last = await a.next((f) => f.type === "event" && f.event === "run" && runOf(f).version === now);
    await a.close();
    for (let i = 0; i < 3; i++) await second();
    const b = await open();
    b.send({ type: "subscribe", channel, since: { epoch: last.epoch, seq: last.seq } });
    const resumed = await b.next((f) => f.type === "resumed");
    expect(resumed.replayed).toBe(3);
    const replayed = b.frames.filter((f) => f.type === "event" && f.channel === channel);
    expect(replayed.map((f) => f.seq)).toEqual([1, 2, 3].map((k) => (last.seq as number) + k));
    expect(runOf(replayed[2]).version).toBe((await read(run)).version);
    for (const f of [...a.frames, ...b.frames]) expectFrameShape(f);
    await b.close();
    expect((await call("POST", `/api/v1/gamedays/errors-fail/runs/${run.id}/abort`)).status).toBe(200); // no body at all: the reason is optional
  });

  it("a step that cannot start stops the run and every drill it had started in that tick", async () => {
    const filler: string[] = [];
    for (let i = 0; i < 19; i++) {
      const r = await call("POST", "/api/v1/drills", { kind: "latency", target: "notifications", durationSeconds: 600 });
      expect(r.status).toBe(201);
      filler.push((r.body.drill as { id: string }).id);
    }
    try {
      const run = await start("abort-all");
      await second();
      const stopped = await read(run);
      expect(stopped.status).toBe("stopped");
      expect(stopped.stopReason).toContain("a step could not start: at most 20 drills can run at once");
      expect(activeDrills().filter((d) => d.target === "search" || d.target === "recommendations")).toEqual([]);
      expect(activeDrills()).toHaveLength(19);
    } finally {
      for (const id of filler) await call("POST", `/api/v1/drills/${id}/stop`, {});
    }
  });

  it("refuses while a real SEV1 is open, and refuses overlapping runs; nothing is started", async () => {
    const incidentsBefore = ((await call("GET", "/api/v1/incidents?status=all")).body.incidents as Incident[]).length;
    const runsBefore = ((await call("GET", "/api/v1/gamedays/errors-fail")).body.runs as Run[]).length;
    const sev1 = await call("POST", "/api/v1/incidents", { title: "Real outage", severity: "SEV1", services: ["auth"] });
    expect(sev1.status).toBe(201);
    const refused = await call("POST", "/api/v1/gamedays/errors-fail/runs");
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toContain('a real SEV1 is open (INC-');
    const inc = sev1.body.incident as Incident;
    expect((await call("PATCH", `/api/v1/incidents/${inc.id}`, { version: inc.version, status: "resolved" })).status).toBe(200);
    expect(((await call("GET", "/api/v1/incidents?status=all")).body.incidents as Incident[]).length).toBe(incidentsBefore + 1);
    expect(((await call("GET", "/api/v1/gamedays/errors-fail")).body.runs as Run[]).length).toBe(runsBefore);

    const first = await start("errors-fail");
    const overlap = await call("POST", "/api/v1/gamedays/errors-fail/runs");
    expect(overlap.status).toBe(409);
    expect(overlap.body.error?.message).toContain("already running on checkout");
    // An abort during start-up (before its first step ran): Stopped, and no drill ever starts.
    const drillsBefore = ctx.server.warRoom.drills.list(1000).length;
    const aborted = await call("POST", `/api/v1/gamedays/errors-fail/runs/${first.id}/abort`, { reason: "wrong window" });
    expect(aborted.status).toBe(200);
    expect(aborted.body.run).toMatchObject({ status: "stopped", verdict: "stopped", stopReason: "aborted by Ada: wrong window" });
    for (let i = 0; i < 5; i++) await second();
    expect(ctx.server.warRoom.drills.list(1000).length).toBe(drillsBefore);
    expect((await read(first)).steps.map((s) => s.state)).toEqual(["skipped", "skipped"]);
    expect((await call("POST", `/api/v1/gamedays/errors-fail/runs/${first.id}/abort`, {})).status).toBe(409);
  });

  it("an abort that races another instance's write is retried until stored: run stopped in the store, every drill stopped", async () => {
    const run = await start("abort-all");
    await second();
    const ids = (await read(run)).steps.map((s) => s.drillId as string);
    expect(activeDrills().filter((d) => ids.includes(d.id))).toHaveLength(2);
    interleave(run.id, 2);
    try {
      const r = await call("POST", `/api/v1/gamedays/abort-all/runs/${run.id}/abort`, { reason: "race" });
      expect(r.status).toBe(200);
      expect(r.body.run).toMatchObject({ status: "stopped", stopReason: "aborted by Ada: race" });
    } finally {
      race.beforeSave = null;
    }
    const stored = await read(run);
    expect(stored).toMatchObject({ status: "stopped", verdict: "stopped", stopReason: "aborted by Ada: race" });
    expect(activeDrills().filter((d) => ids.includes(d.id))).toEqual([]);
    const timeline = (await call("GET", `/api/v1/incidents/${run.incidentId}`)).body.timeline as { body: string }[];
    expect(timeline.filter((e) => e.body.startsWith("Game day stopped")).map((e) => e.body)).toEqual(["Game day stopped: aborted by Ada: race"]);
    // Nothing more happens to it: the job leaves a stopped run alone.
    await second();
    expect((await read(run)).version).toBe(stored.version);
  });

  it("an abort that finds the run ended by another instance meanwhile is a 409; one that always loses gives up with a 409", async () => {
    const run = await start("errors-fail");
    interleave(run.id, 1, (r) => Object.assign(r, { status: "stopped", verdict: "stopped", endedAt: ctx.clock.now(), stopReason: "aborted by Bob" }));
    try {
      const r = await call("POST", `/api/v1/gamedays/errors-fail/runs/${run.id}/abort`, {});
      expect(r.status).toBe(409);
      expect(r.body.error?.message).toBe("the run already ended (stopped)");
    } finally {
      race.beforeSave = null;
    }
    expect((await read(run)).stopReason).toBe("aborted by Bob");

    const busy = await start("ladder");
    interleave(busy.id, 100);
    try {
      const r = await call("POST", `/api/v1/gamedays/ladder/runs/${busy.id}/abort`, {});
      expect(r.status).toBe(409);
      expect(r.body.error?.message).toBe("the run is changing too fast; retry");
    } finally {
      race.beforeSave = null;
    }
    expect((await read(busy)).status).toBe("running");
    expect((await call("POST", `/api/v1/gamedays/ladder/runs/${busy.id}/abort`, {})).status).toBe(200);
    expect((await read(busy)).status).toBe("stopped");
  });

  it("a manual step ticked while another instance writes the run is stored, and written on the timeline once", async () => {
    const run = await start("detect");
    await until(run, (r) => r.steps[3].state === "waiting");
    interleave(run.id, 1);
    try {
      const r = await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/steps/4/done`);
      expect(r.status).toBe(200);
    } finally {
      race.beforeSave = null;
    }
    expect((await read(run)).steps[3]).toMatchObject({ state: "done", doneBy: "Ada", doneAt: ctx.clock.now() });
    const timeline = (await call("GET", `/api/v1/incidents/${run.incidentId}`)).body.timeline as { body: string }[];
    expect(timeline.filter((e) => e.body.startsWith("Step 4 done by Ada"))).toHaveLength(1);
    expect((await call("POST", `/api/v1/gamedays/detect/runs/${run.id}/abort`, {})).status).toBe(200);
  });

  it("two starts on the same service at once: the second is refused when it stores its run, and its incident is resolved", async () => {
    let rival: Run | null = null;
    race.beforeInsert = async (store, run) => {
      race.beforeInsert = null;
      // Another instance passed the same check a moment earlier and stored its run first.
      rival = { ...run, id: randomUUID() };
      await race.real.insertRun(store, rival);
    };
    try {
      const r = await call("POST", "/api/v1/gamedays/errors-fail/runs");
      expect(r.status).toBe(409);
      expect(r.body.error?.message).toContain("already running on checkout; one run per service");
    } finally {
      race.beforeInsert = null;
    }
    const theRival = rival as unknown as Run;
    const runs = (await call("GET", "/api/v1/gamedays/errors-fail")).body.runs as Run[];
    expect(runs.filter((x) => x.status === "running").map((x) => x.id)).toEqual([theRival.id]);
    const incidents = (await call("GET", "/api/v1/incidents?status=all")).body.incidents as Incident[];
    const declared = incidents.find((i) => i.id === theRival.incidentId);
    expect(declared).toMatchObject({ title: "Game day: Checkout error spike", status: "resolved" });
    expect((await call("POST", `/api/v1/gamedays/errors-fail/runs/${theRival.id}/abort`, {})).status).toBe(200);
  });
});
});

describe("a run survives a restart", () => {
  it("carries on from the stored run after the server is stopped and started again", async () => {
    const planDir = mkdtempSync(join(tmpdir(), "war-room-gamedays-restart-"));
    writeFileSync(join(planDir, "errors-fail.md"), plans["errors-fail"]);
    const first = await startTestServer({ configure: (c) => ({ ...c, gamedays: planDir }) });
    const url = `http://127.0.0.1:${first.server.port}`;
    const r = await fetch(`${url}/api/v1/gamedays/errors-fail/runs`, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: "{}" });
    expect(r.status).toBe(201);
    const { run } = (await r.json()) as { run: Run };
    for (let i = 0; i < 4; i++) {
      await first.tick(1);
      await first.server.warRoom.jobs.gamedays.run(first.clock.now());
    }
    await first.dispose(true);
    const again = await startTestServer({ dataDir: first.dataDir, startAt: first.clock.now(), configure: (c) => ({ ...c, gamedays: planDir }) });
    try {
      const read = async () => ((await (await fetch(`http://127.0.0.1:${again.server.port}/api/v1/gamedays/errors-fail/runs/${run.id}`)).json()) as { run: Run }).run;
      const resumed = await read();
      expect(resumed.status).toBe("running");
      expect(resumed.steps[0]).toMatchObject({ state: "active", startedAt: run.startedAt + 2000 });
      for (let i = 0; i < 120 && (await read()).status === "running"; i++) {
        await again.tick(1);
        await again.server.warRoom.jobs.gamedays.run(again.clock.now());
      }
      const ended = await read();
      expect(ended.status).toBe("completed");
      expect(ended.measurements.faultEndedAt).toBe(run.startedAt + 32_000);
      expect(again.server.warRoom.drills.active(again.clock.now())).toEqual([]);
    } finally {
      await again.dispose();
      rmSync(planDir, { recursive: true, force: true });
    }
  });
});
