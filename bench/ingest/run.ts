/**
 * Ingest bench (target ≥ 100,000 samples per server CPU-second, BENCHMARKS.md). Starts War Room as
 * a child process (API only, SQLite in a temp folder) and, in one run, feeds it the same way twice:
 *
 *   1. JSON push: batches of samples to POST /api/v1/ingest;
 *   2. remote_write: snappy protobuf WriteRequests to POST /api/v1/write, as a Prometheus forwards
 *      its scrapes (`--instances` per service, each with request counters by code, the latency
 *      histogram and three gauges).
 *
 * For each it reports samples per second of wall time and per second of the SERVER's CPU time
 * (user + system from /proc/<pid>/stat, the "one core" figure: Node runs the handlers on one
 * thread), and the server's own breakdown by stage (parse, validate, store, apply) from
 * `warroom_ingest_cpu_seconds_total` on /metrics.
 *
 *   npm run bench:ingest -- [--samples 200000] [--batch 4000] [--services 8] [--concurrency 1]
 *                           [--scrapes 250] [--instances 3] [--rw-batch 2000] [--prof]
 *                           [--baseline <git ref>] [--rounds 1] [--paths json,remote_write]
 *                           [--node-flags "--max-semi-space-size=64"]
 *
 * `--baseline main` runs a second server built from that commit (exported with `git archive` into
 * a temp folder, sharing node_modules) side by side: each round feeds both, one after the other,
 * so the two are measured under the same load on the machine. `--rounds N` repeats the feed N
 * times per server (later timestamps each round, remote_write's scrapes cut into N parts).
 *
 * Every sample is new, so each is validated, stored, and applied to the board, rollups and SLOs
 * exactly as in production. Writes bench/results/ingest-<UTC>.json.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { demoConfig } from "../../lib/config/demo";
import { REMOTE_WRITE_HEADERS, remoteWriteBody, type TestSeries } from "../../test/support/remote-write";
import { ensureServerBundle } from "../../scripts/server-bundle.mjs";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SAMPLES = arg("samples", 200_000);
const BATCH = arg("batch", 4_000);
const SERVICES = ["edge-gateway", "auth", "checkout", "payments", "catalog", "search", "recommendations", "notifications"].slice(0, arg("services", 8));
const SCRAPES = arg("scrapes", 250);
const INSTANCES = arg("instances", 3);
const RW_BATCH = arg("rw-batch", 2000);
// One request at a time by default: batches sent in parallel can arrive out of order, which makes later samples "late".
const CONCURRENCY = arg("concurrency", 1);
const ROUNDS = arg("rounds", 1);
const PATHS = args.includes("--paths") ? args[args.indexOf("--paths") + 1].split(",") : ["json", "remote_write"];
const BASELINE = args.includes("--baseline") ? args[args.indexOf("--baseline") + 1] : undefined;
// Extra node flags for the current server only (e.g. "--max-semi-space-size=64"), to compare V8 settings side by side.
const NODE_FLAGS = args.includes("--node-flags") ? args[args.indexOf("--node-flags") + 1].split(" ").filter(Boolean) : [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return ticks / 100; // USER_HZ
}

/** CPU seconds of each of the process's threads by name/tid ("main"; the SQLite worker, V8's GC helpers and libuv's pool are all named "node"). */
function threadCpuSeconds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = tid === String(pid) ? "main" : `${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}/${tid}`;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The thread ended in between.
    }
  }
  return out;
}

type Phase = {
  path: "json" | "remote_write";
  requests: number;
  accepted: number;
  mbSent: number;
  wallSeconds: number;
  serverCpuSeconds: number;
  samplesPerSecondWall: number;
  samplesPerServerCpuSecond: number;
  /** Server CPU per stage, from /metrics (microseconds per sample). */
  stagesMicrosPerSample: Record<string, number>;
  /** Server CPU per thread (by name, from /proc/<pid>/task; microseconds per sample). */
  threadsMicrosPerSample: Record<string, number>;
  batchLatencyMs: { p50: number; p99: number };
};

