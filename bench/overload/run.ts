/**
 * Overload bench (issue #15 item 5, SPEC §11 "Overload"): a real server (`server.ts --no-ui`,
 * default SQLite store) under normal load, then 20× as many connections, then normal again.
 * Measured from this process, which sends no load itself (bench/overload/load.ts does, in a
 * child process): `/health/live` latency every 50 ms, board tick intervals at 50 connected
 * viewers, an API probe every 100 ms; from the load child every request's status and latency.
 * Recovery: from the moment the excess load stops until no request sent later is shed or fails
 * and the API probe is back within 2× its normal p99.
 *
 *   npm run bench:overload -- [--connections 30] [--factor 20] [--rate 10] [--normal-s 10] [--overload-s 15] [--after-s 8] [--viewers 50] [--concurrency N] [--no-shed] [--cpu-prof]
 *
 * `--no-shed` turns load shedding off (same server, same worker store) for comparison;
 * `--server ../other-checkout/server.ts` runs another checkout's server (e.g. main, before this change).
 * All traffic goes to 127.0.0.1; everything is bounded by the phase durations.
 * Writes bench/results/overload-<time>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { cpuMs, forkTs, freePort, killAll, machineBusyMs, ROOT, sleep, spawnTs, stop, waitReady, type Managed } from "../ws-fanout/procs";
import { formatTable, quantile } from "../ws-fanout/stats";
import type { LoadCommand, LoadRecord, LoadReply } from "./load";

type Settings = { connections: number; factor: number; rate: number; normalS: number; overloadS: number; afterS: number; shed: boolean; viewers: number; cpuProf: boolean; concurrency: number; server: string };

function parseArgs(argv: string[]): Settings {
  const get = (name: string, d: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  return {
    connections: get("--connections", 30),
    factor: get("--factor", 20),
    rate: get("--rate", 10),
    normalS: get("--normal-s", 10),
    overloadS: get("--overload-s", 15),
    afterS: get("--after-s", 8),
    viewers: get("--viewers", 50),
    shed: !argv.includes("--no-shed"),
    cpuProf: argv.includes("--cpu-prof"),
    concurrency: get("--concurrency", 0),
    server: (() => {
      const i = argv.indexOf("--server");
      return i >= 0 ? path.resolve(argv[i + 1]) : "server.ts";
    })(),
  };
}

type Sample = { at: number; ms: number; status: number };
type Phase = { name: string; from: number; to: number; serverCpuMs: number; machineBusyMs: number };

/** GET `url` every `everyMs` on its own keep-alive connections until `until()`; never more than 4 at once. */
async function probe(url: string, everyMs: number, until: () => boolean, localAddress: string): Promise<Sample[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4, localAddress });
  const out: Sample[] = [];
  const inflight = new Set<Promise<void>>();
  while (!until()) {
    const at = Date.now();
    const t0 = performance.now();
    const p = new Promise<void>((resolve) => {
      const done = (status: number) => {
        out.push({ at, ms: performance.now() - t0, status });
        resolve();
      };
      const req = http.get(url, { agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.once("end", () => done(res.statusCode ?? 0));
      });
      req.once("timeout", () => req.destroy(new Error("timeout")));
      req.once("error", () => done(0));
    });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
    if (inflight.size >= 4) await Promise.race(inflight);
    await sleep(at + everyMs - Date.now());
  }
  await Promise.all(inflight);
  agent.destroy();
  return out;
}

/** Board viewers: each records when every tick arrived. */
function viewers(wsUrl: string, n: number): { ticks: number[][]; close(): void; ready: Promise<void> } {
  const ticks: number[][] = [];
  const sockets: WebSocket[] = [];
  const opened: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const mine: number[] = [];
    ticks.push(mine);
    const ws = new WebSocket(wsUrl, { localAddress: "127.0.3.1" });
    sockets.push(ws);
    opened.push(
      new Promise((resolve, reject) => {
        ws.once("open", () => {
          ws.send(JSON.stringify({ type: "subscribe", channel: "board" }));
          resolve();
        });
        ws.once("error", reject);
      }),
    );
    ws.on("message", (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { type?: string; event?: string };
      if (m.type === "event" && m.event === "tick") mine.push(Date.now());
    });
  }
  return { ticks, ready: Promise.all(opened).then(() => undefined), close: () => sockets.forEach((s) => s.terminate()) };
}

