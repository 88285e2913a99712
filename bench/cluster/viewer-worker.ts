/**
 * One client process of the cluster bench (forked by run.ts): board viewers through the balancer,
 * each the same reconnecting protocol client the failover test uses (test/support/live-viewer.ts),
 * each from a loopback source address shared by `perAddress` viewers. Measures, over a window it
 * is given, the time between ticks at each viewer, missed frames, and publish → receive latency.
 */
import { LiveViewer, type Frame } from "../../test/support/live-viewer";
import { loopbackAddress } from "../../test/support/cluster";
import { LatencyHistogram } from "../ws-fanout/stats";
import type { ViewerCommand, ViewerEvent, WindowReport } from "./ipc";

type Track = { viewer: LiveViewer; seq: number | null; prevAt: number | null; ticksInWindow: number; subscribed: boolean; firstAfterMark: number | null };

const send = (e: ViewerEvent) => process.send?.(e);
const tracks: Track[] = [];
let win: { t0: number; t1: number } | null = null;
let intervals = new LatencyHistogram();
let latency = new LatencyHistogram();
let missed = 0;
let ticks = 0;
let mark: number | null = null;
let cpuAtStart: NodeJS.CpuUsage | null = null;

const inWindow = (at: number) => win !== null && at >= win.t0 && at < win.t1;

function onFrame(tr: Track, f: Frame, at: number): void {
  if (f.channel !== "board") return;
  if (f.type === "snapshot") {
    // A snapshot after the first one: a reconnect, or the server's catch-up for a slow viewer; frames were skipped.
    if (tr.subscribed && inWindow(at)) missed++;
    tr.subscribed = true;
    tr.seq = f.seq ?? null;
    return;
  }
  if (f.type !== "event" || f.event !== "tick") return;
  const seq = f.seq!;
  if (inWindow(at)) {
    ticks++;
    tr.ticksInWindow++;
    latency.record(at - f.time!);
    if (tr.seq !== null && seq > tr.seq + 1) missed += seq - tr.seq - 1;
    if (tr.prevAt !== null) intervals.record(at - tr.prevAt);
  }
  tr.seq = seq;
  tr.prevAt = at;
  const t = (f.data as { t: number }).t;
  if (mark !== null && tr.firstAfterMark === null && t > mark) tr.firstAfterMark = at;
}

async function add(url: string, count: number, firstIndex: number, perAddress: number, concurrency: number): Promise<void> {
  const before = tracks.length;
  for (let k = 0; k < count; k++) {
    const tr: Track = { viewer: null as unknown as LiveViewer, seq: null, prevAt: null, ticksInWindow: 0, subscribed: false, firstAfterMark: null };
    tr.viewer = new LiveViewer({ url, channels: ["board"], keepTicks: false, localAddress: loopbackAddress(Math.floor((firstIndex + k) / perAddress)), onFrame: (f, at) => onFrame(tr, f, at) });
    tracks.push(tr);
    // Bounded connection bursts: wait while `concurrency` handshakes are pending.
    while (tracks.slice(before).filter((t) => !t.subscribed && t.viewer.connectErrors.size === 0).length >= concurrency) await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 60_000;
  const added = tracks.slice(before);
  while (Date.now() < deadline && added.some((t) => !t.subscribed)) await new Promise((r) => setTimeout(r, 50));
  const errors = new Map<string, number>();
  for (const t of added) for (const [e, n] of t.viewer.connectErrors) errors.set(e, (errors.get(e) ?? 0) + n);
  send({ ev: "added", ready: added.filter((t) => t.subscribed).length, failed: added.filter((t) => !t.subscribed).length, errors: [...errors].map(([e, n]) => `${n}× ${e}`) });
}

function report(): WindowReport {
  const t1 = win!.t1;
  const seconds = (win!.t1 - win!.t0) / 1000;
  let starved = 0;
  for (const tr of tracks) {
    // The silence from the last tick to the end of the window counts when it is longer than a tick.
    if (tr.prevAt !== null && t1 - tr.prevAt > 1000) intervals.record(t1 - tr.prevAt);
    if (tr.ticksInWindow < seconds - 1) starved++;
  }
  const cpu = cpuAtStart ? process.cpuUsage(cpuAtStart) : { user: 0, system: 0 };
  return {
    viewers: tracks.length,
    connected: tracks.filter((t) => t.subscribed && t.viewer.connected).length,
    ticks,
    missed,
    starved,
    intervals: intervals.toJSON(),
    latency: latency.toJSON(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on("message", (m: ViewerCommand) => {
  switch (m.cmd) {
    case "add":
      void add(m.url, m.count, m.firstIndex, m.perAddress, m.concurrency);
      break;
    case "window": {
      win = { t0: m.t0, t1: m.t1 };
      intervals = new LatencyHistogram();
      latency = new LatencyHistogram();
      missed = 0;
      ticks = 0;
      for (const tr of tracks) tr.ticksInWindow = 0;
      setTimeout(() => (cpuAtStart = process.cpuUsage()), Math.max(0, m.t0 - Date.now()));
      setTimeout(() => send({ ev: "window", report: report() }), Math.max(0, m.t1 - Date.now()) + 300);
      break;
    }
    case "mark":
      mark = m.t;
      for (const tr of tracks) tr.firstAfterMark = null;
      break;
    case "marked":
      send({ ev: "marked", ms: tracks.map((t) => (t.firstAfterMark === null ? null : t.firstAfterMark - mark!)) });
      break;
    case "close":
      for (const t of tracks) t.viewer.stop();
      send({ ev: "closed" });
      setTimeout(() => process.exit(0), 100);
      break;
  }
});
