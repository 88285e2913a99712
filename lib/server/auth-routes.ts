import { z } from "zod";
import type { HttpApi } from "./http";
import type { AuthCtx } from "../auth/context";
import { AuditEntrySchema, AuditFilterSchema, exportAudit, listAudit } from "../auth/audit";
import { CreateTokenSchema, TokenInfoSchema, createToken, listTokens, revokeToken } from "../auth/tokens";
import type { Identity } from "../auth/policy";
import { MeSchema } from "../auth/contract";
import { Unauthorized } from "../errors";


const adminOnly = { 401: "Not signed in", 403: "Needs the admin role (tokens never act as admin)" };
const tokenBody = z.object({ token: TokenInfoSchema });

function actorOf(identity: Identity | null): Identity {
  if (!identity) throw new Unauthorized("sign in first");
  return identity;
}

/** Who is signed in, API tokens and the audit log (docs/api.md "Sign-in and tokens"). */
export function addAuthRoutes(api: HttpApi, auth: AuthCtx): void {
  api.add(
    "GET",
    "/api/v1/me",
    ({ identity }) => ({
      body: {
        mode: auth.config.mode,
        user: identity ? { name: identity.name, email: identity.email, role: identity.role, via: identity.via.kind } : null,
        signInUrl: "/auth/login",
        signOutUrl: "/auth/logout",
      },
    }),
    { summary: "Who is signed in (null when nobody is), the auth mode and where to sign in and out", response: MeSchema },
  );

  api.add("GET", "/api/v1/tokens", async () => ({ body: { tokens: await listTokens(auth) } }), {
    summary: "API tokens, newest first (never their secrets)",
    response: z.object({ tokens: z.array(TokenInfoSchema) }),
    errors: adminOnly,
  });

  api.add("POST", "/api/v1/tokens", async ({ body, identity }) => ({ status: 201, body: await createToken({ ctx: auth, input: await body(), actor: actorOf(identity) }) }), {
    summary: "Create an API token; the secret is in this answer only (it is stored hashed)",
    body: CreateTokenSchema,
    status: 201,
    response: z.object({ token: TokenInfoSchema, secret: z.string() }),
    errors: { ...adminOnly, 400: "Invalid input (nothing written)" },
  });

  api.add("DELETE", "/api/v1/tokens/:id", async ({ params, identity }) => ({ body: { token: await revokeToken({ ctx: auth, id: params.id, actor: actorOf(identity) }) } }), {
    summary: "Revoke an API token (refused at once by every instance)",
    response: tokenBody,
    errors: { ...adminOnly, 404: "No such token" },
  });

  api.add("GET", "/api/v1/audit", async ({ query }) => ({ body: { entries: await listAudit(auth, Object.fromEntries(query)) } }), {
    summary: "The audit log of every write, newest first, filtered",
    query: AuditFilterSchema,
    response: z.object({ entries: z.array(AuditEntrySchema) }),
    errors: { ...adminOnly, 400: "Invalid filter" },
  });

  api.add(
    "GET",
    "/api/v1/audit/export",
    ({ query }) => ({
      stream: exportAudit(auth, Object.fromEntries(query)),
      headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": 'attachment; filename="war-room-audit.jsonl"' },
    }),
    { summary: "The audit log as JSON Lines, oldest first (same filters, no limit)", query: AuditFilterSchema, produces: "application/x-ndjson", errors: { ...adminOnly, 400: "Invalid filter" } },
  );
}