const summary = (xs: number[]) => ({ n: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: xs.length ? Math.max(...xs) : NaN });
const r1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : x);

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "war-room-overload-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), WAR_ROOM_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", LOG_LEVEL: "warn" };
  if (s.concurrency) env.WAR_ROOM_MAX_CONCURRENT_REQUESTS = String(s.concurrency);
  if (!s.shed) Object.assign(env, { WAR_ROOM_SHED_EVENT_LOOP_DELAY_MS: "0", WAR_ROOM_SHED_QUEUE_MS: "60000", WAR_ROOM_MAX_CONCURRENT_REQUESTS: "100000" });
  let server: Managed | undefined;
  let load: Managed | undefined;
  try {
    server = spawnTs("war-room", s.server, ["--no-ui"], env, s.cpuProf ? ["--cpu-prof", "--cpu-prof-dir=/tmp/overload-prof"] : []);
    await waitReady(`${url}/health/ready`, server, 60_000);
    const created: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${url}/api/v1/incidents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: `Overload bench ${i}`, severity: "SEV3", services: ["checkout"] }) });
      if (r.status !== 201) throw new Error(`creating an incident answered ${r.status}: ${await r.text()}`);
      created.push(((await r.json()) as { incident: { id: string } }).incident.id);
    }
    const readIds = created.slice(0, 10);
    const writeIds = created.slice(10);

    const board = viewers(`ws://127.0.0.1:${port}/ws`, s.viewers);
    await board.ready;
    load = forkTs("load", "bench/overload/load.ts", [url, String(s.rate), readIds.join(","), writeIds.join(",")]);
    const child = load.child;
    await new Promise<void>((resolve) => child.once("message", () => resolve()));
    const send = (m: LoadCommand) => child.send(m);

    let done = false;
    const health = probe(`${url}/health/live`, 50, () => done, "127.0.4.1");
    const apiProbe = probe(`${url}/api/v1/incidents/${readIds[0]}`, 100, () => done, "127.0.4.2");
    const phases: Phase[] = [];
    const serverPid = server.pid;
    const phase = async (name: string, connections: number, seconds: number) => {
      const from = Date.now();
      const cpu0 = cpuMs(serverPid);
      const busy0 = machineBusyMs();
      send({ type: "connections", n: connections });
      await sleep(seconds * 1000);
      phases.push({ name, from, to: Date.now(), serverCpuMs: cpuMs(serverPid) - cpu0, machineBusyMs: machineBusyMs() - busy0 });
    };
    process.stdout.write(`normal load: ${s.connections} connections × ${s.rate} req/s for ${s.normalS} s\n`);
    await phase("normal", s.connections, s.normalS);
    process.stdout.write(`overload: ${s.connections * s.factor} connections × ${s.rate} req/s for ${s.overloadS} s\n`);
    await phase("overload", s.connections * s.factor, s.overloadS);
    const stoppedAt = Date.now();
    process.stdout.write(`normal again for ${s.afterS} s\n`);
    await phase("after", s.connections, s.afterS);
    send({ type: "connections", n: 0 });
    done = true;
    const records = await new Promise<LoadRecord[]>((resolve) => {
      child.on("message", (m: LoadReply) => {
        if (m.type === "report") resolve(m.records);
      });
      send({ type: "report" });
    });
    const [healthSamples, apiSamples] = await Promise.all([health, apiProbe]);
    board.close();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const shedTotals = Object.fromEntries([...metrics.matchAll(/^warroom_http_shed_total\{reason="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]));

    const inPhase = (p: Phase, at: number) => at >= p.from && at < p.to;
    const normalApiP99 = quantile(apiSamples.filter((x) => inPhase(phases[0], x.at) && x.status === 200).map((x) => x.ms), 0.99);
    const slowApi = Math.max(50, 2 * normalApiP99);
    const bad = [
      ...records.filter(([at, , status]) => at >= stoppedAt && (status === 503 || status === 0)).map(([at, ms]) => at + ms),
      ...apiSamples.filter((x) => x.at >= stoppedAt && (x.status !== 200 || x.ms > slowApi)).map((x) => x.at + x.ms),
    ];
    const recoveryMs = bad.length ? Math.max(0, Math.max(...bad) - stoppedAt) : 0;

    const rows = phases.map((p) => {
      const rs = records.filter(([at]) => inPhase(p, at));
      const ok = rs.filter(([, , st]) => st >= 200 && st < 300);
      const shed = rs.filter(([, , st]) => st === 503);
      const intervals = board.ticks.flatMap((t) => t.slice(1).map((x, i) => [t[i], x - t[i]] as const).filter(([at]) => inPhase(p, at)).map(([, d]) => d));
      return {
        phase: p.name,
        seconds: r1((p.to - p.from) / 1000),
        offeredPerS: r1(rs.length / ((p.to - p.from) / 1000)),
        ok: ok.length,
        shed503: shed.length,
        shedWithRetryAfter: shed.filter(([, , , ra]) => ra === 1).length,
        other: rs.filter(([, , st]) => st !== 503 && !(st >= 200 && st < 300) && st !== 0).length,
        failed: rs.filter(([, , st]) => st === 0).length,
        okLatencyMs: summary(ok.map(([, ms]) => ms)),
        shedLatencyMs: summary(shed.map(([, ms]) => ms)),
        healthLiveMs: summary(healthSamples.filter((x) => inPhase(p, x.at)).map((x) => x.ms)),
        healthLiveNot200: healthSamples.filter((x) => inPhase(p, x.at) && x.status !== 200).length,
        apiProbeMs: summary(apiSamples.filter((x) => inPhase(p, x.at)).map((x) => x.ms)),
        tickIntervalMs: summary(intervals),
        lateTicks: intervals.filter((d) => d > 1250).length,
        // Of one core (100 = one core fully); the machine figure is over all cores.
        serverCpuPercent: r1((100 * p.serverCpuMs) / (p.to - p.from)),
        machineBusyPercent: r1((100 * p.machineBusyMs) / (p.to - p.from) / os.cpus().length),
      };
    });
    const result = { settings: s, machine: { cpus: os.cpus().length, loadavg: os.loadavg() }, recoveryMs: Math.round(recoveryMs), shedTotals, phases: rows };
    const fmt = (x: { p50: number; p99: number; max: number }) => `${r1(x.p50)} / ${r1(x.p99)} / ${r1(x.max)}`;
    process.stdout.write(
      `\n${formatTable(
        ["phase", "offered/s", "2xx", "503 (Retry-After)", "failed", "2xx ms p50/p99/max", "/health/live ms p50/p99/max", "tick interval ms p50/p99/max", "late ticks", "server CPU %", "machine busy %"],
        rows.map((r) => [r.phase, r.offeredPerS, r.ok, `${r.shed503} (${r.shedWithRetryAfter})`, r.failed, fmt(r.okLatencyMs), fmt(r.healthLiveMs), fmt(r.tickIntervalMs), r.lateTicks, r.serverCpuPercent, r.machineBusyPercent]),
      )}\nrecovery after the excess load stopped: ${Math.round(recoveryMs)} ms; shed by reason (server): ${JSON.stringify(shedTotals)}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}\n`,
    );
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    const file = path.join(ROOT, "bench/results", `overload-${new Date().toISOString().replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    process.stdout.write(`wrote ${path.relative(ROOT, file)}\n`);
  } finally {
    if (load) await stop(load, 2_000);
    if (server) await stop(server, 10_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => {
  killAll();
  process.exit(130);
});
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAll();
  process.exit(1);
});
