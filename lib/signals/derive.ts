import { Aggregator } from "./aggregate";
import type { Series } from "./contract";
import { SIGNALS, type SignalValues } from "./types";

const MINUTE = 60_000;
/** A range finer than a minute is sampled tick by tick up to this many ticks, else once per minute. */
const MAX_TICK_SAMPLES = 20_000;

/**
 * History that is a pure function of time (the simulator, lib/simulator/simulator.ts) is not kept
 * for every service: it is computed for the range a viewer asks for (PITFALLS: simulator backfill
 * scales with services × minutes). `sample` must give exactly what the live tick recorded at `t`.
 */
export type HistoryDeriver = {
  derives(serviceId: string): boolean;
  /** Values of one service at each time (ascending); drills of the whole span apply. */
  sample(serviceId: string, times: readonly number[]): SignalValues[];
};

/**
 * Derived points in [from, to] in buckets of `stepMs`: steps under a minute from every tick
 * (what the tick ring would have held), longer ones from one sample in the middle of each minute
 * (what the minute rollups of a backfill held).
 */
export function deriveSeries(d: HistoryDeriver, serviceId: string, from: number, to: number, stepMs: number, tickMs: number, out: Series): void {
  const perTick = stepMs < MINUTE && (to - from) / tickMs <= MAX_TICK_SAMPLES;
  const grid = perTick ? tickMs : MINUTE;
  const bucketMs = perTick ? stepMs : Math.max(MINUTE, Math.ceil(stepMs / MINUTE) * MINUTE);
  const times: number[] = [];
  const slots: number[] = [];
  for (let slot = Math.ceil(from / grid) * grid; slot <= to; slot += grid) {
    slots.push(slot);
    times.push(perTick ? slot : slot + MINUTE / 2);
  }
  if (times.length === 0) return;
  const values = d.sample(serviceId, times);
  // Peaks, like kept history (lib/signals/history.ts): a derived service's chart shows spikes too.
  const agg = new Aggregator({ peaks: true });
  let bucket: number | null = null;
  for (let i = 0; i < slots.length; i++) {
    const b = Math.floor(slots[i] / bucketMs) * bucketMs;
    if (bucket !== null && b !== bucket) {
      pushValues(out, bucket, agg.result());
      agg.reset();
    }
    bucket = b;
    agg.add(values[i]);
  }
  if (bucket !== null && agg.count > 0) pushValues(out, bucket, agg.result());
}

/** The tick points in [from, to) on the tick grid, unaggregated (the part of a recent window before the tick ring). */
export function deriveTicks(d: HistoryDeriver, serviceId: string, from: number, to: number, tickMs: number, out: Series): void {
  const times: number[] = [];
  for (let t = Math.ceil(from / tickMs) * tickMs; t < to; t += tickMs) times.push(t);
  if (times.length === 0) return;
  const values = d.sample(serviceId, times);
  for (let i = 0; i < times.length; i++) pushValues(out, times[i], values[i]);
}

export function pushValues(out: Series, t: number, v: SignalValues): void {
  out.t.push(t);
  for (const k of SIGNALS) out[k].push(v[k]);
}