/** `warroom_ingest_cpu_seconds_total{path,stage}` and `warroom_ingest_samples_total{path}` of one path. */
async function stageCounters(base: string, path: string): Promise<{ samples: number; stages: Record<string, number> }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const stages: Record<string, number> = {};
  let samples = 0;
  for (const line of text.split("\n")) {
    const m = /^warroom_ingest_cpu_seconds_total\{path="([^"]+)",stage="([^"]+)"\} (\S+)$/.exec(line);
    if (m && m[1] === path) stages[m[2]] = Number(m[3]);
    const n = /^warroom_ingest_samples_total\{path="([^"]+)"\} (\S+)$/.exec(line);
    if (n && n[1] === path) samples = Number(n[2]);
  }
  return { samples, stages };
}

/** Posts `bodies` (CONCURRENCY at a time) and measures wall time, server CPU and the stage breakdown. */
async function phase(base: string, pid: number, path: Phase["path"], bodies: readonly Buffer[], post: (body: Buffer) => Promise<number>): Promise<Phase> {
  const before = await stageCounters(base, path);
  const cpu0 = cpuSeconds(pid);
  const threads0 = threadCpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const b0 = process.hrtime.bigint();
        await post(body);
        latencies.push(Number(process.hrtime.bigint() - b0) / 1e6);
      }
    }),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - cpu0;
  const threads1 = threadCpuSeconds(pid);
  const after = await stageCounters(base, path);
  const accepted = after.samples - before.samples;
  latencies.sort((a, b) => a - b);
  const stagesMicrosPerSample: Record<string, number> = {};
  for (const k of Object.keys(after.stages)) stagesMicrosPerSample[k] = +((1e6 * (after.stages[k] - (before.stages[k] ?? 0))) / accepted).toFixed(2);
  const threadsMicrosPerSample: Record<string, number> = {};
  for (const k of Object.keys(threads1)) {
    const d = threads1[k] - (threads0[k] ?? 0);
    if (d > 0) threadsMicrosPerSample[k] = +((1e6 * d) / accepted).toFixed(2);
  }
  return {
    path,
    requests: bodies.length,
    accepted,
    mbSent: +(bodies.reduce((a, b) => a + b.length, 0) / 1e6).toFixed(1),
    wallSeconds: +wall.toFixed(2),
    serverCpuSeconds: +cpu.toFixed(2),
    samplesPerSecondWall: Math.round(accepted / wall),
    samplesPerServerCpuSecond: Math.round(accepted / cpu),
    stagesMicrosPerSample,
    threadsMicrosPerSample,
    batchLatencyMs: { p50: +latencies[Math.floor(latencies.length * 0.5)].toFixed(1), p99: +latencies[Math.floor(latencies.length * 0.99)].toFixed(1) },
  };
}

/** JSON batches of `total` samples: one sample per millisecond per service, just after `start`. */
function jsonBodies(start: number, total: number): Buffer[] {
  const perService = Math.ceil(total / SERVICES.length);
  if (perService > 250_000) throw new Error("at most 250,000 samples per service (timestamps must stay within 5 minutes ahead)");
  const bodies: Buffer[] = [];
  let made = 0;
  let batch: unknown[] = [];
  for (let i = 0; i < perService && made < total; i++) {
    for (const service of SERVICES) {
      if (made >= total) break;
      batch.push({
        service,
        t: start + i,
        intervalSeconds: 1,
        requests: 200 + (i % 50),
        errors: 3 + (i % 7),
        errors5xx: i % 3,
        latency: { quantiles: { p50Ms: 20 + (i % 5), p95Ms: 60, p99Ms: 120 + (i % 30) } },
        saturation: { cpuPct: 40 + (i % 20), memPct: 55, poolPct: 10 },
      });
      made++;
      if (batch.length === BATCH) {
        bodies.push(Buffer.from(JSON.stringify({ samples: batch })));
        batch = [];
      }
    }
  }
  if (batch.length) bodies.push(Buffer.from(JSON.stringify({ samples: batch })));
  return bodies;
}

