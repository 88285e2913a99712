import { z } from "zod";
import { MATCHER_OPS, matchesAll, type Matcher } from "./matchers";
import type { Alert } from "./model";

/** A silence as the API and the store hold it (Alertmanager's fields, our names). */
export const SilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), op: z.enum(MATCHER_OPS), value: z.string() })),
  startsAt: z.number(),
  /** Epoch ms it stops muting; set to the expiry time when someone expires it early. */
  endsAt: z.number(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** Who expired it before `endsAt`; null while it runs its course. */
  expiredBy: z.string().nullable(),
  state: z.enum(["active", "expired"]),
});
export type Silence = z.infer<typeof SilenceSchema>;

export const MAX_SILENCE_MINUTES = 30 * 24 * 60;

export const CreateSilenceSchema = z
  .object({
    matchers: z
      .array(z.string({ error: "each matcher is text such as service=checkout" }).min(1).max(1100), { error: "matchers must be a list such as [\"service=checkout\"]" })
      .min(1, "at least one matcher, such as service=checkout")
      .max(20, "at most 20 matchers"),
    durationMinutes: z
      .number({ error: "durationMinutes must be a number" })
      .int("durationMinutes must be whole minutes")
      .min(1, "durationMinutes is at least 1")
      .max(MAX_SILENCE_MINUTES, `durationMinutes is at most ${MAX_SILENCE_MINUTES} (30 days)`),
    reason: z.string({ error: "reason is required" }).trim().min(1, "reason must not be empty").max(500, "reason is at most 500 characters"),
  })
  .strict();
export type CreateSilenceInput = z.input<typeof CreateSilenceSchema>;

export const ListSilencesQuerySchema = z.object({ expired: z.enum(["true", "false"]).optional() }).strict();

/** Every label a matcher may name: the alert's own, and alertname/service/severity/tier always. */
export function matchLabels(a: Pick<Alert, "labels" | "name" | "service" | "severity" | "tier">): Record<string, string> {
  return { ...a.labels, alertname: a.name, service: a.service, severity: a.severity, tier: String(a.tier) };
}

export type StoredSilence = Omit<Silence, "state"> & { matchers: Matcher[] };

export function isActive(s: Pick<Silence, "startsAt" | "endsAt">, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt;
}

export function withState(s: StoredSilence, now: number): Silence {
  return { ...s, state: isActive(s, now) ? "active" : "expired" };
}

/** The active silence muting this alert (the one ending last), or null. */
export function silenceOf(alert: Alert, silences: Iterable<StoredSilence>, now: number): StoredSilence | null {
  let best: StoredSilence | null = null;
  let labels: Record<string, string> | null = null;
  for (const s of silences) {
    if (!isActive(s, now)) continue;
    labels ??= matchLabels(alert);
    if (matchesAll(s.matchers, labels) && (!best || s.endsAt > best.endsAt)) best = s;
  }
  return best;
}
