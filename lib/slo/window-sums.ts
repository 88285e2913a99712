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
  const groups = new Map<string, { from: number; newFrom: number; trs: Tracked[] }>();
  for (const tr of trs) {
    const newFrom = windowRange(tr.slo.window, now).from;
    tr.stored.to = tr.open ? tr.open.minute : Math.floor(now / MINUTE) * MINUTE + MINUTE;
    if (newFrom <= tr.stored.from) continue;
    const key = `${tr.stored.from}:${newFrom}`;
    const g = groups.get(key) ?? { from: tr.stored.from, newFrom, trs: [] };
    g.trs.push(tr);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const out = await sumSliCountsBySlo(store, g.trs.map((tr) => tr.slo.id), g.from, g.newFrom);
    for (const tr of g.trs) {
      const gone = out.get(tr.slo.id) ?? { good: 0, total: 0 };
      const spans = sumSpans(tr.derived, g.from, g.newFrom);
      tr.stored.counts.good -= gone.good + spans.good;
      tr.stored.counts.total -= gone.total + spans.total;
      tr.stored.from = g.newFrom;
    }
  }
}

/** Sums each SLO's window afresh: one query per distinct window start. */
export async function refreshWindows(store: Store, trs: readonly Tracked[], now: number): Promise<void> {
  const groups = new Map<string, { from: number; to: number; trs: Tracked[] }>();
  for (const tr of trs) {
    const { from } = windowRange(tr.slo.window, now);
    const to = tr.open ? tr.open.minute : Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const key = `${from}:${to}`;
    const g = groups.get(key) ?? { from, to, trs: [] };
    g.trs.push(tr);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const out = await sumSliCountsBySlo(store, g.trs.map((tr) => tr.slo.id), g.from, g.to);
    for (const tr of g.trs) {
      const c = out.get(tr.slo.id) ?? { good: 0, total: 0 };
      const spans = sumSpans(tr.derived, g.from, g.to);
      tr.stored = { from: g.from, to: g.to, counts: { good: c.good + spans.good, total: c.total + spans.total } };
    }
  }
}