/**
 * Browser bench: main-thread long tasks (> 50 ms, the `longtask` PerformanceObserver entry)
 * while the service page (live 15m) and the incident page stream their charts, in the same
 * Debian Chromium and launch flags as playwright.config.ts, against the real built server
 * (`server.ts` over `next build`, as e2e/server.ts starts it). Before the pages open, a drill
 * starts on checkout and an incident is declared for checkout and payments, so both pages
 * carry drill areas, incident markers and threshold lines.
 *
 *   npx next build && npm run bench:browser -- [--seconds 30] [--app DIR] [--runs 1]
 *
 * `--app DIR` runs the server of another checkout (e.g. main's build, for a before/after).
 * Per page: "load" is navigation until every chart has data plus 2 s; "stream" the next
 * `--seconds`; "hover" the same again with the pointer sweeping over the first chart
 * (tooltip). Reported: long tasks, the longest, total blocking time (Σ duration − 50 ms) and
 * the share of wall time inside long tasks. `--why` prints the long animation frames with
 * the scripts that ran in them. Writes bench/results/browser-<time>.json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { freePort } from "../ws-fanout/procs";

const ROOT = path.resolve(import.meta.dirname, "../..");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(arg("--seconds") ?? 30);
const RUNS = Number(arg("--runs") ?? 1);
const APP = path.resolve(arg("--app") ?? ROOT);

type Server = { url: string; child: ChildProcess; dataDir: string };

async function startServer(): Promise<Server> {
  if (!existsSync(path.join(APP, ".next", "BUILD_ID"))) throw new Error(`no build in ${APP}: run \`npx next build\` there first`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "war-room-bench-browser-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, NODE_ENV: "production", LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: APP, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes("War Room is live at")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, dataDir };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const exited = new Promise((r) => s.child.once("exit", r));
    s.child.kill("SIGKILL");
    await exited;
  }
  rmSync(s.dataDir, { recursive: true, force: true });
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (r.status !== 201) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

type LongTask = { start: number; duration: number };
type Phase = { ms: number; count: number; longestMs: number; totalBlockingMs: number; blockedPct: number };

function phase(tasks: LongTask[], from: number, to: number): Phase {
  const inside = tasks.filter((t) => t.start >= from && t.start < to);
  const sum = inside.reduce((a, t) => a + t.duration, 0);
  return {
    ms: Math.round(to - from),
    count: inside.length,
    longestMs: Math.round(Math.max(0, ...inside.map((t) => t.duration))),
    totalBlockingMs: Math.round(inside.reduce((a, t) => a + Math.max(0, t.duration - 50), 0)),
    blockedPct: +((100 * sum) / Math.max(1, to - from)).toFixed(1),
  };
}

// Runs in the page before any of its scripts: every long task since navigation start.
const OBSERVE = `
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  // Long animation frames say which scripts ran in them: the attribution of a long task.
  window.__frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.__frames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
        scripts: e.scripts.map((s) => ({ invoker: s.invoker, source: (s.sourceURL || "").split("/").pop() + ":" + s.sourceFunctionName, ms: Math.round(s.duration) })).filter((s) => s.ms >= 5) });
  }).observe({ type: "long-animation-frame", buffered: true });
`;

const pageNow = (page: Page) => page.evaluate(() => performance.now());
const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { __longtasks: LongTask[] }).__longtasks);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(browser: Browser, url: string, charts: number): Promise<Record<string, Phase>> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await ctx.addInitScript(OBSERVE);
  await ctx.addInitScript(() => window.localStorage.setItem("war-room:display-name", "Bench"));
  const page = await ctx.newPage();
  await page.goto(url);
  // Every chart has drawn data: its title and at least one point (SVG path or canvas summary).
  const figures = page.getByRole("figure");
  await figures.nth(charts - 1).waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    (n) => [...document.querySelectorAll("figure")].filter((f) => f.querySelector(".recharts-line-curve, canvas[data-points]:not([data-points='0'])")).length >= n,
    charts,
    { timeout: 60_000 },
  );
  await sleep(2_000);
  const loadEnd = await pageNow(page);
  await sleep(SECONDS * 1000);
  const streamEnd = await pageNow(page);
  // Hover: the pointer sweeps over the first chart, back and forth, 10 moves per second.
  const box = (await figures.first().boundingBox())!;
  const until = Date.now() + SECONDS * 1000;
  for (let i = 0; Date.now() < until; i++) {
    const f = (i % 40) / 40;
    await page.mouse.move(box.x + box.width * (0.1 + 0.8 * (i % 80 < 40 ? f : 1 - f)), box.y + box.height * 0.6);
    await sleep(100);
  }
  const hoverEnd = await pageNow(page);
  const tasks = await longTasks(page);
  const frames = await page.evaluate(() => (window as unknown as { __frames: { duration: number; blocking: number }[] }).__frames);
  if (process.argv.includes("--why")) {
    for (const f of frames.filter((x) => x.blocking > 0)) process.stdout.write(`  frame ${JSON.stringify(f)}\n`);
  }
  await ctx.close();
  return { load: phase(tasks, 0, loadEnd), stream: phase(tasks, loadEnd, streamEnd), hover: phase(tasks, streamEnd, hoverEnd) };
}

async function main() {
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: existsSync(executablePath) ? executablePath : undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  const results: Record<string, Record<string, Phase>[]> = { service: [], incident: [] };
  try {
    await post(`${server.url}/api/v1/drills`, { kind: "errors", target: "checkout", durationSeconds: 3600, magnitude: 30 });
    const { incident } = (await post(`${server.url}/api/v1/incidents`, { title: "Bench: checkout errors", severity: "SEV2", services: ["checkout", "payments"], drill: true })) as { incident: { id: string } };
    // Let a few ticks and the drill reach the live series.
    await sleep(3_000);
    for (let r = 0; r < RUNS; r++) {
      results.service.push(await measure(browser, `${server.url}/services/checkout?range=15m`, 4));
      results.incident.push(await measure(browser, `${server.url}/incidents/${incident.id}`, 8));
    }
  } finally {
    await browser.close();
    await stopServer(server);
  }
  const report = { at: new Date().toISOString(), app: APP, seconds: SECONDS, cpus: os.cpus().length, loadavg: os.loadavg(), results };
  for (const [name, runs] of Object.entries(results))
    for (const run of runs)
      for (const [ph, p] of Object.entries(run))
        process.stdout.write(`${name.padEnd(8)} ${ph.padEnd(6)} ${String(p.ms).padStart(6)} ms  long tasks ${String(p.count).padStart(3)}  longest ${String(p.longestMs).padStart(4)} ms  TBT ${String(p.totalBlockingMs).padStart(5)} ms  blocked ${p.blockedPct} %\n`);
  const dir = path.join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `browser-${report.at.replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  process.stdout.write(`wrote ${path.relative(ROOT, file)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
