import type { Logger } from "../log";
import type { AlertChannel } from "../alerts/channel";
import type { AlertEngine } from "../alerts/engine";
import { parseWebhook, type AlertmanagerConfig } from "../alerts/alertmanager";
import type { IncidentCtx } from "./context";
import type { Incident } from "./model";
import { listIncidents } from "./repo";
import { declareIncident, recordAlertChange } from "./service";

/** What the Alertmanager receiver runs against. */
export type AlertmanagerCtx = {
  incidents: IncidentCtx;
  alerts: AlertEngine;
  alertChannel: AlertChannel;
  config: AlertmanagerConfig;
  /** Display name of a configured service, for the title of an auto-declared incident. */
  serviceName(id: string): string | undefined;
  logger: Logger;
};

export type AlertmanagerResult = { changes: number; declared: Incident[]; truncatedAlerts: number };

/**
 * An Alertmanager webhook (payload v4): new and resolved alerts go to the alerts channel and to
 * the timelines of open incidents of their service; a page-tier alert may declare an incident
 * (`integrations.alertmanager.autoDeclare`) when its service has none open.
 */
export async function receiveAlertmanager({ ctx, body }: { ctx: AlertmanagerCtx; body: unknown }): Promise<AlertmanagerResult> {
  const payload = parseWebhook(body);
  const cfg = ctx.config;
  const now = ctx.incidents.clock.now();
  const changes = await ctx.alerts.receive(payload, cfg, now);
  const declared: Incident[] = [];
  for (const change of changes) {
    ctx.alertChannel.publish(change);
    const { alert } = change;
    const serviceName = ctx.serviceName(alert.service);
    // A silenced alert is not notified: it declares nothing (lib/alerts/actions.ts).
    const silenced = Boolean(ctx.alertChannel.decorate(alert).silence);
    if (change.type === "firing" && !silenced && cfg.autoDeclare && cfg.autoDeclare.tiers.includes(alert.tier) && serviceName !== undefined) {
      const open = await listIncidents(ctx.incidents.store, { status: "active", service: alert.service, limit: 1 });
      if (open.length === 0) {
        const title = `${alert.name} on ${serviceName}`.slice(0, 200);
        const incident = await declareIncident({
          ctx: ctx.incidents,
          input: { title, severity: cfg.autoDeclare.severity, services: [alert.service], summary: alert.annotations.summary.slice(0, 2000) },
          writer: { author: "alertmanager", source: "api" },
        });
        declared.push(incident);
      }
    }
    await recordAlertChange({ ctx: ctx.incidents, change, at: change.type === "resolved" ? (alert.resolvedAt ?? now) : alert.activeAt });
  }
  if (payload.truncatedAlerts) ctx.logger.warn({ truncatedAlerts: payload.truncatedAlerts, groupKey: payload.groupKey }, "Alertmanager dropped alerts from a webhook (max_alerts)");
  return { changes: changes.length, declared, truncatedAlerts: payload.truncatedAlerts ?? 0 };
}
