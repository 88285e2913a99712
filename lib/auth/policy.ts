import { z } from "zod";
import { Forbidden, Unauthorized } from "../errors";

/** Roles in increasing order of power: each includes what the ones before it may do. */
export const ROLES = ["viewer", "responder", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** What a machine token may do: push samples, deliver Alertmanager webhooks, read, write. */
export const TOKEN_SCOPES = ["ingest", "alertmanager", "read", "write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export const TokenScopeSchema = z.enum(TOKEN_SCOPES);

/** What an operation needs; every route and client message names one. */
export type Requirement = { public: true } | { role: Role } | { role: Role; orScope: TokenScope } | { scope: TokenScope };

export const IdentityViaSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("session"), sessionId: z.string().min(1) }),
  z.object({ kind: z.literal("token"), tokenId: z.string().min(1), scopes: z.array(TokenScopeSchema) }),
  z.object({ kind: z.literal("local") }),
  z.object({ kind: z.literal("none") }),
]);

/**
 * Who is asking. For a token, `role` is what its scopes act as (write → responder, otherwise
 * viewer) and is informational: authorize() decides from the scopes.
 */
export const IdentitySchema = z.object({
  subject: z.string().min(1).max(500),
  name: z.string().max(500),
  email: z.string().max(500).nullable(),
  role: RoleSchema,
  via: IdentityViaSchema,
});
export type Identity = z.infer<typeof IdentitySchema>;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function atLeast(role: Role, needed: Role): boolean {
  return roleRank(role) >= roleRank(needed);
}

/** The highest role a token's scopes stand in for; tokens never act as admin. */
export function tokenRole(scopes: readonly TokenScope[]): Role | null {
  if (scopes.includes("write")) return "responder";
  if (scopes.includes("read")) return "viewer";
  return null;
}

/**
 * Throws Unauthorized when an identity is needed and there is none, Forbidden when the role
 * or scope is too low (the message says what is needed); returns when allowed.
 */
export function authorize(identity: Identity | null, req: Requirement): void {
  if ("public" in req) return;
  if (!identity) throw new Unauthorized(describeNeed(req, "sign in first"));

  if (identity.via.kind === "token") {
    const scopes = identity.via.scopes;
    if ("scope" in req) {
      if (scopes.includes(req.scope)) return;
      throw new Forbidden(`needs a token with the ${req.scope} scope (this token has ${listScopes(scopes)})`, { needed: { scope: req.scope } });
    }
    // No token ever satisfies admin, not even through `orScope`.
    if (req.role === "admin") throw new Forbidden("needs the admin role (tokens never act as admin)", { needed: needOf(req) });
    if ("orScope" in req && scopes.includes(req.orScope)) return;
    const acting = tokenRole(scopes);
    if (acting && atLeast(acting, req.role)) return;
    const alternatives = "orScope" in req ? ` or the ${req.orScope} scope` : "";
    throw new Forbidden(`needs the ${req.role} role${alternatives} (this token has ${listScopes(scopes)})`, { needed: needOf(req) });
  }

  if ("scope" in req) {
    // local and none modes trust the one machine they run on: its user may push and deliver webhooks.
    if (identity.via.kind === "local" || identity.via.kind === "none") return;
    throw new Forbidden(`needs an API token with the ${req.scope} scope (you are signed in as ${identity.role})`, { needed: { scope: req.scope } });
  }
  if (atLeast(identity.role, req.role)) return;
  throw new Forbidden(`needs the ${req.role} role (you are ${identity.role})`, { needed: needOf(req) });
}

function needOf(req: { role: Role; orScope?: TokenScope }): { role: Role; orScope?: TokenScope } {
  return req.orScope ? { role: req.role, orScope: req.orScope } : { role: req.role };
}

function describeNeed(req: Exclude<Requirement, { public: true }>, prefix: string): string {
  if ("scope" in req) return `${prefix}: needs an API token with the ${req.scope} scope`;
  if ("orScope" in req) return `${prefix}: needs the ${req.role} role or a token with the ${req.orScope} scope`;
  return `${prefix}: needs the ${req.role} role`;
}

function listScopes(scopes: readonly TokenScope[]): string {
  return scopes.length ? `scopes ${scopes.join(", ")}` : "no scopes";
}
