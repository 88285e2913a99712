/**
 * Cluster bench (issue #13, SPEC §11 "Several instances"): for 1, 2 and 3 War Room instances
 * sharing PostgreSQL and Redis behind HAProxy on this machine (test/support/cluster.ts), reports
 *   - viewers held at 1 board frame per second: viewers are added in steps until a step's p99
 *     time between ticks exceeds 1.5 s, frames are missed, a viewer starves or cannot connect;
 *   - p99 publish → receive: board ticks (frame `time` → receipt, through the balancer), and a
 *     timeline entry POSTed to one instance → its `entry` event at a viewer on another (Redis);
 *   - failover: kill -9 of the leader → the first tick sampled after the kill at every viewer,
 *     and → another instance saying `cluster.role: "leader"` on /health.
 * Everything (instances, HAProxy, PostgreSQL, Redis, viewer processes) shares this machine's cores.
 *
 *   npm run bench:cluster -- [--instances 1,2,3] [--steps 500,1000,2000,3000,4000,5000] [--window 15]
 *                            [--workers 2] [--per-address 20] [--entries 100] [--failover-viewers 500]
 *                            [--max-seconds 1800]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cluster, clusterServices, hasHaproxy, type Instance } from "../../test/support/cluster";
import { LiveViewer } from "../../test/support/live-viewer";
import { LatencyHistogram } from "../ws-fanout/stats";
import { ROOT, cpuMs, forkTs, killAll, openFilesLimit, sleepUntil, stop, type Managed } from "../ws-fanout/procs";
import type { ViewerCommand, ViewerEvent, WindowReport } from "./ipc";

type Settings = { instances: number[]; steps: number[]; windowS: number; workers: number; perAddress: number; entries: number; failoverViewers: number; maxSeconds: number };

function parseArgs(argv: string[]): Settings {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (v: string | undefined, d: number[]) => (v ? v.split(",").map((x) => Number(x.trim())) : d);
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const s: Settings = {
    instances: list(get("--instances"), [1, 2, 3]),
    steps: list(get("--steps"), [500, 1000, 2000, 3000, 4000, 5000]),
    windowS: num(get("--window"), 15),
    workers: num(get("--workers"), 2),
    perAddress: num(get("--per-address"), 20),
    entries: num(get("--entries"), 100),
    failoverViewers: num(get("--failover-viewers"), 500),
    maxSeconds: num(get("--max-seconds"), 1800),
  };
  const all = [...s.instances, ...s.steps, s.windowS, s.workers, s.perAddress, s.entries, s.failoverViewers, s.maxSeconds];
  if (all.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error("bad arguments: every count and duration must be a positive integer");
  if (s.instances.some((n) => n > 5) || s.steps.some((n) => n > 5000) || s.failoverViewers > 5000) throw new Error("at most 5 instances and 5,000 viewers");
  if (s.windowS > 60 || s.maxSeconds > 3600 || s.entries > 1000 || s.perAddress > 50) throw new Error("window ≤ 60 s, --max-seconds ≤ 3600, --entries ≤ 1000, --per-address ≤ 50 (the per-address socket cap)");
  if (s.steps.some((n, i) => i > 0 && n <= s.steps[i - 1])) throw new Error("--steps must increase");
  return s;
}

/** Viewer worker processes, each holding a share of the viewers. */
class Fleet {
  private readonly workers: { proc: Managed; waiting: Map<string, ((e: ViewerEvent) => void)[]> }[] = [];
  total = 0;

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const proc = forkTs(`viewers-${i}`, "bench/cluster/viewer-worker.ts", []);
      const waiting = new Map<string, ((e: ViewerEvent) => void)[]>();
      proc.child.on("message", (e: ViewerEvent) => waiting.get(e.ev)?.shift()?.(e));
      this.workers.push({ proc, waiting });
    }
  }

  private ask<E extends ViewerEvent["ev"]>(i: number, cmd: ViewerCommand, ev: E): Promise<Extract<ViewerEvent, { ev: E }>> {
    const w = this.workers[i];
    return new Promise((resolve) => {
      const q = w.waiting.get(ev) ?? [];
      q.push(resolve as (e: ViewerEvent) => void);
      w.waiting.set(ev, q);
      w.proc.child.send(cmd);
    });
  }

  /** Adds viewers up to `n` in all, spread over the workers; viewer k uses source address k / perAddress. */
  async grow(n: number, url: string, perAddress: number): Promise<{ ready: number; failed: number; errors: string[]; ms: number }> {
    const began = Date.now();
    const add = n - this.total;
    const share = Math.ceil(add / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((_, i) => {
        const count = Math.max(0, Math.min(share, add - i * share));
        return count ? this.ask(i, { cmd: "add", url, count, firstIndex: this.total + i * share, perAddress, concurrency: 100 }, "added") : Promise.resolve({ ev: "added" as const, ready: 0, failed: 0, errors: [] });
      }),
    );
    this.total = n;
    return { ready: parts.reduce((s, p) => s + p.ready, 0), failed: parts.reduce((s, p) => s + p.failed, 0), errors: parts.flatMap((p) => p.errors), ms: Date.now() - began };
  }

  window(t0: number, t1: number): Promise<WindowReport[]> {
    return Promise.all(this.workers.map((_, i) => this.ask(i, { cmd: "window", t0, t1 }, "window").then((e) => e.report)));
  }

  mark(t: number): void {
    for (const w of this.workers) w.proc.child.send({ cmd: "mark", t } satisfies ViewerCommand);
  }

  async marked(): Promise<(number | null)[]> {
    return (await Promise.all(this.workers.map((_, i) => this.ask(i, { cmd: "marked" }, "marked")))).flatMap((e) => e.ms);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w, i) => Promise.race([this.ask(i, { cmd: "close" }, "closed"), new Promise((r) => setTimeout(r, 5000))]).then(() => stop(w.proc, 2000))));
  }
}

