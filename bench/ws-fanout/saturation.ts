import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { ClientFleet } from "./fleet";
import type { ClientKind, SocketIoClient } from "./ipc";
import { idleCpuPct, measureQuietly } from "./measure";
import { stop } from "./procs";
import { P99_LIMIT_MS, type SatResult, type SatStep } from "./report";
import { startPublisher, type ServerHandle } from "./servers";
import { fmt } from "./stats";

export type SatSystem = "warroom" | "socketio" | "socketio-raw";

export type SatSettings = {
  systems: SatSystem[];
  clients: number;
  rates: number[];
  windowS: number;
  workers: number;
  concurrency: number;
  maxOthersPct: number;
  /** Soft deadline (epoch ms): no retries and no higher rate after it. */
  deadline: number;
};

type Contender = {
  system: SatSystem;
  label: string;
  server: ServerHandle;
  fleet: ClientFleet;
  dataDir: string;
  connected: number;
  idlePct: number;
  steps: SatStep[];
  done: boolean;
  stoppedByBudget?: boolean;
};

const LABELS: Record<SatSystem, string> = { warroom: "War Room", socketio: "Socket.IO", "socketio-raw": "Socket.IO (raw client)" };

/**
 * Raises the publish rate step by step. A step passes with p99 ≤ 50 ms, no lost frame, no
 * coalesced resync, no dropped viewer, and the server publishing ≥ 95 % of the rate. All
 * systems stay connected for the whole phase and take turns at each rate (only one publishes
 * at a time), so a burst of load from other processes on this shared machine does not land on
 * one system only. One failed step can be such a burst: a system stops after two failures in
 * a row, and its maximum is the highest rate that passed.
 */
export async function saturation(s: SatSettings, frameFile: string, tmp: string): Promise<SatResult[]> {
  const all: Contender[] = [];
  let turn = 0;
  try {
    for (const system of s.systems) {
      const kind: ClientKind = system === "warroom" ? "warroom" : "socketio";
      const sioClient: SocketIoClient = system === "socketio-raw" ? "raw" : "lib";
      const dataDir = mkdtempSync(path.join(tmp, `${system}-fast-`));
      const server = await startPublisher(kind, frameFile, dataDir, 0);
      const fleet = new ClientFleet(Math.min(s.workers, s.clients));
      const c: Contender = { system, label: LABELS[system], server, fleet, dataDir, connected: 0, idlePct: 0, steps: [], done: false };
      all.push(c);
      c.idlePct = await idleCpuPct(server, 1_000);
      c.connected = (await fleet.connect(kind, sioClient, server.connectUrl, s.clients, s.concurrency, false)).ready;
    }
    for (const hz of s.rates) {
      // Rotate who goes first at each rate, so no system always runs right after another.
      const order = all.map((_, i) => all[(i + turn) % all.length]);
      turn++;
      for (const c of order.filter((x) => !x.done)) {
        c.server.setRate(hz);
        await new Promise((r) => setTimeout(r, 1_000));
        const m = await measureQuietly(c.fleet, c.server, c.connected, {
          windowS: s.windowS,
          idlePct: c.idlePct,
          alignToSecond: false,
          graceMs: 1_000,
          maxOthersPct: s.maxOthersPct,
          retries: 1,
          retryUntil: s.deadline,
          label: `${c.label} @ ${hz}/s`,
        });
        c.server.setRate(0);
        const w = m.summary;
        const why = [
          w.p99 > P99_LIMIT_MS ? `p99 ${w.p99} ms > ${P99_LIMIT_MS}` : "",
          w.lost > 0 ? `${w.lost} lost` : "",
          w.resyncs > 0 ? `${w.resyncs} coalesced resyncs` : "",
          w.publishedPerSec < hz * 0.95 ? `published ${fmt(w.publishedPerSec)}/s of ${hz}` : "",
          w.open < c.connected ? `${c.connected - w.open} viewers dropped` : "",
        ].filter(Boolean);
        c.steps.push({ hz, pass: why.length === 0, why: why.join("; "), ...m });
        const last = c.steps.at(-2);
        c.done = why.length > 0 && last !== undefined && !last.pass;
        console.log(
          `  ${c.label} @ ${hz}/s × ${c.connected}: ${fmt(w.deliveredPerSec)} frames/s, p50 ${w.p50} p99 ${w.p99} ms, lost ${w.lost}, ` +
            `CPU % server ${fmt(m.serverCpuPct)} / clients ${fmt(m.clientCpuPct)} / others ${fmt(m.otherCpuPct)}${why.length ? `  ✗ ${why.join("; ")}` : "  ✓"}`,
        );
      }
      if (all.every((x) => x.done)) break;
      if (Date.now() > s.deadline) {
        console.log(`  time budget used up: no rate above ${hz}/s tried`);
        for (const c of all) c.stoppedByBudget = !c.done;
        break;
      }
    }
    return all.map((c) => {
      const passing = c.steps.filter((x) => x.pass);
      return {
        system: c.label,
        clients: s.clients,
        connected: c.connected,
        steps: c.steps,
        maxDeliveredPerSec: Math.max(0, ...passing.map((x) => x.summary.deliveredPerSec)),
        maxPassingHz: Math.max(0, ...passing.map((x) => x.hz)),
        hitCeiling: passing.some((x) => x.hz === Math.max(...s.rates)),
        stoppedByBudget: c.stoppedByBudget ?? false,
      };
    });
  } finally {
    for (const c of all) {
      await c.fleet.close();
      await stop(c.server.proc);
      rmSync(c.dataDir, { recursive: true, force: true });
    }
  }
}
