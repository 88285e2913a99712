import type { HistoryDeriver } from "../signals/derive";
import type { SignalValues } from "../signals/types";
import type { SloConfig } from "./schema";
import type { SliRow } from "./repo";
import { sliCounts } from "./sli";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Counts of an SLO before the server first counted it live, for a source whose history is a pure
 * function of time (the simulator): derived at each start from the same function and the stored
 * drills, so they are the same after every restart and are never written to the store (a large
 * estate would write millions of rows at start). Spans grow with age before `anchor` (the first
 * live minute): minutes for the last hour (the short burn windows), 10 minutes to six hours, an hour to
 * three days, six hours beyond; a span counts for a window when it starts inside it, like a row.
 */
export type DerivedSpans = { start: Float64Array; spanMs: Float64Array; good: Float64Array; total: Float64Array };

export function spanStarts(windowFrom: number, anchor: number): { start: number; spanMs: number }[] {
  const tiers = [
    { spanMs: 6 * HOUR, until: floorTo(anchor - 3 * 24 * HOUR - HOUR, 6 * HOUR) },
    { spanMs: HOUR, until: floorTo(anchor - 6 * HOUR - HOUR, HOUR) },
    { spanMs: 10 * MINUTE, until: floorTo(anchor - 65 * MINUTE, 10 * MINUTE) },
    { spanMs: MINUTE, until: anchor },
  ];
  const out: { start: number; spanMs: number }[] = [];
  let t = Math.ceil(windowFrom / MINUTE) * MINUTE;
  for (const tier of tiers) {
    // Up to the tier's first boundary in the largest aligned spans that fit, so no minute is skipped.
    const aligned = Math.min(Math.ceil(t / tier.spanMs) * tier.spanMs, Math.max(t, tier.until));
    while (t < aligned) {
      const span = [HOUR, 10 * MINUTE, MINUTE].find((s) => t % s === 0 && t + s <= aligned)!;
      out.push({ start: t, spanMs: span });
      t += span;
    }
    for (; t + tier.spanMs <= tier.until; t += tier.spanMs) out.push({ start: t, spanMs: tier.spanMs });
  }
  return out;
}

function floorTo(t: number, step: number): number {
  return Math.floor(t / step) * step;
}

/** Samples of one service at span middles, shared by all its SLOs (one simulator call per span). */
export class SpanSampler {
  private readonly cache = new Map<string, Map<number, SignalValues>>();

  constructor(private readonly deriver: HistoryDeriver) {}

  values(service: string, spans: readonly { start: number; spanMs: number }[]): SignalValues[] {
    let byT = this.cache.get(service);
    if (!byT) this.cache.set(service, (byT = new Map()));
    const missing = spans.map((s) => s.start + s.spanMs / 2).filter((t) => !byT.has(t));
    const sampled = this.deriver.sample(service, missing);
    missing.forEach((t, i) => byT.set(t, sampled[i]));
    return spans.map((s) => byT.get(s.start + s.spanMs / 2)!);
  }

  /** Done with a service: its samples are dropped. */
  release(service: string): void {
    this.cache.delete(service);
  }
}

export function deriveSpans(slo: SloConfig, sampler: SpanSampler, windowFrom: number, anchor: number): DerivedSpans {
  const spans = spanStarts(windowFrom, anchor);
  const values = sampler.values(slo.service, spans);
  const out: DerivedSpans = { start: new Float64Array(spans.length), spanMs: new Float64Array(spans.length), good: new Float64Array(spans.length), total: new Float64Array(spans.length) };
  spans.forEach((s, i) => {
    const c = sliCounts(slo.sli, values[i], s.spanMs / 1000);
    out.start[i] = s.start;
    out.spanMs[i] = s.spanMs;
    out.good[i] = c.good;
    out.total[i] = c.total;
  });
  return out;
}

/** Sum of the spans starting in [from, to). */
export function sumSpans(d: DerivedSpans | null, from: number, to: number): { good: number; total: number } {
  let good = 0;
  let total = 0;
  if (d) {
    for (let i = 0; i < d.start.length; i++) {
      if (d.start[i] >= from && d.start[i] < to) {
        good += d.good[i];
        total += d.total[i];
      }
    }
  }
  return { good, total };
}

export function spanRows(sloId: string, d: DerivedSpans | null, from: number, to: number): SliRow[] {
  const rows: SliRow[] = [];
  if (!d) return rows;
  for (let i = 0; i < d.start.length; i++) {
    if (d.start[i] >= from && d.start[i] < to) rows.push({ sloId, start: d.start[i], spanMs: d.spanMs[i], good: d.good[i], total: d.total[i] });
  }
  return rows;
}

export function countRows(slo: SloConfig, spans: readonly { start: number; spanMs: number }[], values: readonly SignalValues[]): SliRow[] {
  return spans.map((s, i) => ({ sloId: slo.id, start: s.start, spanMs: s.spanMs, ...sliCounts(slo.sli, values[i], s.spanMs / 1000) }));
}
