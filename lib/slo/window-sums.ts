import type { Store } from "../store/store";
import type { SloConfig } from "./schema";
import { windowRange, type Counts } from "./math";
import type { MinuteRing } from "./recent";
import { sumSpans, type DerivedSpans } from "./derived";
import { sumSliCountsBySlo } from "./repo";

const MINUTE = 60_000;

/** One SLO as lib/slo/tracker.ts tracks it. */
export type Tracked = {
  slo: SloConfig;
  recent: MinuteRing;
  /** Counts before the first live minute, derived from a pure source (lib/slo/derived.ts); never stored. */
  derived: DerivedSpans | null;
  /** The open minute, not yet in the store. */
  open: { minute: number; good: number; total: number } | null;
  /** Store sum over [from, to) plus derived spans starting in it: closed minutes of the current SLO window. */
  stored: { from: number; to: number; counts: Counts };
};

/**
 * Moves the stored sums of these SLOs to the window at `now` without re-summing it: adds nothing
 * (written rows were added), subtracts what fell out of the window. One query per window start.
 */
export async function slideWindows(store: Store, trs: readonly Tracked[], now: number): Promise<void> {
  const sliding: { tr: Tracked; from: number; to: number }[] = [];
  for (const tr of trs) {
    const newFrom = windowRange(tr.slo.window, now).from;
    tr.stored.to = storedTo(tr, now);
    if (newFrom > tr.stored.from) sliding.push({ tr, from: tr.stored.from, to: newFrom });
  }
  await sumByRange(store, sliding, (tr, gone, range) => {
    tr.stored.counts.good -= gone.good;
    tr.stored.counts.total -= gone.total;
    tr.stored.from = range.to;
  });
}

/** Sums each SLO's window afresh: one query per distinct window start. */
export async function refreshWindows(store: Store, trs: readonly Tracked[], now: number): Promise<void> {
  const ranges = trs.map((tr) => ({ tr, from: windowRange(tr.slo.window, now).from, to: storedTo(tr, now) }));
  await sumByRange(store, ranges, (tr, counts, { from, to }) => {
    tr.stored = { from, to, counts };
  });
}

/** Where a tracker's stored sum ends: at its open minute, else after the current minute. */
function storedTo(tr: Tracked, now: number): number {
  return tr.open ? tr.open.minute : Math.floor(now / MINUTE) * MINUTE + MINUTE;
}

/**
 * Stored plus derived counts of each SLO over its own [from, to), one query per distinct range
 * (most SLOs share their window), handed to `use`.
 */
async function sumByRange(
  store: Store,
  ranges: readonly { tr: Tracked; from: number; to: number }[],
  use: (tr: Tracked, counts: { good: number; total: number }, range: { from: number; to: number }) => void,
): Promise<void> {
  const groups = new Map<string, { from: number; to: number; trs: Tracked[] }>();
  for (const r of ranges) {
    const key = `${r.from}:${r.to}`;
    const g = groups.get(key) ?? { from: r.from, to: r.to, trs: [] };
    g.trs.push(r.tr);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const out = await sumSliCountsBySlo(store, g.trs.map((tr) => tr.slo.id), g.from, g.to);
    for (const tr of g.trs) {
      const c = out.get(tr.slo.id) ?? { good: 0, total: 0 };
      const spans = sumSpans(tr.derived, g.from, g.to);
      use(tr, { good: c.good + spans.good, total: c.total + spans.total }, g);
    }
  }
}