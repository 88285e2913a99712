import os from "node:os";
import { fmt, formatTable, type WindowSummary } from "./stats";

/** The §11 latency bound; also the saturation step's pass line. */
export const P99_LIMIT_MS = 50;

export type Measured = {
  summary: WindowSummary;
  /** CPU over the window in % of one core (200 % = both cores of this machine). */
  serverCpuPct: number;
  /** Share of the server's CPU spent in the kernel (socket writes and, on loopback, the TCP path). */
  serverKernelShare: number;
  /** Server CPU before any viewer connected (its own tick, timers), % of one core. */
  serverIdleCpuPct: number;
  clientCpuPct: number;
  /** Everything else on the machine: other people's processes, the kernel, this orchestrator. */
  otherCpuPct: number;
  /** (Server CPU − idle CPU) per delivered frame, µs: the server-side cost of fan-out. */
  serverUsPerFrame: number;
  /** Server system (kernel) CPU per delivered frame, µs: what one socket write costs here, loopback receive path included. */
  serverKernelUsPerFrame: number;
  /** VmRSS at the end of the window, garbage included. */
  serverRssKiB: number;
  /** Duration of the synchronous publish call (serialize + loop over sockets); bench-only servers. */
  publishMs: { p50: number; max: number; n: number } | null;
  /** Windows measured to get this one (more than 1 when other processes were busy). */
  attempts: number;
};

export type RunResult = {
  system: "War Room" | "Socket.IO";
  client: string;
  clients: number;
  connected: number;
  failed: number;
  connectMs: number;
  connectErrors: string[];
  frameBytes: number;
  /** VmRSS after a forced full GC, before any viewer connected and with all of them connected. */
  serverRssBeforeKiB: number;
  serverRssWithKiB: number;
  rssPerClientKiB: number;
  serverWarnings: string[];
} & Measured;

export type SatStep = { hz: number; pass: boolean; why: string } & Measured;

export type SatResult = {
  system: string;
  clients: number;
  connected: number;
  steps: SatStep[];
  maxDeliveredPerSec: number;
  maxPassingHz: number;
  /** The highest rate tried passed: the maximum is only a lower bound. */
  hitCeiling: boolean;
  /** The time budget ran out before this system failed a rate. */
  stoppedByBudget: boolean;
};

let busyLimit = Infinity;
/** CPU split; `*` marks a window during which other processes were busier than --max-others. */
const cost = (m: Measured) => `${fmt(m.serverUsPerFrame)} (${fmt(m.serverKernelShare * 100, 0)} %)`;
const cpu = (m: Measured) => `${fmt(m.serverCpuPct)} / ${fmt(m.clientCpuPct)} / ${fmt(m.otherCpuPct)}${m.otherCpuPct > busyLimit ? " *" : ""}`;

/** Median server µs per delivered frame over the steps that passed (or all steps when none did). */
export function serverCost(r: SatResult): number {
  const steps = r.steps.some((x) => x.pass) ? r.steps.filter((x) => x.pass) : r.steps;
  const xs = steps.map((x) => x.serverUsPerFrame).filter(Number.isFinite).sort((a, b) => a - b);
  return xs.length ? xs[Math.floor((xs.length - 1) / 2)] : NaN;
}

