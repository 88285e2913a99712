/**
 * WebSocket fan-out bench: War Room's real server vs a minimal Socket.IO server, in the same
 * run, with the same board frame and the same client-worker layout. BENCHMARKS.md says what
 * each number means.
 *
 *   npm run bench:ws -- [--clients 1000,5000] [--window 20] [--workers 4] [--sio-client lib|raw]
 *                       [--sat-clients 250] [--sat-rates 30,60,…] [--sat-window 4] [--sat-workers 2]
 *                       [--sat-systems warroom,socketio,socketio-raw] [--no-sat]
 *                       [--max-others 50] [--budget 270] [--max-seconds 600]
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ClientKind, SocketIoClient } from "./ipc";
import { ClientFleet } from "./fleet";
import { idleCpu, measureQuietly } from "./measure";
import { ROOT, collectGarbage, killAll, openFilesLimit, rssKiB, sleep, stop } from "./procs";
import { printResults, type RunResult, type SatResult } from "./report";
import { saturation, type SatSystem } from "./saturation";
import { startPublisher, startWarRoomServer, type ServerHandle } from "./servers";
import { fmt, rssPerClientKiB, type WindowSummary } from "./stats";

type Settings = {
  clients: number[];
  windowS: number;
  workers: number;
  concurrency: number;
  sioClient: SocketIoClient;
  satClients: number;
  satRates: number[];
  satWindowS: number;
  satWorkers: number;
  satSystems: SatSystem[];
  /** Other processes' CPU (% of one core) above which a window is measured again. */
  maxOthersPct: number;
  /**
   * Soft limit in seconds: 1 Hz windows are measured again only in the first 40 % of it, and
   * saturation tries no new rate (and no retry) after it, or 90 s after saturation began.
   */
  budgetS: number;
  /** Hard limit: everything is killed. */
  maxSeconds: number;
};

