import { z } from "zod";
import { RoleSchema, TokenScopeSchema } from "./policy";

/**
 * What the API answers about sign-in, tokens and the audit log: one schema each, for the routes
 * (lib/server/auth-routes.ts), the OpenAPI document and the browser (components/auth). No store here.
 */

export const AUTH_MODES = ["local", "none", "oidc"] as const;

/** A token as listed: never the secret, never its hash. */
export const TokenInfoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(TokenScopeSchema),
    /** Shown as `wr_<prefix>_…` so people can tell tokens apart. */
    prefix: z.string(),
    createdBy: z.string(),
    createdAt: z.number(),
    expiresAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
    lastUsedAt: z.number().nullable(),
  })
  .strict();
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

/** One line of the audit log, as listed and exported. */
export const AuditEntrySchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    at: z.number(),
    actorSubject: z.string(),
    actorName: z.string(),
    role: RoleSchema.nullable(),
    /** "session", "token:<id>", "local", "none", or "anonymous" for a request without an identity. */
    via: z.string(),
    /** e.g. "POST /api/v1/incidents". */
    action: z.string(),
    target: z.string().nullable(),
    address: z.string().nullable(),
    /** The HTTP status the write answered with. */
    result: z.number().int(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** `GET /api/v1/me`: how this war room signs people in, and who is asking (null: signed out). */
export const MeSchema = z
  .object({
    mode: z.enum(AUTH_MODES),
    user: z.object({ name: z.string(), email: z.string().nullable(), role: RoleSchema, via: z.enum(["session", "token", "local", "none"]) }).nullable(),
    signInUrl: z.string().startsWith("/"),
    signOutUrl: z.string().startsWith("/"),
  })
  .meta({ id: "Me" });