export function printResults(runs: RunResult[], sat: SatResult[], maxOthersPct: number): void {
  busyLimit = maxOthersPct;
  if (runs.length) {
    console.log("\nFan-out at one board frame per second (window edges are publish times)\n");
    console.log(
      formatTable(
        ["system", "client", "viewers", "connected", "ticks/s", "frames/s", "p50 ms", "p99 ms", "max ms", "lost", "RSS/viewer KiB", "srv µs/frame (kernel)", "CPU % srv / clients / others"],
        runs.map((r) => [
          r.system,
          r.client,
          r.clients,
          r.connected,
          r.summary.publishedPerSec,
          r.summary.deliveredPerSec,
          r.summary.p50,
          r.summary.p99,
          r.summary.max,
          r.summary.lost,
          r.rssPerClientKiB,
          cost(r),
          cpu(r),
        ]),
      ),
    );
    console.log("\nWar Room / Socket.IO at 1 frame/s (the frames/s ratio is 1.0 unless one side loses frames or skips ticks)");
    const cores = os.availableParallelism();
    console.log(`p99 floor: War Room's kernel µs per socket write in that window × viewers ÷ ${cores} cores (the writes alone, spread perfectly)\n`);
    const sizes = [...new Set(runs.map((r) => r.clients))];
    console.log(
      formatTable(
        ["viewers", "frames/s WR", "frames/s SIO", "ratio", "frames per srv CPU-s WR ÷ SIO", "p99 ms WR / SIO", "p99 floor ms", "kernel µs/write WR / SIO", "RSS/viewer KiB WR / SIO", "srv µs/frame WR / SIO"],
        sizes.map((n) => {
          const wr = runs.find((r) => r.clients === n && r.system === "War Room");
          const sio = runs.find((r) => r.clients === n && r.system === "Socket.IO");
          const pair = (f: (r: RunResult) => number) => `${fmt(wr ? f(wr) : NaN)} / ${fmt(sio ? f(sio) : NaN)}`;
          return [
            n,
            wr?.summary.deliveredPerSec ?? NaN,
            sio?.summary.deliveredPerSec ?? NaN,
            wr && sio ? fmt(wr.summary.deliveredPerSec / sio.summary.deliveredPerSec, 2) : "–",
            wr && sio ? fmt(sio.serverUsPerFrame / wr.serverUsPerFrame, 2) : "–",
            pair((r) => r.summary.p99),
            wr ? fmt((wr.serverKernelUsPerFrame * n) / cores / 1000, 1) : "–",
            pair((r) => r.serverKernelUsPerFrame),
            pair((r) => r.rssPerClientKiB),
            pair((r) => r.serverUsPerFrame),
          ];
        }),
      ),
    );
  }
  if (sat.length) printSaturation(sat);
  if ([...runs, ...sat.flatMap((r) => r.steps)].some((m) => m.otherCpuPct > maxOthersPct)) {
    console.log(`\n* other processes on this shared machine used more than ${maxOthersPct} % of a core during that window, even after measuring again`);
  }
}

function printSaturation(sat: SatResult[]): void {
  console.log(
    `\nSaturation: a rate passes with p99 ≤ ${P99_LIMIT_MS} ms, nothing lost or coalesced, and the server publishing ≥ 95 % of it; a system stops after two failed rates in a row\n`,
  );
  console.log(
    formatTable(
      ["system", "viewers", "rate/s", "published/s", "frames/s", "p50 ms", "p99 ms", "lost", "publish call p50 / max ms", "srv µs/frame (kernel)", "CPU % srv / clients / others", "pass"],
      sat.flatMap((r) =>
        r.steps.map((x) => [
          r.system,
          r.connected,
          x.hz,
          x.summary.publishedPerSec,
          x.summary.deliveredPerSec,
          x.summary.p50,
          x.summary.p99,
          x.summary.lost,
          x.publishMs ? `${fmt(x.publishMs.p50, 2)} / ${fmt(x.publishMs.max, 1)}` : "–",
          cost(x),
          cpu(x),
          x.pass ? "yes" : `no: ${x.why}`,
        ]),
      ),
    ),
  );
  console.log("");
  const wr = sat.find((r) => r.system === "War Room");
  for (const r of sat) {
    const bound = r.hitCeiling ? " (passed the highest rate tried: a lower bound)" : "";
    console.log(`  ${r.system}: max sustainable ${fmt(r.maxDeliveredPerSec)} frames/s (${r.maxPassingHz}/s × ${r.connected})${bound}; server ${fmt(serverCost(r), 1)} µs CPU per frame`);
  }
  for (const r of sat) {
    if (!wr || r === wr) continue;
    console.log(
      `  War Room / ${r.system}: sustainable frames/s × ${fmt(wr.maxDeliveredPerSec / r.maxDeliveredPerSec, 2)}, ` +
        `server frames per CPU-second × ${fmt(serverCost(r) / serverCost(wr), 2)}`,
    );
  }
}
