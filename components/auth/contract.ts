import { z } from "zod";

/** The auth contract as the browser reads it: the shared schemas of lib/auth (no store behind them). */
export { ROLES, RoleSchema, TOKEN_SCOPES, TokenScopeSchema, type Role, type TokenScope } from "@/lib/auth/policy";
export { AUTH_MODES, AuditEntrySchema, MeSchema, TokenInfoSchema, type AuditEntry, type TokenInfo } from "@/lib/auth/contract";
import { AUTH_MODES, AuditEntrySchema, MeSchema, TokenInfoSchema } from "@/lib/auth/contract";
import type { TokenScope } from "@/lib/auth/policy";

export const AuthModeSchema = z.enum(AUTH_MODES);
export type AuthMode = z.infer<typeof AuthModeSchema>;
export type Me = z.infer<typeof MeSchema>;
export type MeUser = NonNullable<Me["user"]>;

export const TokenListSchema = z.object({ tokens: z.array(TokenInfoSchema) });
export const CreatedTokenSchema = z.object({ token: TokenInfoSchema, secret: z.string().startsWith("wr_") });
export const RevokedTokenSchema = z.object({ token: TokenInfoSchema });
export type CreateTokenBody = { name: string; scopes: TokenScope[]; expiresAt?: number };

export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });

export const RESULT_CLASSES = ["2xx", "4xx", "5xx"] as const;
export type ResultClass = (typeof RESULT_CLASSES)[number];
