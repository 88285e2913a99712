import type { Hub } from "../live/hub";
import type { Clock } from "../time";
import type { SloStatus, SloTracker } from "./tracker";
import type { SloWorst } from "./contract";
import { BURN_WINDOWS } from "./math";
import { packSlos, unpackSlos, type SlosWire } from "./wire";

/**
 * One minute of updates. An update carries only the SLOs whose shown figures moved (up to every
 * SLO, ~1.6 KB each), so replaying more buys nothing a snapshot does not give.
 */
const HISTORY_LIMIT = 12;
/** The banner's channel: a board of 1,000 SLOs should not need all of them for one figure. */
const WORST = "slos:worst";
/** SLO budgets move slowly; the channel gets a fresh status every few seconds, not every tick. */
export const SLO_PUBLISH_EVERY_MS = 5_000;

/** Keys of burn rates, shown like components/slo/model.ts formatBurn (2 decimals below 10×). */
const BURNS: ReadonlySet<string> = new Set([...BURN_WINDOWS, "window", "longBurn", "shortBurn"]);

/**
 * Numbers about as finely as the page shows them (components/slo/model.ts): budgets to 0.1 %, burn
 * rates to 2 decimals below 10×, time to exhaustion to 2 significant digits, the window's start to
 * the minute (components/slo/SloCard.tsx redraws the ideal line once a minute), the rest to 3
 * significant digits (lib/signals/format.ts).
 */
function shown(key: string, v: unknown): unknown {
  if (typeof v !== "number" || !Number.isFinite(v) || v === 0) return v;
  if (key === "windowFrom") return Math.floor(v / 60_000);
  if (key === "budgetRemaining" || key === "budgetConsumed") return Math.round(v * 1000);
  if (BURNS.has(key) && Math.abs(v) < 10) return Math.round(v * 100);
  if (key === "timeToExhaustionMs") return Number(v.toPrecision(2));
  return Number(v.toPrecision(3));
}

/** What a viewer of /slos sees of one SLO: two statuses with the same print look the same. */
export const sloPrint = (s: SloStatus): string => JSON.stringify(s, shown);

/**
 * The `slos` channel: every SLO's status (budget, burn rates, burn alerts). The snapshot has all of
 * them; an `update` only the SLOs whose shown figures moved since the last update on the channel
 * (and `removed`, ids no longer configured), which the client merges by id (docs/protocol.md, `slos`).
 * Both in the compact form of lib/slo/wire.ts (rules once per frame, figures rounded).
 */
export class SloChannel {
  private readonly hub: Hub;
  private readonly current: () => SloStatus[];
  /** Each SLO as the channel last told it, with its print: the snapshot is these, so the next update's delta applies to it. */
  private readonly told = new Map<string, { print: string; status: SloStatus }>();

  constructor(opts: { hub: Hub; clock: Clock; slos: SloTracker }) {
    this.hub = opts.hub;
    this.current = () => opts.slos.status(opts.clock.now());
    // Another instance's update is what viewers hold now (as lib/signals/channels.ts does for the board).
    this.hub.onRemote("slos", (_f, parsed) => {
      const m = parsed() as { event?: string; data?: SlosWire } | null;
      if (m?.event !== "update" || !m.data) return;
      for (const s of unpackSlos(m.data)) this.told.set(s.id, { print: sloPrint(s), status: s });
      for (const id of m.data?.removed ?? []) this.told.delete(id);
    });
    this.hub.onResync(() => this.told.clear());
    this.hub.route("slos", (name) => {
      if (name === "slos") return { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => packSlos(this.snapshot()) };
      if (name === WORST) return { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => worstOf(opts.slos.status(opts.clock.now())) };
      return null;
    });
  }

  /** The snapshot with the channel's position, for the /slos page to render with (lib/slo/page-feed.ts); the socket then resumes from it. */
  frame(): { epoch: string; seq: number; data: SlosWire } {
    const ch = this.hub.channel("slos");
    return { epoch: ch?.epoch ?? "", seq: ch?.seq ?? 0, data: packSlos(this.snapshot()) };
  }

  /** Publishes `statuses` when tick `t` is the first of a publish period. */
  maybePublish(t: number, tickMs: number, statuses: SloStatus[]): void {
    if (t % SLO_PUBLISH_EVERY_MS >= tickMs) return;
    const { slos, removed } = this.diff(statuses);
    this.hub.publish("slos", "update", packSlos(slos, removed));
    this.hub.publish(WORST, "update", worstOf(statuses));
  }

  private snapshot(): SloStatus[] {
    return this.told.size > 0 ? [...this.told.values()].map((x) => x.status) : this.current();
  }

  /** The SLOs of `statuses` whose print differs from the one last told, and the ids told before that are gone; remembers them as told. */
  diff(statuses: readonly SloStatus[]): { slos: SloStatus[]; removed?: string[] } {
    const slos: SloStatus[] = [];
    const ids = new Set<string>();
    for (const s of statuses) {
      ids.add(s.id);
      const print = sloPrint(s);
      if (this.told.get(s.id)?.print === print) continue;
      this.told.set(s.id, { print, status: s });
      slos.push(s);
    }
    const removed = [...this.told.keys()].filter((id) => !ids.has(id));
    for (const id of removed) this.told.delete(id);
    return removed.length > 0 ? { slos, removed } : { slos };
  }
}

/** The SLO with the least budget left (SLOs without data only when none has any), like components/slo/model.ts worstSlo. */
export function worstOf(slos: readonly SloStatus[]): SloWorst {
  let worst: SloStatus | null = null;
  for (const s of slos) {
    if (s.budgetRemaining === null || !Number.isFinite(s.budgetRemaining)) continue;
    if (!worst || s.budgetRemaining < (worst.budgetRemaining as number)) worst = s;
  }
  return { worst: worst ?? slos[0] ?? null, total: slos.length };
}
