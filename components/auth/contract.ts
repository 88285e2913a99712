import { z } from "zod";

/*
 * The browser's copy of the auth contract. lib/auth/tokens.ts and lib/auth/audit.ts import the
 * store, so the browser cannot import their schemas; contract.test.ts checks these stay in
 * step with lib/auth (same roles, scopes and fields).
 */

export const ROLES = ["viewer", "responder", "admin"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const AUTH_MODES = ["local", "none", "oidc"] as const;
export const AuthModeSchema = z.enum(AUTH_MODES);
export type AuthMode = z.infer<typeof AuthModeSchema>;

export const TOKEN_SCOPES = ["ingest", "alertmanager", "read", "write"] as const;
export const TokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScopeSchema>;

/** `GET /api/v1/me`: how this war room signs people in, and who this browser is (null: signed out). */
export const MeSchema = z.object({
  mode: AuthModeSchema,
  user: z
    .object({
      name: z.string(),
      email: z.string().nullable(),
      role: RoleSchema,
      via: z.enum(["session", "token", "local", "none"]),
    })
    .nullable(),
  signInUrl: z.string().startsWith("/"),
  signOutUrl: z.string().startsWith("/"),
});
export type Me = z.infer<typeof MeSchema>;
export type MeUser = NonNullable<Me["user"]>;

/** A token as listed (never its secret). */
export const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(TokenScopeSchema),
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export const TokenListSchema = z.object({ tokens: z.array(TokenInfoSchema) });
export const CreatedTokenSchema = z.object({ token: TokenInfoSchema, secret: z.string().startsWith("wr_") });
export const RevokedTokenSchema = z.object({ token: TokenInfoSchema });
export type CreateTokenBody = { name: string; scopes: TokenScope[]; expiresAt?: number };

/** One line of the audit log. */
export const AuditEntrySchema = z.object({
  id: z.string(),
  seq: z.number(),
  at: z.number(),
  actorSubject: z.string(),
  actorName: z.string(),
  role: RoleSchema.nullable(),
  via: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  address: z.string().nullable(),
  result: z.number(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });

export const RESULT_CLASSES = ["2xx", "4xx", "5xx"] as const;
export type ResultClass = (typeof RESULT_CLASSES)[number];