function parseArgs(argv: string[]): Settings {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (v: string | undefined, d: number[]) => (v ? v.split(",").map((x) => Number(x.trim())) : d);
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const satSystems = (get("--sat-systems") ?? "warroom,socketio,socketio-raw").split(",").filter(Boolean) as SatSystem[];
  const s: Settings = {
    clients: list(get("--clients"), [1000, 5000]),
    windowS: num(get("--window"), 20),
    workers: num(get("--workers"), 4),
    concurrency: num(get("--concurrency"), 50),
    sioClient: get("--sio-client") === "raw" ? "raw" : "lib",
    satClients: num(get("--sat-clients"), 250),
    satRates: list(get("--sat-rates"), [40, 80, 120, 160]),
    satWindowS: num(get("--sat-window"), 4),
    satWorkers: num(get("--sat-workers"), 2),
    satSystems: argv.includes("--no-sat") ? [] : satSystems,
    maxOthersPct: num(get("--max-others"), 50),
    budgetS: num(get("--budget"), 280),
    maxSeconds: num(get("--max-seconds"), 600),
  };
  const nums = [...s.clients, ...s.satRates, s.windowS, s.workers, s.concurrency, s.satClients, s.satWindowS, s.satWorkers, s.maxOthersPct, s.budgetS, s.maxSeconds];
  if (nums.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error("bad arguments: every count, rate and duration must be a positive number");
  if (s.clients.some((n) => n > 20_000) || s.satClients > 20_000) throw new Error("at most 20,000 clients per run");
  if (s.windowS > 120 || s.satWindowS > 60 || s.satRates.some((r) => r > 1000) || s.maxSeconds > 1800) throw new Error("window ≤ 120 s, sat window ≤ 60 s, rates ≤ 1000/s, --max-seconds ≤ 1800");
  if (s.satSystems.some((x) => !["warroom", "socketio", "socketio-raw"].includes(x))) throw new Error("--sat-systems takes warroom, socketio, socketio-raw");
  return s;
}

type Ctx = { tmp: string; frameFile: string | null; retryUntil: number };

/** N viewers at the real 1 Hz board tick (War Room) or the same frame via io.emit (Socket.IO). */
async function fanoutRun(kind: ClientKind, n: number, s: Settings, ctx: Ctx): Promise<RunResult> {
  const dataDir = mkdtempSync(path.join(ctx.tmp, `${kind}-data-`));
  const server = kind === "warroom" ? await startWarRoomServer(dataDir) : await startPublisher("socketio", ctx.frameFile!, dataDir, 1);
  const fleet = new ClientFleet(Math.min(s.workers, n));
  try {
    const idle = await idleCpu(server, 2_000);
    const rssBefore = await settledRss(server);
    const c = await fleet.connect(kind, s.sioClient, server.connectUrl, n, s.concurrency, ctx.frameFile === null);
    await sleep(3_000);
    const label = `${kind === "warroom" ? "War Room" : "Socket.IO"} × ${n}`;
    const m = await measureQuietly(fleet, server, c.ready, { windowS: s.windowS, idlePct: idle.pct, idleSystemPct: idle.systemPct, alignToSecond: true, graceMs: 2_000, maxOthersPct: s.maxOthersPct, retries: 1, label, retryUntil: ctx.retryUntil });
    const rssWith = await settledRss(server);
    if (kind === "warroom" && ctx.frameFile === null) {
      if (!fleet.sample) throw new Error("no board tick captured from War Room");
      ctx.frameFile = path.join(ctx.tmp, "board-tick.json");
      writeFileSync(ctx.frameFile, fleet.sample);
    }
    return {
      system: kind === "warroom" ? "War Room" : "Socket.IO",
      client: kind === "warroom" ? "ws" : s.sioClient === "raw" ? "ws (raw Engine.IO)" : "socket.io-client",
      clients: n,
      connected: c.ready,
      failed: c.failed,
      connectMs: c.ms,
      connectErrors: c.errors,
      frameBytes: kind === "warroom" ? Buffer.byteLength(readFileSync(ctx.frameFile!, "utf8")) : socketIoFrameBytes(ctx.frameFile!),
      serverRssBeforeKiB: rssBefore,
      serverRssWithKiB: rssWith,
      rssPerClientKiB: rssPerClientKiB(rssBefore, rssWith, c.ready),
      ...m,
      serverWarnings: server.proc.log.filter((l) => /"level":(40|50|60)/.test(l)).slice(-5),
    };
  } finally {
    await fleet.close();
    await stop(server.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** VmRSS after a forced full GC (median of three readings), so garbage does not count. */
async function settledRss(server: ServerHandle): Promise<number> {
  if (!(await collectGarbage(server.proc))) console.log("  (could not force a GC in the server; RSS includes garbage)");
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) {
    await sleep(300);
    xs.push(rssKiB(server.proc.pid));
  }
  return xs.sort((a, b) => a - b)[1];
}

function socketIoFrameBytes(frameFile: string): number {
  // Socket.IO sends `42["board",{…}]`: the same envelope plus its packet prefix and event name.
  return Buffer.byteLength(`42["board",${JSON.stringify(JSON.parse(readFileSync(frameFile, "utf8")))}]`);
}

function logRun(r: RunResult, s: Settings): void {
  const w: WindowSummary = r.summary;
  console.log(
    `  connected ${r.connected}/${r.clients} in ${fmt(r.connectMs / 1000, 1)} s; ${w.published}/${s.windowS} ticks published, ${fmt(w.deliveredPerSec)} frames/s, p50 ${w.p50} p99 ${w.p99} max ${w.max} ms, lost ${w.lost}, ` +
      `RSS after GC ${fmt(r.serverRssBeforeKiB / 1024)} → ${fmt(r.serverRssWithKiB / 1024)} MiB (${fmt(r.rssPerClientKiB, 1)} KiB/viewer), ` +
      `CPU % server ${fmt(r.serverCpuPct)} (idle ${fmt(r.serverIdleCpuPct)}) / clients ${fmt(r.clientCpuPct)} / others ${fmt(r.otherCpuPct)}`,
  );
  for (const e of r.connectErrors.slice(0, 5)) console.log(`  connect error: ${e}`);
  for (const l of r.serverWarnings) console.log(`  server log: ${l.slice(0, 200)}`);
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const began = Date.now();
  const nofile = openFilesLimit();
  const cpus = os.cpus();
  console.log(`ws fan-out bench: ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, Node ${process.version}, ulimit -n ${nofile}, ${s.workers} client workers, ${s.windowS} s window`);
  const hardStop = setTimeout(() => {
    console.error(`bench exceeded --max-seconds ${s.maxSeconds}; killing children`);
    cleanUp();
    process.exit(1);
  }, s.maxSeconds * 1000);
  hardStop.unref();

  tmpDir = mkdtempSync(path.join(os.tmpdir(), "ws-fanout-"));
  const ctx: Ctx = { tmp: tmpDir, frameFile: null, retryUntil: began + s.budgetS * 400 };
  const runs: RunResult[] = [];
  const sat: SatResult[] = [];
  const skipped: string[] = [];
  // The server holds one descriptor per viewer (each worker only n / workers).
  const fits = (n: number) => n + 256 <= nofile;
  try {
    for (const n of s.clients) {
      if (!fits(n)) {
        skipped.push(`${n} viewers: ulimit -n ${nofile} is too low for the server (needs ≥ ${n + 256})`);
        console.log(`\nskipping ${skipped.at(-1)}`);
        continue;
      }
      for (const kind of ["warroom", "socketio"] as const) {
        console.log(`\n${kind === "warroom" ? "War Room" : "Socket.IO"} × ${n} viewers, 1 frame/s…`);
        const r = await fanoutRun(kind, n, s, ctx);
        runs.push(r);
        logRun(r, s);
      }
    }
    if (s.satSystems.length && ctx.frameFile && fits(s.satClients)) {
      console.log(`\nSaturation: ${s.satClients} viewers per system, rates ${s.satRates.join(", ")}/s, ${s.satWindowS} s per step`);
      const satSettings = { systems: s.satSystems, clients: s.satClients, rates: s.satRates, windowS: s.satWindowS, workers: s.satWorkers, concurrency: s.concurrency, maxOthersPct: s.maxOthersPct, deadline: Math.max(began + s.budgetS * 1000, Date.now() + 90_000) };
      sat.push(...(await saturation(satSettings, ctx.frameFile, ctx.tmp)));
    } else if (s.satSystems.length) skipped.push("saturation: no captured board frame (run at least one --clients size) or ulimit -n too low");
  } finally {
    cleanUp();
  }

  printResults(runs, sat, s.maxOthersPct);
  const stamp = new Date().toISOString().replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const outDir = path.join(ROOT, "bench/results");
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `ws-fanout-${stamp}.json`);
  const machine = { cpus: cpus.length, model: cpus[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release(), ulimitN: nofile };
  const durationS = Math.round((Date.now() - began) / 1000);
  const command = `npm run bench:ws${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  writeFileSync(out, JSON.stringify({ bench: "ws-fanout", date: new Date().toISOString(), command, machine, settings: s, skipped, durationS, runs, saturation: sat }, null, 2) + "\n");
  console.log(`\nresults: ${path.relative(ROOT, out)} (${durationS} s)`);
}

let tmpDir: string | null = null;

/** Kills every child (servers, client workers) and removes the temp data folders. Idempotent. */
function cleanUp(): void {
  killAll();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = null;
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping children`);
    cleanUp();
    process.exit(130);
  });
}
process.on("exit", cleanUp);

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  cleanUp();
  process.exit(1);
});
