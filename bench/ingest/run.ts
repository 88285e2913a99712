/**
 * Push ingest bench (target ≥ 100,000 samples/s on one core, BENCHMARKS.md). Starts War Room as a child
 * process (API only, SQLite in a temp folder), posts batches of samples over loopback HTTP and
 * reports samples per second of wall time and per second of the SERVER's CPU time (user + system
 * from /proc/<pid>/stat), which is the "on one core" figure: Node runs the handler on one thread.
 *
 *   npm run bench:ingest -- [--samples 200000] [--batch 4000] [--services 8] [--concurrency 1]
 *
 * Every sample is new (distinct t per service), so each one is validated, stored, and applied to
 * the board, rollups and SLOs exactly as in production. Writes bench/results/ingest-<UTC>.json.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { demoConfig } from "../../lib/config/demo";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SAMPLES = arg("samples", 200_000);
const BATCH = arg("batch", 4_000);
const SERVICES = ["edge-gateway", "auth", "checkout", "payments", "catalog", "search", "recommendations", "notifications"].slice(0, arg("services", 8));
// One request at a time by default: batches sent in parallel can arrive out of order, which makes later samples "late".
const CONCURRENCY = arg("concurrency", 1);

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

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "war-room-ingest-bench-"));
  // Only push-fed services take pushes (lib/ingest/ownership.ts): the demo, every service push-fed (JSON is YAML).
  const configFile = path.join(dataDir, "config.yaml");
  writeFileSync(configFile, JSON.stringify({ ...demoConfig, source: { kind: "push" } }));
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, WAR_ROOM_CONFIG: configFile, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${base}/health/live`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("server did not start within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    // Timestamps: one per millisecond per service, just after now (the simulator already filled
    // the past, and a sample older than a service's newest point is late), inside the +5 min limit.
    const perService = Math.ceil(SAMPLES / SERVICES.length);
    if (perService > 250_000) throw new Error("at most 250,000 samples per service (timestamps must stay within 5 minutes ahead)");
    const start = Date.now() + 2_000;
    const batches: string[] = [];
    let made = 0;
    let batch: unknown[] = [];
    for (let i = 0; i < perService && made < SAMPLES; i++) {
      for (const service of SERVICES) {
        if (made >= SAMPLES) break;
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
          batches.push(JSON.stringify({ samples: batch }));
          batch = [];
        }
      }
    }
    if (batch.length) batches.push(JSON.stringify({ samples: batch }));
    const bytes = batches.reduce((a, b) => a + b.length, 0);

    const cpu0 = cpuSeconds(child.pid!);
    const t0 = process.hrtime.bigint();
    let accepted = 0;
    let next = 0;
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) {
          const body = batches[next++];
          const b0 = process.hrtime.bigint();
          const r = await fetch(`${base}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body });
          const out = (await r.json()) as { accepted?: number; error?: { message: string } };
          if (!r.ok) throw new Error(`ingest failed: ${r.status} ${out.error?.message}`);
          accepted += out.accepted ?? 0;
          latencies.push(Number(process.hrtime.bigint() - b0) / 1e6);
        }
      }),
    );
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(child.pid!) - cpu0;
    latencies.sort((a, b) => a - b);
    const result = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      params: { samples: SAMPLES, batch: BATCH, services: SERVICES.length, concurrency: CONCURRENCY, store: "sqlite" },
      accepted,
      mbSent: +(bytes / 1e6).toFixed(1),
      wallSeconds: +wall.toFixed(2),
      serverCpuSeconds: +cpu.toFixed(2),
      samplesPerSecondWall: Math.round(accepted / wall),
      samplesPerServerCpuSecond: Math.round(accepted / cpu),
      batchLatencyMs: { p50: +latencies[Math.floor(latencies.length * 0.5)].toFixed(1), p99: +latencies[Math.floor(latencies.length * 0.99)].toFixed(1) },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(`bench/results/ingest-${result.at.replace(/[:.]/g, "-").slice(0, 19)}Z.json`, JSON.stringify(result, null, 2));
    if (accepted !== SAMPLES) throw new Error(`accepted ${accepted} of ${SAMPLES}`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