const CODES = ["200", "404", "429", "500", "503"];
const LE = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, Infinity];

/** remote_write requests: SCRAPES scrapes `spacingMs` apart from `start`, of INSTANCES targets per service, cut into requests of RW_BATCH samples as Prometheus' queue does. */
function remoteWriteBodies(start: number, spacingMs: number): Buffer[] {
  const bodies: Buffer[] = [];
  let series: TestSeries[] = [];
  let inBatch = 0;
  const add = (labels: Record<string, string>, value: number, timestamp: number) => {
    series.push({ labels, samples: [{ value, timestamp }] });
    if (++inBatch === RW_BATCH) flush();
  };
  const flush = () => {
    if (series.length) bodies.push(remoteWriteBody(series));
    series = [];
    inBatch = 0;
  };
  for (let k = 0; k < SCRAPES; k++) {
    const t = start + k * spacingMs;
    for (const service of SERVICES) {
      for (let i = 0; i < INSTANCES; i++) {
        const instance = `10.0.0.${i}:8080`;
        const n = (k + 1) * (200 + ((k * 7 + i) % 50));
        CODES.forEach((code, c) => add({ __name__: "http_requests_total", service, instance, job: "app", code }, c === 0 ? n : Math.floor(n / (50 * c)), t));
        LE.forEach((le, j) => add({ __name__: "http_request_duration_seconds_bucket", service, instance, job: "app", le: le === Infinity ? "+Inf" : String(le) }, Math.floor((n * (j + 1)) / LE.length), t));
        for (const g of ["process_cpu_usage_ratio", "process_memory_usage_ratio", "db_pool_usage_ratio"]) add({ __name__: g, service, instance, job: "app" }, 0.3 + ((k + i) % 10) / 50, t);
      }
    }
  }
  flush();
  return bodies;
}

type Server = { name: string; base: string; pid: number; child: ChildProcess; dataDir: string };

/** The server bundle of `ref`, built in a temp folder from `git archive` (node_modules shared). */
async function baselineBundle(ref: string): Promise<{ bundle: string; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "war-room-ingest-baseline-"));
  execFileSync("sh", ["-c", `git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(dir)}`]);
  symlinkSync(path.join(process.cwd(), "node_modules"), path.join(dir, "node_modules"));
  return { bundle: await ensureServerBundle(dir), dir };
}

