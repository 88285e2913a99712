import type { ClientFleet } from "./fleet";
import { cpuSplitMs, machineBusyMs, rssKiB, sleep, sleepUntil } from "./procs";
import type { Measured } from "./report";
import type { ServerHandle } from "./servers";
import { fmt, quantile, summarizeWindow } from "./stats";

/** Server CPU while nobody is connected (its own tick, timers), in % of one core. */
export async function idleCpuPct(server: ServerHandle, ms: number): Promise<number> {
  return (await idleCpu(server, ms)).pct;
}

/** Idle CPU, total and its kernel part, in % of one core. */
export async function idleCpu(server: ServerHandle, ms: number): Promise<{ pct: number; systemPct: number }> {
  const a = cpuSplitMs(server.proc.pid);
  await sleep(ms);
  const b = cpuSplitMs(server.proc.pid);
  return { pct: ((b.user + b.system - a.user - a.system) / ms) * 100, systemPct: ((b.system - a.system) / ms) * 100 };
}

/** `idleSystemPct`: the kernel part of `idlePct`, subtracted from the kernel cost per frame. */
export type WindowOptions = { windowS: number; idlePct: number; idleSystemPct?: number; alignToSecond: boolean; graceMs: number };

/** One measurement window on connected viewers. The window's edges are publish times. */
export async function measureWindow(fleet: ClientFleet, server: ServerHandle, connected: number, o: WindowOptions): Promise<Measured> {
  const now = Date.now();
  // At 1 Hz publishes happen just after whole seconds; starting mid-second makes the window hold exactly windowS of them.
  const t0 = o.alignToSecond ? Math.ceil((now + 1_000) / 1000) * 1000 + 500 : now + 500;
  const t1 = t0 + o.windowS * 1000;
  fleet.window(t0, t1);
  await sleepUntil(t0);
  const split0 = cpuSplitMs(server.proc.pid);
  const busy0 = machineBusyMs();
  await sleepUntil(t1);
  const split1 = cpuSplitMs(server.proc.pid);
  const busy1 = machineBusyMs();
  const cpu0 = split0.user + split0.system;
  const cpu1 = split1.user + split1.system;
  const serverRssKiB = rssKiB(server.proc.pid);
  await sleep(o.graceMs);
  const ms = t1 - t0;
  const summary = summarizeWindow(await fleet.report(), connected, ms);
  const publishMs = await server.publishDurations(t0, t1);
  const serverCpuPct = ((cpu1 - cpu0) / ms) * 100;
  const clientCpuPct = (summary.clientCpuMs / ms) * 100;
  const fanoutCpuMs = Math.max(0, cpu1 - cpu0 - (o.idlePct / 100) * ms);
  return {
    summary,
    serverCpuPct,
    serverKernelShare: cpu1 > cpu0 ? (split1.system - split0.system) / (cpu1 - cpu0) : NaN,
    serverIdleCpuPct: o.idlePct,
    clientCpuPct,
    otherCpuPct: Math.max(0, ((busy1 - busy0) / ms) * 100 - serverCpuPct - clientCpuPct),
    serverUsPerFrame: summary.delivered > 0 ? (fanoutCpuMs * 1000) / summary.delivered : NaN,
    serverKernelUsPerFrame: summary.delivered > 0 ? (Math.max(0, split1.system - split0.system - ((o.idleSystemPct ?? 0) / 100) * ms) * 1000) / summary.delivered : NaN,
    serverRssKiB,
    publishMs: publishMs && publishMs.length ? { p50: quantile(publishMs, 0.5), max: Math.max(...publishMs), n: publishMs.length } : null,
    attempts: 1,
  };
}

/**
 * The machine is shared: when other processes used more than `maxOthersPct` of a core during
 * the window, measure again (at most `retries` times) and keep the least disturbed attempt.
 */
export async function measureQuietly(
  fleet: ClientFleet,
  server: ServerHandle,
  connected: number,
  o: WindowOptions & { maxOthersPct: number; retries: number; label: string; retryUntil: number },
): Promise<Measured> {
  let best: Measured | null = null;
  for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
    const m = await measureWindow(fleet, server, connected, o);
    if (!best || m.otherCpuPct < best.otherCpuPct) best = { ...m, attempts: attempt };
    else best.attempts = attempt;
    if (m.otherCpuPct <= o.maxOthersPct || attempt > o.retries) break;
    if (Date.now() > o.retryUntil) {
      console.log(`  ${o.label}: other processes used ${fmt(m.otherCpuPct)} % CPU during the window; no time left to measure again`);
      break;
    }
    console.log(`  ${o.label}: other processes used ${fmt(m.otherCpuPct)} % CPU during the window; measuring again`);
  }
  return best!;
}
