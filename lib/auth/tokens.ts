import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Invalid, NotFound } from "../errors";
import type { AuthCtx } from "./context";
import { parseInput } from "./context";
import { TokenInfoSchema, type TokenInfo } from "./contract";
import { TOKEN_SCOPES, TokenScopeSchema, authorize, tokenRole, type Identity, type TokenScope } from "./policy";
import { getToken, insertToken, listTokenRows, revokeTokenRow, tokensWithPrefix, touchToken, type TokenRow } from "./repo";
import { SECRET_PATTERN, constantTimeEqual, randomSecret, sha256Hex } from "./secrets";

export { TokenInfoSchema, type TokenInfo };

/** last_used_at moves at most this often. */
export const TOKEN_TOUCH_EVERY_MS = 60_000;

/** `wr_<first 8 hex of the id>_<32 random bytes base64url>`; the middle part finds the row. */
const TOKEN_PATTERN = /^wr_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;


const timeInput = z.union([
  z.number().int().positive(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

export const CreateTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(TokenScopeSchema)
      .min(1, "give at least one scope")
      .max(TOKEN_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, { message: "scopes must not repeat" }),
    /** Epoch milliseconds or an RFC 3339 time, in the future; none means the token does not expire. */
    expiresAt: timeInput.optional(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof CreateTokenSchema>;

/** Mints a token (admins only); the secret is returned this once and stored hashed. */
export async function createToken({ ctx, input, actor }: { ctx: AuthCtx; input: unknown; actor: Identity }): Promise<{ token: TokenInfo; secret: string }> {
  const body = parseInput(CreateTokenSchema, input, "token");
  authorize(actor, { role: "admin" });
  const now = ctx.clock.now();
  if (body.expiresAt !== undefined && body.expiresAt <= now) {
    throw new Invalid("invalid token: expiresAt: must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  }
  const id = randomUUID();
  const prefix = id.slice(0, 8);
  const secret = `wr_${prefix}_${randomSecret()}`;
  const row: TokenRow = {
    id,
    name: body.name,
    scopes: JSON.stringify(TOKEN_SCOPES.filter((s) => body.scopes.includes(s))),
    secret_hash: sha256Hex(secret),
    prefix,
    created_by: actor.subject,
    created_at: now,
    expires_at: body.expiresAt ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  await insertToken(ctx.store, row);
  return { token: toInfo(row), secret };
}

/** Every token, newest first, revoked and expired ones included (with their times). */
export async function listTokens(ctx: AuthCtx): Promise<TokenInfo[]> {
  return (await listTokenRows(ctx.store)).map(toInfo);
}

/** Revokes a token at once (admins only); revoking twice keeps the first time. */
export async function revokeToken({ ctx, id, actor }: { ctx: AuthCtx; id: unknown; actor: Identity }): Promise<TokenInfo> {
  const tokenId = parseInput(z.uuid(), id, "token id");
  authorize(actor, { role: "admin" });
  if (!(await getToken(ctx.store, tokenId))) throw new NotFound(`no token ${tokenId}`);
  await revokeTokenRow(ctx.store, tokenId, ctx.clock.now());
  const row = await getToken(ctx.store, tokenId);
  if (!row) throw new NotFound(`no token ${tokenId}`);
  return toInfo(row);
}

/**
 * The identity of a bearer token (`wr_…`, with or without a leading "Bearer "), or null when it
 * is unknown, revoked or expired. Read from the store every time: a revoke is effective at once.
 */
export async function resolveToken(ctx: AuthCtx, bearer: string): Promise<Identity | null> {
  const raw = z.string().max(200).safeParse(bearer);
  if (!raw.success) return null;
  const match = TOKEN_PATTERN.exec(raw.data.replace(/^Bearer\s+/i, "").trim());
  if (!match || !SECRET_PATTERN.test(match[2])) return null;
  const hash = sha256Hex(match[0]);
  const now = ctx.clock.now();
  const row = (await tokensWithPrefix(ctx.store, match[1])).find((r) => constantTimeEqual(r.secret_hash, hash));
  if (!row || row.revoked_at !== null || (row.expires_at !== null && now >= row.expires_at)) return null;
  if (row.last_used_at === null || now - row.last_used_at >= TOKEN_TOUCH_EVERY_MS) {
    await touchToken(ctx.store, row.id, now, now - TOKEN_TOUCH_EVERY_MS);
  }
  const info = toInfo(row);
  return { subject: `token:${info.id}`, name: info.name, email: null, role: tokenRole(info.scopes) ?? "viewer", via: { kind: "token", tokenId: info.id, scopes: info.scopes } };
}

function toInfo(row: TokenRow): TokenInfo {
  const scopes = z.array(TokenScopeSchema).safeParse(JSON.parse(row.scopes));
  if (!scopes.success) throw new Error(`Token ${row.id} has unknown scopes in the database`);
  const info: TokenInfo = {
    id: row.id,
    name: row.name,
    scopes: scopes.data as TokenScope[],
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
  return info;
}