type Step = { viewers: number; connected: number; connectFailed: number; connectMs: number; connectErrors: string[]; ticks: number; missed: number; starved: number; intervalP99: number; intervalMax: number; latencyP50: number; latencyP99: number; instancesCpuPct: number; clientsCpuPct: number; held: boolean };
type Failover = { viewers: number; killed: string; ticksAgainP50: number | null; ticksAgainMax: number | null; neverAgain: number; newLeaderMs: number | null; newLeader: string | null };
type Result = { instances: number; steps: Step[]; held: number; entryP50: number | null; entryP99: number | null; entrySamples: number; entryPath: string; failover: Failover | null; loadAvg: number[] };

const merge = (hs: WindowReport["intervals"][]) => hs.reduce((h, j) => h.merge(LatencyHistogram.fromJSON(j)), new LatencyHistogram());
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : null;
};

async function measureStep(cluster: Cluster, fleet: Fleet, n: number, s: Settings): Promise<Step> {
  const c = await fleet.grow(n, cluster.balancerWsUrl, s.perAddress);
  // Whole seconds, two of them to settle after the connection burst.
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  const t1 = t0 + s.windowS * 1000;
  const reportsP = fleet.window(t0, t1);
  await sleepUntil(t0);
  const pids = cluster.alive.map((i) => i.pid!).filter(Boolean);
  const cpu0 = pids.map((p) => cpuMs(p));
  const reports = await reportsP;
  const cpu1 = pids.map((p) => cpuMs(p));
  const elapsed = Date.now() - t0;
  const intervals = merge(reports.map((r) => r.intervals));
  const latency = merge(reports.map((r) => r.latency));
  const step: Step = {
    viewers: n,
    connected: reports.reduce((a, r) => a + r.connected, 0),
    connectFailed: c.failed,
    connectMs: c.ms,
    connectErrors: c.errors.slice(0, 5),
    ticks: reports.reduce((a, r) => a + r.ticks, 0),
    missed: reports.reduce((a, r) => a + r.missed, 0),
    starved: reports.reduce((a, r) => a + r.starved, 0),
    intervalP99: intervals.percentile(0.99),
    intervalMax: intervals.max,
    latencyP50: latency.percentile(0.5),
    latencyP99: latency.percentile(0.99),
    instancesCpuPct: Math.round((100 * cpu1.reduce((a, x, i) => a + x - cpu0[i], 0)) / elapsed),
    clientsCpuPct: Math.round((100 * reports.reduce((a, r) => a + r.cpuMs, 0)) / (s.windowS * 1000)),
    held: false,
  };
  step.held = step.connected === n && step.intervalP99 <= 1500 && step.missed === 0 && step.starved === 0;
  return step;
}

