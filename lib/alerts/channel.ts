import type { Hub } from "../live/hub";
import type { AlertEngine } from "./engine";
import type { AlertActions } from "./actions";
import type { Alert, AlertChange } from "./model";

/** Change events kept for resume; the channel is lossless (docs/protocol.md). */
const HISTORY_LIMIT = 1000;
const RECENT_RESOLVED = 50;

/**
 * The `alerts` channel: every pending and firing alert (lower tiers too: the board folds them
 * under the highest, components/alerts/group.ts) and the recently resolved, each with its
 * acknowledgement and silence (lib/alerts/actions.ts).
 */
export class AlertChannel {
  private readonly hub: Hub;
  private readonly engine: AlertEngine;
  private readonly actions?: AlertActions;

  constructor(opts: { hub: Hub; engine: AlertEngine; actions?: AlertActions }) {
    this.hub = opts.hub;
    this.engine = opts.engine;
    this.actions = opts.actions;
    this.hub.route("alerts", (name) => (name === "alerts" ? { historyLimit: HISTORY_LIMIT, lossless: true, snapshot: () => this.snapshot() } : null));
  }

  /** Pending and firing alerts (all tiers), and recent resolved ones; decorated with acks and silences. */
  snapshot(): { alerts: Alert[]; resolved: Alert[] } {
    return { alerts: this.engine.current().map((a) => this.decorate(a)), resolved: this.engine.recentResolved(RECENT_RESOLVED).map((a) => this.decorate(a)) };
  }

  /** One alert as viewers see it now (acknowledgement and silence included). */
  decorate(alert: Alert): Alert {
    return this.actions ? this.actions.decorate(alert) : alert;
  }

  publish(change: AlertChange): void {
    this.hub.publish("alerts", "change", { type: change.type, alert: this.decorate(change.alert) });
  }
}
