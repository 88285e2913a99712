import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { PublisherCommand, PublisherEvent } from "./ipc";

/** The `data` of a captured War Room board tick: `{ t, points }`. */
export type BoardTickData = { t: number; points: Record<string, unknown> };

export function readCapturedTick(file: string): BoardTickData {
  const msg = JSON.parse(readFileSync(file, "utf8")) as { type?: string; event?: string; data?: BoardTickData };
  if (msg.type !== "event" || msg.event !== "tick" || !msg.data?.points) throw new Error(`${file} is not a captured board tick event`);
  return msg.data;
}

/**
 * Calls `publish(slot)` at `hz` publishes per second, on slot boundaries of the wall clock
 * (at 1 Hz: every whole second, as War Room's own tick does). A late timer skips the slots
 * it missed instead of bursting, so an overloaded server shows up as a lower publish rate.
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private hz = 0;
  private lastSlot = 0;
  published = 0;
  /** [wall time, duration ms] of recent publish calls (the synchronous fan-out loop). */
  private readonly timings: [number, number][] = [];

  constructor(private readonly publish: (slotTime: number) => void) {}

  setRate(hz: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.hz = hz;
    this.lastSlot = 0;
    if (hz > 0) this.schedule();
  }

  stop(): void {
    this.setRate(0);
  }

  publishDurations(t0: number, t1: number): number[] {
    return this.timings.filter(([at]) => at >= t0 && at < t1).map(([, ms]) => Math.round(ms * 1000) / 1000);
  }

  private schedule(): void {
    const period = 1000 / this.hz;
    const now = Date.now();
    const next = Math.max(Math.floor(now / period) + 1, this.lastSlot + 1);
    this.timer = setTimeout(() => {
      const slot = Math.floor(Date.now() / period);
      this.lastSlot = Math.max(slot, next);
      this.published++;
      const at = Date.now();
      const began = performance.now();
      this.publish(Math.round(this.lastSlot * period));
      this.timings.push([at, performance.now() - began]);
      if (this.timings.length > 20_000) this.timings.splice(0, 10_000);
      if (this.timer !== null) this.schedule();
    }, Math.max(0, next * period - now));
  }
}

/** Wires a Ticker to the orchestrator's IPC channel (when forked) and reports the port. */
export function controlFromParent(ticker: Ticker, port: number): void {
  const send = (e: PublisherEvent) => process.send?.(e);
  process.on("message", (m: PublisherCommand) => {
    if (m.cmd === "rate") {
      ticker.setRate(m.hz);
      send({ ev: "rate", hz: m.hz });
    } else if (m.cmd === "stats") send({ ev: "stats", publishMs: ticker.publishDurations(m.t0, m.t1) });
  });
  process.on("disconnect", () => process.exit(0));
  send({ ev: "listening", port });
}

export function argValue(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