async function startServer(name: string, bundle: string | null): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "war-room-ingest-bench-"));
  // Only push-fed services take pushes (lib/ingest/ownership.ts): the demo, every service push-fed (JSON is YAML).
  const configFile = path.join(dataDir, "config.yaml");
  writeFileSync(configFile, JSON.stringify({ ...demoConfig, source: { kind: "push" } }));
  // The server as `npm start` runs it (the prebuilt bundle, scripts/server-bundle.mjs); --tsx: server.ts through tsx.
  const server = bundle ? ["--enable-source-maps", bundle] : args.includes("--tsx") ? ["--import", "tsx", "server.ts"] : ["--enable-source-maps", await ensureServerBundle(process.cwd())];
  const child = spawn(process.execPath, [...(name === "current" ? NODE_FLAGS : []), ...(args.includes("--prof") ? ["--cpu-prof", `--cpu-prof-dir=bench/results/prof/${name}`] : []), ...server, "--no-ui"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, WAR_ROOM_CONFIG: configFile, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/health/live`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} server did not start within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, base, pid: child.pid!, child, dataDir };
}

async function stopServer(s: Server): Promise<void> {
  s.child.kill("SIGTERM");
  await new Promise((r) => s.child.once("exit", r));
  rmSync(s.dataDir, { recursive: true, force: true });
}

/** `parts` contiguous slices of `xs`, in order. */
const slices = <T>(xs: readonly T[], parts: number): T[][] => Array.from({ length: parts }, (_, i) => xs.slice(Math.floor((i * xs.length) / parts), Math.floor(((i + 1) * xs.length) / parts)));

async function main() {
  const baseline = BASELINE ? await baselineBundle(BASELINE) : undefined;
  const servers: Server[] = [];
  try {
    if (baseline) servers.push(await startServer(`baseline`, baseline.bundle));
    servers.push(await startServer("current", null));
    // Timestamps just after now (a sample older than a service's newest point is late), inside
    // the +5 min limit: JSON first, remote_write after it.
    const now = Date.now();
    const json = slices(jsonBodies(now + 2_000, SAMPLES * ROUNDS), ROUNDS);
    // remote_write after the JSON samples of every round; its scrapes closer together than 1 s when
    // the rounds would otherwise take it beyond the 5 minutes ahead.
    const rwStart = now + 10_000 + Math.ceil((SAMPLES * ROUNDS) / SERVICES.length);
    const rw = slices(remoteWriteBodies(rwStart, Math.min(1000, Math.floor((now + 290_000 - rwStart) / SCRAPES))), ROUNDS);
    const postJson = (base: string) => async (body: Buffer) => {
      const r = await fetch(`${base}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array(body) });
      const out = (await r.json()) as { accepted?: number; error?: { message: string } };
      if (!r.ok) throw new Error(`ingest failed: ${r.status} ${out.error?.message}`);
      return out.accepted ?? 0;
    };
    const postRw = (base: string) => async (body: Buffer) => {
      const r = await fetch(`${base}/api/v1/write`, { method: "POST", headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
      const out = (await r.json()) as { samples?: number; rejected?: Record<string, number>; error?: { message: string } };
      if (!r.ok || Object.keys(out.rejected ?? {}).length) throw new Error(`remote_write failed: ${r.status} ${out.error?.message ?? JSON.stringify(out.rejected)}`);
      return out.samples ?? 0;
    };
    const rounds: { round: number; server: string; phases: Phase[] }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of servers) {
        const phases: Phase[] = [];
        if (PATHS.includes("json")) phases.push(await phase(s.base, s.pid, "json", json[r], postJson(s.base)));
        if (phases[0]?.path === "json" && phases[0].accepted !== SAMPLES) throw new Error(`${s.name} JSON: accepted ${phases[0].accepted} of ${SAMPLES}`);
        if (PATHS.includes("remote_write")) phases.push(await phase(s.base, s.pid, "remote_write", rw[r], postRw(s.base)));
        rounds.push({ round: r + 1, server: s.name, phases });
      }
    }
    const result = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg().map((x) => +x.toFixed(2)) },
      params: { samples: SAMPLES, batch: BATCH, services: SERVICES.length, concurrency: CONCURRENCY, scrapes: SCRAPES, instances: INSTANCES, rwBatch: RW_BATCH, store: "sqlite", rounds: ROUNDS, baseline: BASELINE ?? null, nodeFlags: NODE_FLAGS },
      // With one server and one round, `phases` as before; `rounds` has every (round, server).
      phases: rounds[rounds.length - 1].phases,
      rounds,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log("\nround  server    path          samples/server-CPU-s  parse / validate / store / apply µs   (per-thread µs per sample)");
    for (const x of rounds) {
      for (const p of x.phases) {
        const st = p.stagesMicrosPerSample;
        const th = Object.entries(p.threadsMicrosPerSample).map(([k, v]) => `${k} ${v}`).join(", ");
        console.log(`${String(x.round).padEnd(6)} ${x.server.padEnd(9)} ${p.path.padEnd(13)} ${String(p.samplesPerServerCpuSecond).padStart(20)}  ${[st.parse, st.validate, st.store, st.apply].join(" / ")}   threads µs: ${th}`);
      }
    }
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(`bench/results/ingest-${result.at.replace(/[:.]/g, "-").slice(0, 19)}Z.json`, JSON.stringify(result, null, 2));
  } finally {
    for (const s of servers) await stopServer(s);
    if (baseline) rmSync(baseline.dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
