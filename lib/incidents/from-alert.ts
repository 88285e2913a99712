import { z } from "zod";
import { Invalid } from "../errors";
import { AlertSchema, type Alert } from "../alerts/model";
import { drillEnd, type DrillEffect } from "../drills/types";
import type { IncidentCtx } from "./context";

/** A drill that ended this recently still counts as the cause: signals take a little while to settle. */
const DRILL_SETTLE_MS = 60_000;
/** Label values that mark an alert as coming from a drill (an Alertmanager alert of a game day). */
const DRILL_LABELS = ["drill", "gameday"] as const;

/** What declaring from an alert pre-fills; `GET /api/v1/alerts/{id}/incident-draft` shows it before the declare. */
export const IncidentDraftSchema = z.object({
  alert: AlertSchema,
  title: z.string(),
  services: z.array(z.string()),
  /** The alert's activeAt: when its condition became true, i.e. when the impact started. */
  startedAt: z.number().meta({ description: "epoch ms (UTC)" }),
  /** When monitoring detected it: the alert's firedAt (activeAt while still pending). */
  detectedAt: z.number().meta({ description: "epoch ms (UTC)" }),
  drill: z.boolean(),
  /** Why `drill` is what it is, for the dialog ("drill errors on checkout running since …"). */
  drillReason: z.string().nullable(),
  /** An open incident already declared from this alert (declaring again is refused); null when none. */
  attachedTo: z.object({ id: z.string(), number: z.number().int(), title: z.string() }).nullable(),
});
export type IncidentDraft = z.infer<typeof IncidentDraftSchema>;

/** The alert with this id among the current and recently resolved ones, or Invalid naming it. */
export function requireAlert(ctx: IncidentCtx, alertId: string): Alert {
  const alert = ctx.alert?.(alertId) ?? null;
  if (!alert) {
    const message = `no alert "${alertId}" is firing, pending or recently resolved`;
    throw new Invalid(message, [{ path: "alertId", message }]);
  }
  return alert;
}

/**
 * The incident an alert calls for: impact from the alert's activeAt, detected when it fired, a
 * drill when a drill on its service (or one it depends on) ran while it was active, or when the
 * alert carries a drill label.
 */
export function draftFromAlert(ctx: IncidentCtx, alert: Alert, now: number): Omit<IncidentDraft, "attachedTo"> {
  const startedAt = Math.min(alert.activeAt, now);
  const detectedAt = Math.min(Math.max(alert.firedAt ?? alert.activeAt, startedAt), now);
  const until = alert.resolvedAt ?? now;
  const drills = (ctx.drillsAffecting?.(alert.service) ?? []).filter((d) => d.startedAt <= until && drillEnd(d) + DRILL_SETTLE_MS >= startedAt);
  const label = DRILL_LABELS.find((k) => isTrue(alert.labels[k]));
  return {
    alert,
    title: (alert.annotations.summary || `${alert.name} on ${alert.service}`).slice(0, 200),
    services: [alert.service],
    startedAt,
    detectedAt,
    drill: drills.length > 0 || label !== undefined,
    drillReason: drills.length > 0 ? drillReason(drills[0], alert.service) : label !== undefined ? `the alert carries the label ${label}="${alert.labels[label]}"` : null,
  };
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ["true", "yes", "1"].includes(v.toLowerCase());
}

function drillReason(d: DrillEffect, service: string): string {
  const where = d.target === service ? service : `${d.target} (a dependency of ${service})`;
  return `drill ${d.kind} on ${where} since ${new Date(d.startedAt).toISOString().slice(11, 19)} UTC`;
}
