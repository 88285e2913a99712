/**
 * Scale bench (SPEC §11 "Estate size", issue #15 item 1): the real server (`server.ts --no-ui`,
 * simulator source, fresh SQLite data folder) with generated estates of 100 / 1,000 / 5,000
 * services (test/support/estate.ts: SLOs and tiered alert rules like the demo's). Per size:
 * start-up from process spawn to "War Room is live at" and to the first board snapshot over /ws,
 * the CPU time the process used for that (1-core CPU-seconds), RSS after start and after the
 * steady-state wait (after a full GC through the inspector), tick duration from /metrics
 * (`warroom_tick_duration_seconds`) and the board snapshot's size in bytes.
 *
 *   npm run bench:scale -- [--sizes 100,1000,5000] [--steady 60] [--format yaml|json] [--tsx]
 *                          [--source prometheus] [--history 60] [--scrape 5] [--cpu-prof]
 *
 * `BENCH_LOG=info` (environment) runs the measured server at that log level and prints its last
 * log lines and its tick and source metrics at the end (where a start-up's time went).
 * `--cpu-prof` writes the measured server's CPU profile (start-up and steady state) to
 * bench/results/prof/ when it stops.
 *
 * `--source prometheus` measures a server whose estate is fed by a real Prometheus (Debian's
 * /usr/bin/prometheus): a second War Room with the same estate on the simulator exports it at
 * /sim/metrics, Prometheus scrapes that every `--scrape` seconds for `--history` seconds, then the
 * measured server starts with `source: prometheus` pointing at it (its backfill and first ticks
 * query Prometheus). The feeder and Prometheus keep running on the same cores meanwhile.
 *
 * The server runs as `npm start` runs it: the prebuilt bundle (scripts/server-bundle.mjs, built
 * first when stale); `--tsx` runs server.ts through tsx instead (TypeScript compiled at start).
 *
 * Writes bench/results/scale-<time>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { estateConfig, estateConfigObject } from "../../test/support/estate";
import { hasPrometheus, PROMETHEUS_BIN, startPrometheus, waitFor, type ManagedServer } from "../../test/support/prometheus";
import { inspectorUrl } from "./inspect";
import { collectGarbage, cpuMs, freePort, killAll, ROOT, rssKiB, sleep, spawnNode, spawnTs, stop, type Managed } from "../ws-fanout/procs";
import { ensureServerBundle } from "../../scripts/server-bundle.mjs";

type Settings = { sizes: number[]; steadyS: number; format: "yaml" | "json"; tsx: boolean; bundle: string; source: "simulator" | "prometheus"; historyS: number; scrapeS: number; cpuProf: boolean };

function parseArgs(argv: string[]): Settings {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    sizes: (get("--sizes") ?? "100,1000,5000").split(",").map(Number),
    steadyS: Number(get("--steady") ?? 60),
    format: get("--format") === "json" ? "json" : "yaml",
    tsx: argv.includes("--tsx"),
    bundle: "",
    source: get("--source") === "prometheus" ? "prometheus" : "simulator",
    historyS: Number(get("--history") ?? 60),
    scrapeS: Number(get("--scrape") ?? 5),
    cpuProf: argv.includes("--cpu-prof"),
  };
}

type Result = {
  services: number;
  source: "simulator" | "prometheus";
  /** Prometheus only: series Prometheus held when the measured server started. */
  promSeries?: number;
  liveMs: number;
  snapshotMs: number;
  startCpuS: number;
  snapshotBytes: number;
  snapshotServices: number;
  rssStartMiB: number;
  rssSteadyMiB: number;
  rssPerServiceKiB: number;
  /** V8 heap in use plus ArrayBuffers (the typed-array rings) after a full GC, at the end. */
  liveMiB: number | null;
  livePerServiceKiB: number | null;
  tick: { count: number; meanMs: number; p99Ms: number | null };
  /** Lines the server logged about a failed backfill (history or SLO counts): a start-up that skipped its history is not a fast one. */
  backfillFailures: number;
};

