import { z } from "zod";
import { SEVERITIES } from "../severity";

/** Names of environment variables that hold secrets: the config names the variable, never the value. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "must be an environment variable name (A-Z, 0-9, _)");
const channelId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (max 63)");

export const EVENT_TYPES = [
  "incident.declared",
  "incident.severity_changed",
  "incident.status_changed",
  "incident.resolved",
  "status_update.published",
  "alert.firing",
  "gameday.verdict",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const base = { id: channelId, name: z.string().min(1).max(100).optional() };

const SlackSchema = z.object({ ...base, kind: z.literal("slack"), urlEnv: envName }).strict();
const TeamsSchema = z.object({ ...base, kind: z.literal("teams"), urlEnv: envName }).strict();
const WebhookSchema = z
  .object({
    ...base,
    kind: z.literal("webhook"),
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    /** When the URL itself is a secret (it carries a token). */
    urlEnv: envName.optional(),
    /** HMAC-SHA256 key (Standard Webhooks: `whsec_` + base64, or any string of ≥ 16 characters). */
    secretEnv: envName,
  })
  .strict()
  .refine((w) => (w.url === undefined) !== (w.urlEnv === undefined), { message: "give exactly one of url and urlEnv", path: ["url"] });
const EmailSchema = z
  .object({
    ...base,
    kind: z.literal("email"),
    smtp: z
      .object({
        host: z.string().min(1).max(255),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().min(1).max(255).optional(),
        passwordEnv: envName.optional(),
      })
      .strict(),
    from: z.email(),
    to: z.array(z.email()).min(1).max(100),
  })
  .strict();

export const ChannelSchema = z.discriminatedUnion("kind", [SlackSchema, TeamsSchema, WebhookSchema, EmailSchema]);
export type ChannelConfig = z.output<typeof ChannelSchema>;

/** Which events go to which channels; every filter given must match. */
export const RuleSchema = z
  .object({
    events: z.array(z.enum(EVENT_TYPES)).min(1),
    channels: z.array(channelId).min(1),
    /** Only incidents at least this severe (SEV1 is the most severe). */
    minSeverity: z.enum(SEVERITIES).optional(),
    /** Only incidents or alerts touching one of these services. */
    services: z.array(z.string().min(1)).min(1).optional(),
    /** Drill incidents: left out (default), included too, or only they. */
    drills: z.enum(["exclude", "include", "only"]).default("exclude"),
  })
  .strict();
export type NotificationRule = z.output<typeof RuleSchema>;

export const NotificationsConfigSchema = z
  .object({
    channels: z.array(ChannelSchema).max(100).default([]),
    rules: z.array(RuleSchema).max(200).default([]),
    /** Every call to a channel gives up after this long. */
    timeoutSeconds: z.number().min(0.1).max(120).default(10),
    /** Attempts per delivery (the first included) before it is marked failed. */
    maxAttempts: z.number().int().min(1).max(50).default(8),
    /** Full-jitter backoff: attempt n waits a random time in [0, min(cap, base × 2ⁿ)]. */
    backoffBaseSeconds: z.number().min(0.01).max(3600).default(2),
    backoffCapSeconds: z.number().min(0.01).max(86_400).default(600),
    /** Where links in messages point (the war room as people reach it), e.g. https://warroom.example.com. */
    linkBase: z.url().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const ids = new Map<string, number>();
    cfg.channels.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: "custom", path: ["channels", i, "id"], message: `duplicate channel id "${c.id}" (also channels[${ids.get(c.id)}])` });
      else ids.set(c.id, i);
    });
    cfg.rules.forEach((r, i) =>
      r.channels.forEach((c, j) => {
        if (!ids.has(c)) ctx.addIssue({ code: "custom", path: ["rules", i, "channels", j], message: `unknown channel "${c}"` });
      }),
    );
    if (cfg.backoffCapSeconds < cfg.backoffBaseSeconds) ctx.addIssue({ code: "custom", path: ["backoffCapSeconds"], message: "must be at least backoffBaseSeconds" });
  });
export type NotificationsConfig = z.output<typeof NotificationsConfigSchema>;

/** A channel with its secrets read from the environment: what the senders use. Never logged or answered. */
export type ResolvedChannel =
  | { id: string; kind: "slack" | "teams"; name: string; url: string; secrets: string[] }
  | { id: string; kind: "webhook"; name: string; url: string; key: Buffer; secrets: string[] }
  | { id: string; kind: "email"; name: string; smtp: { host: string; port: number; secure: boolean; user?: string; password?: string }; from: string; to: string[]; secrets: string[] };

type Problem = { path: string; message: string };

/**
 * Reads each channel's secrets from the environment. A missing or unusable variable is a problem
 * with its config path and reason (never the value); start-up refuses with any (lib/config/load.ts).
 */
export function resolveChannels(cfg: NotificationsConfig, env: Record<string, string | undefined>): { channels: ResolvedChannel[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const channels: ResolvedChannel[] = [];
  const read = (path: string, name: string): string | undefined => {
    const v = env[name];
    if (v === undefined || v === "") problems.push({ path, message: `environment variable ${name} is not set` });
    return v || undefined;
  };
  const url = (path: string, name: string): string | undefined => {
    const v = read(path, name);
    if (v !== undefined && !/^https?:\/\/[^\s]+$/.test(v)) {
      problems.push({ path, message: `environment variable ${name} is not an http(s) URL` });
      return undefined;
    }
    return v;
  };
  cfg.channels.forEach((c, i) => {
    const at = `notifications.channels[${i}]`;
    const name = c.name ?? c.id;
    if (c.kind === "slack" || c.kind === "teams") {
      const u = url(`${at}.urlEnv`, c.urlEnv);
      if (u) channels.push({ id: c.id, kind: c.kind, name, url: u, secrets: [u] });
    } else if (c.kind === "webhook") {
      const u = c.url ?? (c.urlEnv ? url(`${at}.urlEnv`, c.urlEnv) : undefined);
      const s = read(`${at}.secretEnv`, c.secretEnv);
      const key = s === undefined ? undefined : signingKey(s);
      if (s !== undefined && key === undefined) problems.push({ path: `${at}.secretEnv`, message: `environment variable ${c.secretEnv} is too short (at least 16 characters, or whsec_ and base64)` });
      if (u && key && s) channels.push({ id: c.id, kind: "webhook", name, url: u, key, secrets: [s, ...(c.urlEnv ? [u] : [])] });
    } else {
      const password = c.smtp.passwordEnv ? read(`${at}.smtp.passwordEnv`, c.smtp.passwordEnv) : undefined;
      if (c.smtp.passwordEnv && !c.smtp.user) problems.push({ path: `${at}.smtp.user`, message: "a password needs a user" });
      channels.push({ id: c.id, kind: "email", name, smtp: { host: c.smtp.host, port: c.smtp.port, secure: c.smtp.secure, user: c.smtp.user, password }, from: c.from, to: c.to, secrets: password ? [password] : [] });
    }
  });
  return { channels, problems };
}

/** The HMAC key of a webhook secret: Standard Webhooks' `whsec_<base64>`, else the string's bytes. */
export function signingKey(secret: string): Buffer | undefined {
  if (secret.startsWith("whsec_")) {
    const b = Buffer.from(secret.slice(6), "base64");
    return b.length >= 16 ? b : undefined;
  }
  return secret.length >= 16 ? Buffer.from(secret, "utf8") : undefined;
}
