/**
 * Board bench (SPEC §11 "Board with 1,000 services"): a real server (`server.ts` over the
 * `next build` output) with an estate of N simulated services, one Chromium page on `/`.
 * Measured: time to first live data (navigation start → the banner shows a status and a tile a
 * figure), bytes transferred until then (every HTTP response's encoded size, HTML, JS, CSS, plus
 * WebSocket frames: the snapshot if one is sent), then the longest main-thread task (`longtask`
 * PerformanceObserver) and the WebSocket bytes per second while the board streams for `--seconds`.
 * The server answers one GET / before the browser opens it (Next's first render of a page loads
 * its modules: ~150 ms more TTFB on a fresh process).
 *
 * Then it waits `--settle` seconds (default 10) with the browser up, so the page opens on a server
 * that has finished starting (its first seconds derive every SLO's past and warm the JIT) and
 * not while Chromium itself is still launching on the same 2 cores.
 *
 *   npm run bench:board -- [--services 1000] [--seconds 30] [--width 1600] [--page /slos] [--settle 10]
 *
 * `--page /slos`: the SLO page instead, on the estate plus an availability SLO per service
 * (e2e/estate.ts: N + N/4 + hot SLOs); first data = the count line and a card's budget shown,
 * `wsBoardSnapshot` the `slos` snapshot. Writes bench/results/slos-<time>.json.
 * Needs `next build` first. Writes bench/results/board-<time>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { WarRoomProcess } from "../../e2e/server";
import { estateEnv, estateSlos } from "../../e2e/estate";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("--services", 1000);
const SECONDS = arg("--seconds", 30);
const WIDTH = arg("--width", 1600);
const SETTLE = arg("--settle", 10);
const PAGE = (() => {
  const i = process.argv.indexOf("--page");
  return i >= 0 ? process.argv[i + 1] : "/";
})();
const SLOS = PAGE === "/slos";
const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";

async function main() {
  const srv = new WarRoomProcess();
  const began = Date.now();
  await srv.start(estateEnv(srv.dataDir, N, { availability: SLOS }));
  const startMs = Date.now() - began;
  // One request first, as on a server that has been up: Next loads a page's modules on its first render.
  await fetch(srv.url + PAGE).then((r) => r.text());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"] });
  try {
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: 1000 } });
    await ctx.addInitScript(() => {
      const w = window as unknown as { __longtasks: { start: number; duration: number }[] };
      w.__longtasks = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    const page = await ctx.newPage();
    await new Promise((r) => setTimeout(r, SETTLE * 1000));
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    let http = 0;
    let ws = 0;
    let wsFrames = 0;
    let wsSnapshot = 0;
    const byChannel: Record<string, number> = {};
    cdp.on("Network.loadingFinished", (e) => (http += e.encodedDataLength));
    cdp.on("Network.webSocketFrameReceived", (e) => {
      const n = Buffer.byteLength(e.response.payloadData);
      ws += n;
      wsFrames++;
      if (e.response.payloadData.startsWith(`{"type":"snapshot","channel":"${SLOS ? "slos" : "board"}"`)) wsSnapshot += n;
      const ch = /"channel":"([^"]+)"/.exec(e.response.payloadData.slice(0, 80))?.[1] ?? "(none)";
      byChannel[ch] = (byChannel[ch] ?? 0) + n;
    });

    await page.goto(srv.url + PAGE, { waitUntil: "commit" });
    const seen = await page.waitForFunction(
      (slos) =>
        slos
          ? /^\d+ SLOs/.test(document.querySelector("main > header p")?.textContent ?? "") &&
            /\d/.test(document.querySelector('article[aria-label^="SLO "]')?.textContent ?? "") &&
            performance.now()
          : /HEALTHY|DEGRADED|CRITICAL/.test(document.querySelector('[data-testid="overall-status"]')?.textContent ?? "") &&
            /\d/.test(document.querySelector('[data-testid="tile-p99"]')?.textContent ?? "") &&
            performance.now(),
      SLOS,
      { timeout: 60_000, polling: "raf" },
    );
    const firstDataMs = Number(await seen.jsonValue());
    const nav = await page.evaluate(async () => {
      const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      const fcp = await new Promise<number>((resolve) => {
        new PerformanceObserver((l) => {
          const e = l.getEntries().find((x) => x.name === "first-contentful-paint");
          if (e) resolve(e.startTime);
        }).observe({ type: "paint", buffered: true });
      });
      return { ttfbMs: Math.round(n?.responseStart ?? 0), htmlDoneMs: Math.round(n?.responseEnd ?? 0), firstContentfulPaintMs: Math.round(fcp) };
    });
    const firstBytes = { http, ws };
    await page.getByRole("status", { name: "Connection" }).filter({ hasText: "LIVE" }).waitFor({ timeout: 30_000 });
    const liveMs = await page.evaluate(() => performance.now());
    const atLive = { http, ws, wsSnapshot, byChannel: { ...byChannel } };
    const tiles = await page.getByRole("article").count();
    const slosShown = SLOS ? await page.locator("main > header p").first().textContent() : undefined;

    // Streaming: from a quiet moment after load, SECONDS of ticks.
    await page.waitForTimeout(3_000);
    const from = await page.evaluate(() => performance.now());
    const ws0 = ws;
    const frames0 = wsFrames;
    await page.waitForTimeout(SECONDS * 1000);
    const tasks = await page.evaluate(() => (window as unknown as { __longtasks: { start: number; duration: number }[] }).__longtasks);
    const streaming = tasks.filter((t) => t.start >= from);
    const loadTasks = tasks.filter((t) => t.start < from);
    const result = {
      page: PAGE,
      services: N,
      ...(SLOS ? { slos: estateSlos(N, { availability: true }), countLine: slosShown } : {}),
      tiles,
      serverStartMs: startMs,
      settleSeconds: SETTLE,
      // Rendered = in the DOM and painted.
      firstLiveDataMs: Math.round(Math.max(firstDataMs, nav.firstContentfulPaintMs)),
      ...nav,
      socketLiveMs: Math.round(liveMs),
      bytesAtFirstData: firstBytes.http + firstBytes.ws,
      bytesAtLive: { http: atLive.http, ws: atLive.ws, wsBoardSnapshot: atLive.wsSnapshot, wsByChannel: atLive.byChannel, total: atLive.http + atLive.ws },
      streaming: {
        seconds: SECONDS,
        longTasks: streaming.length,
        longestTaskMs: Math.round(Math.max(0, ...streaming.map((t) => t.duration))),
        wsBytesPerSecond: Math.round((ws - ws0) / SECONDS),
        wsFrames: wsFrames - frames0,
      },
      load: { longTasks: loadTasks.length, longestTaskMs: Math.round(Math.max(0, ...loadTasks.map((t) => t.duration))) },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    const dir = path.join(import.meta.dirname, "../results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${SLOS ? "slos" : "board"}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await srv.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