/** Entries POSTed to `writer` (one every 200 ms) → their `entry` event at a viewer connected directly to `reader`. */
async function entryLatency(writer: Instance, reader: Instance, count: number): Promise<number[]> {
  const post = async (pathname: string, body: unknown) => {
    const res = await fetch(`${writer.url}${pathname}`, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "bench" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`POST ${pathname}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { incident: { id: string } };
  };
  const { incident } = await post("/api/v1/incidents", { title: "Cluster bench", severity: "SEV4", services: ["checkout"] });
  const sentAt = new Map<string, number>();
  const ms: number[] = [];
  const viewer = new LiveViewer({
    url: reader.wsUrl,
    channels: [`incident:${incident.id}`],
    onFrame: (f, at) => {
      if (f.type !== "event" || f.event !== "entry") return;
      const body = (f.data as { entry: { body: string } }).entry.body;
      const t = sentAt.get(body);
      if (t !== undefined) ms.push(at - t);
      sentAt.delete(body);
    },
  });
  try {
    const deadline = Date.now() + 10_000;
    while (!viewer.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!viewer.ready) throw new Error(`no incident snapshot from ${reader.id}`);
    for (let k = 0; k < count; k++) {
      const next = Date.now() + 200;
      const body = `bench entry ${k}`;
      sentAt.set(body, Date.now());
      await post(`/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body });
      await sleepUntil(next);
    }
    const until = Date.now() + 3000;
    while (sentAt.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return ms;
  } finally {
    viewer.stop();
  }
}

async function failover(cluster: Cluster, s: Settings): Promise<Failover> {
  const fleet = new Fleet(Math.min(s.workers, s.failoverViewers));
  try {
    const c = await fleet.grow(s.failoverViewers, cluster.balancerWsUrl, s.perAddress);
    if (c.failed) console.log(`  failover: ${c.failed} of ${s.failoverViewers} viewers did not connect (${c.errors.slice(0, 3).join("; ")})`);
    // Two seconds of ticks at every viewer before the kill.
    await sleepUntil(Date.now() + 2000);
    const found = await cluster.waitForLeader({ timeoutMs: 10_000 });
    const victim = found?.leader ?? cluster.alive[0];
    const killedAt = Date.now();
    fleet.mark(killedAt);
    await cluster.kill9(victim);
    const leaderP = found ? cluster.waitForLeader({ not: victim, timeoutMs: 30_000 }) : Promise.resolve(null);
    let ms: (number | null)[] = [];
    const deadline = killedAt + 30_000;
    do {
      await new Promise((r) => setTimeout(r, 250));
      ms = await fleet.marked();
    } while (ms.some((x) => x === null) && Date.now() < deadline);
    const next = await leaderP;
    const got = ms.filter((x): x is number => x !== null);
    return {
      viewers: s.failoverViewers,
      killed: `${victim.id}${found ? " (leader)" : " (no instance reported itself leader)"}`,
      ticksAgainP50: pct(got, 0.5),
      ticksAgainMax: got.length ? Math.max(...got) : null,
      neverAgain: ms.length - got.length,
      newLeaderMs: next ? next.at - killedAt : null,
      newLeader: next?.leader.id ?? null,
    };
  } finally {
    await fleet.close();
  }
}

async function runCluster(n: number, s: Settings, nofile: number): Promise<Result> {
  const loadAvg = os.loadavg().map((x) => Math.round(x * 10) / 10);
  console.log(`\n${n} instance${n > 1 ? "s" : ""} behind HAProxy (load average before: ${loadAvg.join(", ")})`);
  const cluster = await Cluster.start({ instances: n });
  current = cluster;
  const result: Result = { instances: n, steps: [], held: 0, entryP50: null, entryP99: null, entrySamples: 0, entryPath: "", failover: null, loadAvg };
  try {
    const fleet = new Fleet(s.workers);
    try {
      for (const [i, v] of s.steps.entries()) {
        // The harness process holds no viewer; HAProxy holds two descriptors per viewer, each worker its share.
        if (2 * v + 1000 > nofile) {
          console.log(`  ${v} viewers: skipped, ulimit -n ${nofile} is too low for HAProxy (needs ≥ ${2 * v + 1000})`);
          break;
        }
        const step = await measureStep(cluster, fleet, v, s);
        result.steps.push(step);
        console.log(
          `  ${v} viewers: connected ${step.connected}/${v} in ${(step.connectMs / 1000).toFixed(1)} s, tick interval p99 ${step.intervalP99} ms (max ${step.intervalMax}), ` +
            `publish→receive p50 ${step.latencyP50} p99 ${step.latencyP99} ms, missed ${step.missed}, starved ${step.starved}, CPU instances ${step.instancesCpuPct} % / viewers ${step.clientsCpuPct} % → ${step.held ? "held" : "NOT held"}`,
        );
        for (const e of step.connectErrors) console.log(`    connect error: ${e}`);
        if (step.held) result.held = v;
        if (i === 0) {
          const leader = (await cluster.leader()) ?? cluster.instances[0];
          const reader = cluster.instances.find((x) => x !== leader) ?? leader;
          result.entryPath = `POST to ${leader.id} → viewer on ${reader.id}`;
          const ms = await entryLatency(leader, reader, s.entries);
          result.entrySamples = ms.length;
          result.entryP50 = pct(ms, 0.5);
          result.entryP99 = pct(ms, 0.99);
          console.log(`  entry ${result.entryPath} with ${v} board viewers: p50 ${result.entryP50} p99 ${result.entryP99} ms (${ms.length}/${s.entries} received)`);
        }
        if (!step.held) break;
      }
    } finally {
      await fleet.close();
    }
    if (n > 1) {
      result.failover = await failover(cluster, s);
      const f = result.failover;
      console.log(`  failover (kill -9 ${f.killed}, ${f.viewers} viewers): ticks again p50 ${f.ticksAgainP50} ms, every viewer ${f.ticksAgainMax} ms (${f.neverAgain} never within 30 s); new leader ${f.newLeader ?? "none"} after ${f.newLeaderMs ?? "—"} ms`);
    }
  } finally {
    await cluster.close();
    current = null;
  }
  return result;
}