/** Resolves when the child has printed `text` (stdout or stderr), with the local time it did. */
function whenPrinted(p: Managed, text: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${p.name}: no "${text}" within ${timeoutMs} ms:\n${p.log.slice(-20).join("\n")}`)), timeoutMs);
    const on = (chunk: Buffer) => {
      if (!chunk.toString().includes(text)) return;
      clearTimeout(timer);
      p.child.stdout?.off("data", on);
      resolve(performance.now());
    };
    p.child.stdout?.on("data", on);
    void p.exited.then((code) => reject(new Error(`${p.name} exited with ${code}:\n${p.log.slice(-20).join("\n")}`)));
  });
}

/** The first board snapshot over /ws: its size in bytes and service count. */
function firstBoardSnapshot(port: number, timeoutMs: number): Promise<{ at: number; bytes: number; services: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("no board snapshot in time"));
    }, timeoutMs);
    ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe", channel: "board" })));
    ws.on("message", (raw: Buffer) => {
      const at = performance.now();
      const m = JSON.parse(raw.toString()) as { type: string; channel?: string; data?: { services: unknown[] } };
      if (m.type !== "snapshot" || m.channel !== "board") return;
      clearTimeout(timer);
      ws.close();
      resolve({ at, bytes: raw.length, services: m.data?.services.length ?? 0 });
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** process.memoryUsage() of the child, through its inspector. */
async function memoryUsage(p: Managed): Promise<{ heapUsed: number; arrayBuffers: number } | null> {
  const url = inspectorUrl(p.log);
  if (!url) return null;
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(null);
    }, 10_000);
    ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true } })));
    ws.on("message", (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: { result?: { value?: string } } };
      if (m.id !== 1) return;
      clearTimeout(timer);
      ws.terminate();
      const v = m.result?.result?.value;
      resolve(v ? (JSON.parse(v) as { heapUsed: number; arrayBuffers: number }) : null);
    });
    ws.on("error", () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/** Mean and p99 (upper bucket bound) of a Prometheus histogram in /metrics text. */
function histogram(text: string, name: string): { count: number; meanMs: number; p99Ms: number | null } {
  const num = (suffix: string) => Number(new RegExp(`^${name}_${suffix} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  const count = num("count");
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, "gm"))].map((m) => ({ le: Number(m[1]), n: Number(m[2]) }));
  const p99 = buckets.find((b) => b.n >= count * 0.99);
  return { count, meanMs: (num("sum") / count) * 1000, p99Ms: p99 && Number.isFinite(p99.le) ? p99.le * 1000 : null };
}

/** The server's environment: its own port, config and fresh data folder, the embedded store. */
function serverEnv(port: number, configFile: string, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_CONFIG: configFile, WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: process.env.BENCH_LOG ?? "warn", NODE_ENV: "production" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}

/** What `npm start` runs (the prebuilt bundle), or with --tsx the TypeScript compiled at start. */
function spawnServer(name: string, env: NodeJS.ProcessEnv, s: Settings, nodeArgs: string[]): Managed {
  return s.tsx ? spawnTs(name, "server.ts", ["--no-ui"], env, nodeArgs) : spawnNode(name, s.bundle, ["--no-ui"], env, [...nodeArgs, "--enable-source-maps"]);
}

