import { z } from "zod";

const componentId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (max 63)");

/** Status updates and the public status page (README "Configuration"). */
export const StatusPageConfigSchema = z
  .object({
    /** The page's heading (default: the war room's title). */
    title: z.string().min(1).max(100).optional(),
    /** A customer-facing update is due this many minutes after the last one (or the declaration), per severity. */
    updateEveryMinutes: z
      .object({ SEV1: z.number().min(1).max(1440).default(30), SEV2: z.number().min(1).max(1440).default(60), SEV3: z.number().min(1).max(1440).default(120), SEV4: z.number().min(1).max(1440).default(240) })
      .strict()
      .prefault({}),
    /** What the page lists; default one component per service. */
    components: z
      .array(z.object({ id: componentId, name: z.string().min(1).max(100), services: z.array(z.string().min(1)).min(1).max(500) }).strict())
      .max(200)
      .optional(),
    /** A component's derived state changes only after the new state held this long (no flapping on the public page). */
    hysteresisSeconds: z.number().int().min(0).max(3600).default(60),
    /** E-mail subscriptions with double opt-in: sent through this `kind: email` notification channel (off without it). */
    subscriptions: z.object({ emailChannel: componentId }).strict().optional(),
  })
  .strict();
export type StatusPageConfig = z.output<typeof StatusPageConfigSchema>;

/** Components naming unknown services, and duplicate ids: problems with their config path. */
export function statusPageProblems(cfg: StatusPageConfig, serviceIds: ReadonlySet<string>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  (cfg.components ?? []).forEach((c, i) => {
    if (seen.has(c.id)) out.push({ path: ["statusPage", "components", i, "id"], message: `duplicate component id "${c.id}"` });
    seen.add(c.id);
    c.services.forEach((s, j) => {
      if (!serviceIds.has(s)) out.push({ path: ["statusPage", "components", i, "services", j], message: `unknown service "${s}"` });
    });
  });
  return out;
}

/** `subscriptions.emailChannel` must name an e-mail channel of `notifications.channels`. */
export function subscriptionProblems(cfg: StatusPageConfig, channels: readonly { id: string; kind: string }[], linkBase: string | undefined): { path: (string | number)[]; message: string }[] {
  const id = cfg.subscriptions?.emailChannel;
  if (id === undefined) return [];
  // The links in the e-mails must be absolute.
  if (!linkBase) return [{ path: ["notifications", "linkBase"], message: "e-mail subscriptions need notifications.linkBase (where people reach /status)" }];
  const c = channels.find((x) => x.id === id);
  if (!c) return [{ path: ["statusPage", "subscriptions", "emailChannel"], message: `unknown channel "${id}"` }];
  return c.kind === "email" ? [] : [{ path: ["statusPage", "subscriptions", "emailChannel"], message: `channel "${id}" is ${c.kind}, not email` }];
}
