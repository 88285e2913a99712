import { z } from "zod";
import { AUTH_MODES } from "./contract";

/**
 * The `auth:` slice of the config file. The OIDC client secret is not here: it comes from
 * WAR_ROOM_OIDC_CLIENT_SECRET and is handed to createOidcClient by the composition root.
 */

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function originProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an origin such as https://war-room.example.com";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http or https";
  if (url.username || url.password) return "must not contain credentials";
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || /[?#]/.test(value)) {
    return "must be an origin only (scheme, host and port), without a path, query or fragment";
  }
  return null;
}

/** An http(s) origin, normalised to `URL.origin` (lower-case host, default port dropped, no trailing slash). */
export const OriginSchema = z
  .string()
  .max(300)
  .superRefine((v, ctx) => {
    const problem = originProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((v) => new URL(v).origin);

const group = z.string().min(1).max(200);

export const OidcRolesSchema = z
  .object({
    /** Group names whose members get the role; "*" means anyone who signs in. */
    admin: z.array(group).max(100).default([]),
    responder: z.array(group).max(100).default([]),
    viewer: z.array(group).max(100).default(["*"]),
  })
  .strict();

const claimName = z.string().min(1).max(100);

export const OidcConfigSchema = z
  .object({
    issuer: z.url({ protocol: /^https?$/ }).max(1000),
    clientId: z.string().min(1).max(500),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "must be a single OAuth scope token"))
      .min(1)
      .max(20)
      .default(["openid", "profile", "email", "groups"])
      .refine((s) => s.includes("openid"), { message: 'must include "openid"' }),
    groupsClaim: claimName.default("groups"),
    nameClaim: claimName.default("name"),
    emailClaim: claimName.default("email"),
    roles: OidcRolesSchema.prefault({}),
    /** Bounds every request to the identity provider (discovery, token, userinfo, keys). */
    timeoutSeconds: z.number().positive().max(60).default(5),
  })
  .strict()
  .superRefine((o, ctx) => {
    const url = new URL(o.issuer);
    if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
      ctx.addIssue({ code: "custom", path: ["issuer"], message: "must use https (plain http is allowed only for a loopback test identity provider)" });
    }
  });

/** A CSP frame-ancestors source: 'self' or an http(s) origin (kiosk embedding is opt-in). */
const FrameAncestorSchema = z.union([z.literal("'self'"), OriginSchema]);

export const SessionConfigSchema = z
  .object({
    /** A session unused this long ends. */
    idleMinutes: z.number().int().min(1).max(60 * 24 * 30).default(480),
    /** A session ends this long after sign-in, used or not. */
    absoluteHours: z.number().int().min(1).max(24 * 90).default(24),
  })
  .strict();

export { AUTH_MODES } from "./contract";

export const AuthConfigSchema = z
  .object({
    /** local: single user on loopback (X-War-Room-User names the writer); none: no auth at all; oidc: sign-in with roles. */
    mode: z.enum(AUTH_MODES).default("local"),
    /** Origins the war room is reached at (the OIDC redirect URI and the Origin check use them). */
    publicOrigins: z.array(OriginSchema).max(20).default([]),
    oidc: OidcConfigSchema.optional(),
    session: SessionConfigSchema.prefault({}),
    frameAncestors: z.array(FrameAncestorSchema).max(20).default([]),
    auditRetentionDays: z.number().int().min(1).max(3650).default(365),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.mode !== "oidc") return;
    if (!cfg.oidc) ctx.addIssue({ code: "custom", path: ["oidc"], message: 'mode "oidc" needs an oidc block (issuer, clientId, roles)' });
    if (cfg.publicOrigins.length === 0) {
      ctx.addIssue({ code: "custom", path: ["publicOrigins"], message: 'mode "oidc" needs at least one public origin (the redirect URI is built from it)' });
    }
  });

export type AuthConfig = z.output<typeof AuthConfigSchema>;
export type AuthConfigInput = z.input<typeof AuthConfigSchema>;
export type OidcConfig = z.output<typeof OidcConfigSchema>;
export type AuthMode = (typeof AUTH_MODES)[number];
