import { z } from "zod";
import { parseOrInvalid } from "../errors";
import { TIER_SEVERITY, fnv1a64, type Alert, type AlertChange, type Tier } from "./model";
import { safeLinkUrl } from "../urls";

/**
 * Alertmanager webhook receiver (docs/api.md "Alertmanager receiver"): payload version 4, alerts deduplicated by fingerprint,
 * resolved when Alertmanager resolves them. Pure: no store, no clock; lib/alerts/engine.ts records changes.
 */

/** How alert labels map onto War Room: which label names the service, which the tier. */
export const AlertmanagerConfigSchema = z
  .object({
    /** Label holding the service id (falls back to `job` when absent). */
    serviceLabel: z.string().min(1).max(100).default("service"),
    /** Label holding the severity, mapped to a tier by `tiers`. */
    tierLabel: z.string().min(1).max(100).default("severity"),
    /** Label value → tier (1 page, 2 urgent ticket, 3 ticket); unmapped values get `defaultTier`. */
    tiers: z
      .record(z.string().min(1).max(100), z.union([z.literal(1), z.literal(2), z.literal(3)]))
      .default({ critical: 1, page: 1, error: 2, warning: 2, ticket: 3, info: 3 }),
    defaultTier: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
    /** Declare an incident when an alert of one of these tiers fires on a known service with no open incident. */
    autoDeclare: z
      .object({
        tiers: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).max(3).default([1]),
        severity: z.enum(["SEV1", "SEV2", "SEV3", "SEV4"]).default("SEV2"),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AlertmanagerConfig = z.output<typeof AlertmanagerConfigSchema>;

/** Alertmanager writes this for a firing alert's `endsAt` when it is unknown. */
const ZERO_TIME = "0001-01-01T00:00:00Z";
const MAX_ALERTS = 1000;
const labelMap = z.record(z.string().max(1000), z.string().max(10_000));

const iso = (what: string) =>
  z.string().refine((s) => s === ZERO_TIME || s.startsWith("0001-01-01") || Number.isFinite(Date.parse(s)), { message: `${what} must be an RFC 3339 time` });

const WebhookAlertSchema = z.object({
  status: z.enum(["firing", "resolved"], { error: 'status must be "firing" or "resolved"' }),
  labels: labelMap.refine((l) => typeof l.alertname === "string" && l.alertname.length > 0, { message: "labels.alertname is required" }),
  annotations: labelMap.default({}),
  startsAt: iso("startsAt"),
  endsAt: iso("endsAt").optional(),
  generatorURL: z.string().max(10_000).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,32}$/i, "fingerprint must be hex").optional(),
});

export const WebhookPayloadSchema = z.object({
  version: z.literal("4", { error: 'version must be "4" (Alertmanager webhook payload version 4)' }),
  groupKey: z.string().max(10_000),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"], { error: 'status must be "firing" or "resolved"' }),
  receiver: z.string().max(1000).optional(),
  groupLabels: labelMap.optional(),
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.string().max(10_000).optional(),
  alerts: z.array(WebhookAlertSchema).max(MAX_ALERTS, `at most ${MAX_ALERTS} alerts per payload`),
});
export type WebhookPayload = z.output<typeof WebhookPayloadSchema>;

/** The answer of POST /api/v1/integrations/alertmanager. */
export const WebhookResultSchema = z.object({
  changes: z.number().int(),
  declared: z.array(z.object({ id: z.string(), number: z.number().int() })),
  truncatedAlerts: z.number().int(),
});
export type WebhookAlert = WebhookPayload["alerts"][number];

/** Validates a webhook body; every problem is listed with its path. */
export function parseWebhook(body: unknown): WebhookPayload {
  return parseOrInvalid(WebhookPayloadSchema, body, "Alertmanager webhook");
}

function timeOf(s: string | undefined): number | null {
  if (!s || s.startsWith("0001-01-01")) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** Annotations the UI renders as links. */
const LINK_ANNOTATIONS = ["runbook_url", "generator_url"] as const;

/** The War Room alert for one webhook alert (state from its status). */
export function toAlert(a: WebhookAlert, cfg: AlertmanagerConfig, now: number): Alert {
  const labels = a.labels;
  const service = labels[cfg.serviceLabel] ?? labels.job ?? "";
  const tierValue = labels[cfg.tierLabel];
  const tier: Tier = (tierValue !== undefined ? cfg.tiers[tierValue] : undefined) ?? cfg.defaultTier;
  const fingerprint = (a.fingerprint ?? fnv1a64(Object.keys(labels).sort().flatMap((k) => [k, labels[k]]))).toLowerCase().padStart(16, "0");
  const startsAt = timeOf(a.startsAt) ?? now;
  const resolved = a.status === "resolved";
  const annotations: Record<string, string> & { summary: string } = { ...a.annotations, summary: a.annotations.summary ?? a.annotations.description ?? a.annotations.message ?? labels.alertname };
  if (a.generatorURL) annotations.generator_url = a.generatorURL;
  // Rendered as links: an unsafe value (javascript:, data:, //host) is dropped, the alert kept.
  for (const key of LINK_ANNOTATIONS) {
    if (annotations[key] !== undefined && safeLinkUrl(annotations[key]) === null) delete annotations[key];
  }
  return {
    id: `am_${fingerprint}`,
    fingerprint,
    kind: "external",
    name: labels.alertname,
    service,
    tier,
    severity: TIER_SEVERITY[tier],
    state: resolved ? "resolved" : "firing",
    value: null,
    threshold: null,
    activeAt: startsAt,
    firedAt: startsAt,
    resolvedAt: resolved ? (timeOf(a.endsAt) ?? now) : null,
    labels: { ...labels },
    annotations,
    source: "alertmanager",
  };
}

const MAX_RESOLVED = 200;

/**
 * Alerts Alertmanager told us about, by fingerprint. A repeated firing notification changes
 * nothing (annotations are refreshed silently); a resolved one for an unknown fingerprint is
 * remembered as resolved but not reported as a change.
 */
export class ExternalAlerts {
  private readonly firing = new Map<string, Alert>();
  private readonly resolved: Alert[] = [];

  /** Applies a webhook; returns the state changes (firing / resolved) in payload order. */
  apply(payload: WebhookPayload, cfg: AlertmanagerConfig, now: number): AlertChange[] {
    const changes: AlertChange[] = [];
    for (const a of payload.alerts) {
      const alert = toAlert(a, cfg, now);
      const known = this.firing.get(alert.fingerprint);
      if (alert.state === "firing") {
        if (known) {
          known.annotations = alert.annotations;
          continue;
        }
        this.firing.set(alert.fingerprint, alert);
        changes.push({ type: "firing", alert });
      } else if (known) {
        this.firing.delete(alert.fingerprint);
        const done: Alert = { ...known, state: "resolved", resolvedAt: alert.resolvedAt };
        this.remember(done);
        changes.push({ type: "resolved", alert: done });
      }
    }
    return changes;
  }

  /** Takes back changes `apply` returned (their recording failed), newest first. */
  undo(changes: readonly AlertChange[]): void {
    for (const { type, alert } of [...changes].reverse()) {
      if (type === "firing") {
        if (this.firing.get(alert.fingerprint) === alert) this.firing.delete(alert.fingerprint);
      } else if (type === "resolved" && !this.firing.has(alert.fingerprint)) {
        const i = this.resolved.indexOf(alert);
        if (i >= 0) this.resolved.splice(i, 1);
        this.firing.set(alert.fingerprint, { ...alert, state: "firing", resolvedAt: null });
      }
    }
  }

  /** Puts back an alert that was firing before a restart (from the stored alert events). */
  restore(alert: Alert): void {
    if (alert.state === "firing") this.firing.set(alert.fingerprint, alert);
    else this.remember(alert);
  }

  /** Another instance's change (lib/alerts/engine.ts applyRemote). */
  mirror(change: AlertChange): void {
    if (change.alert.state === "firing") this.firing.set(change.alert.fingerprint, change.alert);
    else {
      this.firing.delete(change.alert.fingerprint);
      this.remember(change.alert);
    }
  }

  current(): Alert[] {
    return [...this.firing.values()];
  }

  recentResolved(limit: number): Alert[] {
    return this.resolved.slice(0, limit);
  }

  private remember(a: Alert): void {
    this.resolved.unshift(a);
    if (this.resolved.length > MAX_RESOLVED) this.resolved.length = MAX_RESOLVED;
  }
}
