import type { Hub } from "../live/hub";
import type { Clock } from "../time";
import type { SloStatus, SloTracker } from "./tracker";

/**
 * One minute of updates. Each is the full status of every SLO (~1.6 KB per SLO: 8 MB for 5,000),
 * so replaying more buys nothing a snapshot does not give, and 60 of them held ~490 MB at 5,000.
 */
const HISTORY_LIMIT = 12;
/** SLO budgets move slowly; the channel gets a fresh status every few seconds, not every tick. */
export const SLO_PUBLISH_EVERY_MS = 5_000;

/** The `slos` channel: every SLO's status (budget, burn rates, burn alerts). */
export class SloChannel {
  private readonly hub: Hub;

  constructor(opts: { hub: Hub; clock: Clock; slos: SloTracker }) {
    this.hub = opts.hub;
    this.hub.route("slos", (name) => (name === "slos" ? { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => ({ slos: opts.slos.status(opts.clock.now()) }) } : null));
  }

  /** Publishes `statuses` when tick `t` is the first of a publish period. */
  maybePublish(t: number, tickMs: number, statuses: SloStatus[]): void {
    if (t % SLO_PUBLISH_EVERY_MS < tickMs) this.hub.publish("slos", "update", { slos: statuses });
  }
}
