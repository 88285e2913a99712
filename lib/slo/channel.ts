import type { Hub } from "../live/hub";
import type { Clock } from "../time";
import type { SloStatus, SloTracker } from "./tracker";
import type { SloWorst } from "./contract";

/**
 * One minute of updates. Each is the full status of every SLO (~1.6 KB per SLO: 8 MB for 5,000),
 * so replaying more buys nothing a snapshot does not give, and 60 of them held ~490 MB at 5,000.
 */
const HISTORY_LIMIT = 12;
/** The banner's channel: a board of 1,000 SLOs should not need all of them for one figure. */
const WORST = "slos:worst";
/** SLO budgets move slowly; the channel gets a fresh status every few seconds, not every tick. */
export const SLO_PUBLISH_EVERY_MS = 5_000;

/** The `slos` channel: every SLO's status (budget, burn rates, burn alerts). */
export class SloChannel {
  private readonly hub: Hub;

  constructor(opts: { hub: Hub; clock: Clock; slos: SloTracker }) {
    this.hub = opts.hub;
    this.hub.route("slos", (name) => {
      if (name === "slos") return { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => ({ slos: opts.slos.status(opts.clock.now()) }) };
      if (name === WORST) return { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => worstOf(opts.slos.status(opts.clock.now())) };
      return null;
    });
  }

  /** Publishes `statuses` when tick `t` is the first of a publish period. */
  maybePublish(t: number, tickMs: number, statuses: SloStatus[]): void {
    if (t % SLO_PUBLISH_EVERY_MS >= tickMs) return;
    this.hub.publish("slos", "update", { slos: statuses });
    this.hub.publish(WORST, "update", worstOf(statuses));
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
