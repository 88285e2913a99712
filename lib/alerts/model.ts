import { z } from "zod";

export const ALERT_STATES = ["pending", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const SEVERITIES = ["page", "urgent-ticket", "ticket"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TIERS = [1, 2, 3] as const;
/** 1 = page, 2 = urgent ticket, 3 = ticket; a lower number is more severe. */
export type Tier = (typeof TIERS)[number];

export const TIER_SEVERITY: Record<Tier, Severity> = { 1: "page", 2: "urgent-ticket", 3: "ticket" };
export const SEVERITY_TIER: Record<Severity, Tier> = { page: 1, "urgent-ticket": 2, ticket: 3 };
export const SEVERITY_LABEL: Record<Severity, string> = { page: "Page", "urgent-ticket": "Urgent ticket", ticket: "Ticket" };

export const ALERT_KINDS = ["threshold", "burn-rate", "external"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SOURCES = ["war-room", "alertmanager"] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/** `summary` and `runbook_url` as in Prometheus rules; other keys (description, resolution …) pass through. */
export const AnnotationsSchema = z.object({ summary: z.string(), runbook_url: z.string().optional() }).catchall(z.string());
export type Annotations = z.infer<typeof AnnotationsSchema>;

/**
 * One alert as the board, the API and the WebSocket carry it. An episode runs from `activeAt`
 * to `resolvedAt`; a later breach of the same rule starts a new episode with the same `id`.
 */
export const AlertSchema = z.object({
  /** Stable across evaluations and episodes: hash of kind, rule name, service and tier. */
  id: z.string(),
  /** Prometheus/Alertmanager fingerprint of `labels` (16 hex digits). */
  fingerprint: z.string(),
  kind: z.enum(ALERT_KINDS),
  name: z.string(),
  service: z.string(),
  tier: z.literal(TIERS),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  /** Latest observed value; null while there is no data (and for external alerts). */
  value: z.number().nullable(),
  /** null for external alerts, whose condition War Room does not know. */
  threshold: z.number().nullable(),
  /** Epoch ms the condition became true (pending since). */
  activeAt: z.number(),
  firedAt: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: AnnotationsSchema,
  source: z.enum(ALERT_SOURCES),
  /** Who acknowledged this episode, and when (lib/alerts/actions.ts); null or absent when nobody has. */
  ack: z.object({ by: z.string(), at: z.number() }).nullable().optional(),
  /** The active silence that mutes it (the one ending last); null or absent when none. Silenced until `endsAt`. */
  silence: z.object({ id: z.string(), by: z.string(), reason: z.string(), endsAt: z.number() }).nullable().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const ALERT_CHANGE_TYPES = ["pending", "firing", "resolved", "cancelled", "update"] as const;
export type AlertChangeType = (typeof ALERT_CHANGE_TYPES)[number];

/**
 * "cancelled": a pending alert whose condition stopped before `for` elapsed; it never fired.
 * "update": same state, new value, summary, acknowledgement or silence (not stored as an event).
 */
export const AlertChangeSchema = z.object({ type: z.enum(ALERT_CHANGE_TYPES), alert: AlertSchema });
export type AlertChange = z.infer<typeof AlertChangeSchema>;

/** `alerts` snapshot: unresolved alerts (inhibited tiers hidden) and the recently resolved ones. */
export const AlertsSnapshotSchema = z.object({ alerts: z.array(AlertSchema), resolved: z.array(AlertSchema) });

/**
 * One alert condition at one instant, whatever computed it (threshold rule, burn-rate rule).
 * `value: null` means no data: never a breach, whatever `active` says.
 */
export type Observation = {
  /** Stable identity of rule + service + tier; see `observationKey`. */
  key: string;
  name: string;
  service: string;
  tier: Tier;
  kind: Exclude<AlertKind, "external">;
  active: boolean;
  value: number | null;
  threshold: number;
  forMs: number;
  labels: Record<string, string>;
  annotations: Annotations;
  /**
   * The service's newest value is older than its staleness bound: the series is absent, as in
   * Prometheus after a staleness marker, so a pending alert is cancelled and a firing one resolves
   * now (not after the no-data hold, which is for a value that is missing or not finite).
   */
  stale?: boolean;
};

/** Board order: most severe tier first, then firing before pending, oldest first. */
export function alertOrder(a: Alert, b: Alert): number {
  return a.tier - b.tier || (a.state === b.state ? 0 : a.state === "firing" ? -1 : 1) || a.activeAt - b.activeAt || a.id.localeCompare(b.id);
}

export function observationKey(kind: AlertKind, name: string, service: string, tier: Tier): string {
  return JSON.stringify([kind, name, service, tier]);
}

/** Stable alert id: the same inputs give the same id in every process and after restarts. */
export function alertId(kind: AlertKind, name: string, service: string, tier: Tier): string {
  return `al_${fnv1a64([kind, name, service, String(tier)])}`;
}

/**
 * Same algorithm as Prometheus' `labelSetToFingerprint` (FNV-1a 64 over sorted names and values,
 * each followed by 0xff), so an alert's fingerprint matches what Alertmanager would compute.
 */
export function fingerprint(labels: Record<string, string>): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels).sort()) parts.push(name, labels[name]);
  return fnv1a64(parts);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const encoder = new TextEncoder();

/** FNV-1a 64 of the UTF-8 bytes of each part, each part followed by 0xff; 16 hex digits. */
export function fnv1a64(parts: readonly string[], separator = true): string {
  let h = FNV_OFFSET;
  const add = (b: number) => {
    h = BigInt.asUintN(64, (h ^ BigInt(b)) * FNV_PRIME);
  };
  for (const part of parts) {
    for (const b of encoder.encode(part)) add(b);
    if (separator) add(0xff);
  }
  return h.toString(16).padStart(16, "0");
}