/** Prometheus mode: a simulator War Room exporting the estate, scraped by a real Prometheus for `historyS`. Returns the source settings and a stop. */
async function prometheusFeed(n: number, s: Settings, dir: string): Promise<{ url: string; series: number; stop: () => Promise<void> }> {
  if (!hasPrometheus()) throw new Error(`--source prometheus needs ${PROMETHEUS_BIN} (apt-get install prometheus)`);
  const feederConfig = path.join(dir, `feeder.${s.format}`);
  writeFileSync(feederConfig, estateConfig(n, { format: s.format }));
  const feederPort = await freePort();
  const feeder = spawnServer(`feeder-${n}`, serverEnv(feederPort, feederConfig, path.join(dir, "feeder-data")), s, []);
  let prom: ManagedServer | null = null;
  const stopAll = async () => {
    await prom?.dispose();
    await stop(feeder);
  };
  try {
    await whenPrinted(feeder, "War Room is live at", 180_000);
    prom = await startPrometheus({ scrapeUrls: [`http://127.0.0.1:${feederPort}/sim/metrics`], scrapeIntervalSeconds: s.scrapeS, readyTimeoutMs: 60_000 });
    const base = prom.url;
    // History to backfill from: wait until Prometheus has scraped the whole estate, then for --history seconds.
    const series = async () => {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent("count(count by (service) (http_requests_total))")}`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
      const body = r && r.ok ? ((await r.json()) as { data?: { result?: { value?: [number, string] }[] } }) : null;
      return Number(body?.data?.result?.[0]?.value?.[1] ?? 0);
    };
    await waitFor(`Prometheus to see all ${n} services`, async () => (await series()) >= n, 180_000, 1000);
    await sleep(s.historyS * 1000);
    const head = await fetch(`${base}/api/v1/status/tsdb`, { signal: AbortSignal.timeout(10_000) });
    const tsdb = (await head.json()) as { data?: { headStats?: { numSeries?: number } } };
    return { url: base, series: tsdb.data?.headStats?.numSeries ?? 0, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function runSize(n: number, s: Settings): Promise<Result> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "war-room-bench-scale-"));
  let feed: Awaited<ReturnType<typeof prometheusFeed>> | null = null;
  try {
    if (s.source === "prometheus") feed = await prometheusFeed(n, s, dir);
    // The Prometheus-fed estate is the same one with its source changed (written as JSON, which the config loader reads as YAML).
    const configFile = path.join(dir, feed ? "estate.json" : `estate.${s.format}`);
    const source = feed ? { kind: "prometheus", url: feed.url, rateWindow: `${Math.max(10, 2 * s.scrapeS)}s`, scrapeInterval: `${s.scrapeS}s` } : null;
    writeFileSync(configFile, source ? JSON.stringify({ ...estateConfigObject(n), source }) : estateConfig(n, { format: s.format }));
    const port = await freePort();
    const env = serverEnv(port, configFile, path.join(dir, "data"));
    const began = performance.now();
    const prof = s.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.join(ROOT, "bench/results/prof")}`] : [];
    const p = spawnServer(`war-room-${n}`, env, s, ["--inspect=127.0.0.1:0", ...prof]);
    try {
      const liveAt = await whenPrinted(p, "War Room is live at", 180_000);
      const startCpuS = cpuMs(p.pid) / 1000;
      const snap = await firstBoardSnapshot(port, 60_000);
      await collectGarbage(p);
      const rssStart = rssKiB(p.pid);
      await sleep(s.steadyS * 1000);
      await collectGarbage(p);
      const rssSteady = rssKiB(p.pid);
      const mem = await memoryUsage(p);
      const live = mem ? mem.heapUsed + mem.arrayBuffers : null;
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      if (process.env.BENCH_LOG) process.stderr.write(`SERVERLOG\n${p.log.join("\n")}\n${metrics.split("\n").filter((l) => /tick|source/.test(l) && !l.startsWith("#")).join("\n")}\n`);
      return {
        services: n,
        source: s.source,
        ...(feed ? { promSeries: feed.series } : {}),
        liveMs: Math.round(liveAt - began),
        snapshotMs: Math.round(snap.at - began),
        startCpuS: Math.round(startCpuS * 100) / 100,
        snapshotBytes: snap.bytes,
        snapshotServices: snap.services,
        rssStartMiB: Math.round(rssStart / 102.4) / 10,
        rssSteadyMiB: Math.round(rssSteady / 102.4) / 10,
        rssPerServiceKiB: Math.round(rssSteady / n),
        liveMiB: live === null ? null : Math.round(live / 104857.6) / 10,
        livePerServiceKiB: live === null ? null : Math.round(live / 1024 / n),
        tick: histogram(metrics, "warroom_tick_duration_seconds"),
        backfillFailures: p.log.filter((l) => /backfill[^"]*failed/i.test(l)).length,
      };
    } finally {
      await stop(p);
    }
  } finally {
    await feed?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  if (!s.tsx) s.bundle = await ensureServerBundle(ROOT);
  const results: Result[] = [];
  for (const n of s.sizes) {
    const r = await runSize(n, s);
    results.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  process.stdout.write(`\nsource: ${s.source}${s.source === "prometheus" ? ` (${s.historyS} s of ${s.scrapeS}-s scrapes in Prometheus)` : ""}\n`);
  process.stdout.write("\n| services | spawn → live | spawn → board snapshot | start-up CPU (1 core) | RSS after start | RSS steady | per service | heap + buffers (per service) | tick mean / p99 | board snapshot | backfill failures logged |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const r of results) {
    const p99 = r.tick.p99Ms === null ? "—" : `≤ ${r.tick.p99Ms} ms`;
    process.stdout.write(`| ${r.services.toLocaleString("en")} | ${(r.liveMs / 1000).toFixed(2)} s | ${(r.snapshotMs / 1000).toFixed(2)} s | ${r.startCpuS.toFixed(2)} s | ${r.rssStartMiB} MiB | ${r.rssSteadyMiB} MiB | ${r.rssPerServiceKiB} KiB | ${r.liveMiB ?? "—"} MiB (${r.livePerServiceKiB ?? "—"} KiB) | ${r.tick.meanMs.toFixed(1)} ms / ${p99} | ${(r.snapshotBytes / 1024).toFixed(0)} KiB | ${r.backfillFailures} |\n`);
  }
  const out = path.join(ROOT, "bench/results");
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `scale-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ settings: s, cpus: os.cpus().length, loadavg: os.loadavg(), results }, null, 2));
  process.stdout.write(`\nwrote ${path.relative(ROOT, file)}\n`);
}

process.on("SIGINT", () => {
  killAll();
  process.exit(130);
});
main().catch((err: unknown) => {
  killAll();
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
