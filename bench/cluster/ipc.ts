import type { SparseHistogram } from "../ws-fanout/stats";

type Hist = { buckets: SparseHistogram; sum: number; max: number };

/** Orchestrator (run.ts) → viewer worker (viewer-worker.ts). */
export type ViewerCommand =
  /** Open `count` more board viewers at `url`, viewer k from loopback source address `addressOf(firstIndex + k)`. */
  | { cmd: "add"; url: string; count: number; firstIndex: number; perAddress: number; concurrency: number }
  /** Measure board ticks received in [t0, t1). */
  | { cmd: "window"; t0: number; t1: number }
  /** Note, per viewer, the first board tick sampled after `t` (a kill). */
  | { cmd: "mark"; t: number }
  | { cmd: "marked" }
  | { cmd: "close" };

export type WindowReport = {
  viewers: number;
  /** Viewers subscribed (snapshot received) and connected at the end of the window. */
  connected: number;
  ticks: number;
  /** Board sequence numbers skipped within an epoch, plus coalesced snapshots (a slow viewer's catch-up). */
  missed: number;
  /** Viewers that received fewer ticks than the window has seconds, minus one. */
  starved: number;
  /** Time between consecutive ticks at each viewer (ms), the silence until t1 included. */
  intervals: Hist;
  /** Frame `time` (publish) → receipt at the viewer (ms). */
  latency: Hist;
  cpuMs: number;
};

export type ViewerEvent =
  | { ev: "added"; ready: number; failed: number; errors: string[] }
  | { ev: "window"; report: WindowReport }
  /** ms from the mark to the first tick sampled after it, per viewer (null: none yet). */
  | { ev: "marked"; ms: (number | null)[] }
  | { ev: "closed" };