function printTable(results: Result[], s: Settings): void {
  const cell = (v: number | null | undefined, unit = " ms") => (v === null || v === undefined ? "—" : `${v}${unit}`);
  console.log(`\n| instances | viewers held at 1 frame/s | tick interval p99 at that load | board tick publish→receive p99 | entry → viewer on another instance p99 (Redis) | failover: ticks again at every viewer | failover: new leader on /health |`);
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    const heldStep = r.steps.find((x) => x.viewers === r.held);
    const f = r.failover;
    const limit = r.steps.at(-1) && !r.steps.at(-1)!.held ? ` (${r.steps.at(-1)!.viewers} not held)` : r.held === s.steps.at(-1) ? " (largest step tried)" : "";
    console.log(
      `| ${r.instances} | ${r.held || "none"}${limit} | ${cell(heldStep?.intervalP99)} | ${cell(heldStep?.latencyP99)} | ${cell(r.entryP99)} (${r.entrySamples} samples, ${r.entryPath}) | ` +
        `${f ? `${cell(f.ticksAgainMax)}${f.neverAgain ? `, ${f.neverAgain} never` : ""} (${f.viewers} viewers)` : "—"} | ${f ? cell(f.newLeaderMs) : "—"} |`,
    );
  }
}

let current: Cluster | null = null;
function cleanUp(): void {
  current?.killNowSync();
  killAll();
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const services = clusterServices();
  if (!services) throw new Error("set DATABASE_URL (local PostgreSQL) and REDIS_URL (local Redis)");
  if (!hasHaproxy()) throw new Error("needs /usr/sbin/haproxy (apt-get install haproxy)");
  const began = Date.now();
  const nofile = openFilesLimit();
  const cpus = os.cpus();
  console.log(`cluster bench: ${cpus.length} × ${cpus[0]?.model ?? "cpu"} shared by the instances, HAProxy, PostgreSQL, Redis and ${s.workers} viewer processes; Node ${process.version}; ulimit -n ${nofile}; ${s.windowS} s per step`);
  const hard = setTimeout(() => {
    console.error(`bench exceeded --max-seconds ${s.maxSeconds}; killing everything it started`);
    cleanUp();
    process.exit(1);
  }, s.maxSeconds * 1000);
  hard.unref();
  process.once("SIGINT", () => {
    cleanUp();
    process.exit(130);
  });
  const results: Result[] = [];
  try {
    for (const n of s.instances) results.push(await runCluster(n, s, nofile));
  } finally {
    cleanUp();
  }
  printTable(results, s);
  const stamp = new Date().toISOString().replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const outDir = path.join(ROOT, "bench/results");
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `cluster-${stamp}.json`);
  const machine = { cpus: cpus.length, model: cpus[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release(), ulimitN: nofile };
  const command = `npm run bench:cluster${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  writeFileSync(out, JSON.stringify({ bench: "cluster", date: new Date().toISOString(), command, machine, settings: s, durationS: Math.round((Date.now() - began) / 1000), results }, null, 2) + "\n");
  console.log(`\nresults: ${path.relative(ROOT, out)} (${Math.round((Date.now() - began) / 1000)} s)`);
}

main().catch((err: Error) => {
  console.error(err.message);
  cleanUp();
  process.exit(1);
});
