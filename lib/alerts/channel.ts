import type { Hub } from "../live/hub";
import type { AlertEngine } from "./engine";
import { visibleAlerts } from "./inhibition";
import type { Alert, AlertChange } from "./model";

/** Change events kept for resume; the channel is lossless (docs/protocol.md). */
const HISTORY_LIMIT = 1000;
const RECENT_RESOLVED = 50;

/** The `alerts` channel: pending and firing alerts (inhibited tiers hidden) and the recently resolved. */
export class AlertChannel {
  private readonly hub: Hub;
  private readonly engine: AlertEngine;

  constructor(opts: { hub: Hub; engine: AlertEngine }) {
    this.hub = opts.hub;
    this.engine = opts.engine;
    this.hub.route("alerts", (name) => (name === "alerts" ? { historyLimit: HISTORY_LIMIT, lossless: true, snapshot: () => this.snapshot() } : null));
  }

  /** Pending and firing alerts (lower tiers hidden while a higher tier of the same rule fires), and recent resolved ones. */
  snapshot(): { alerts: Alert[]; resolved: Alert[] } {
    return { alerts: visibleAlerts(this.engine.current()), resolved: this.engine.recentResolved(RECENT_RESOLVED) };
  }

  publish(change: AlertChange): void {
    this.hub.publish("alerts", "change", change);
  }
}
