import { expect, it } from "vitest";
import { Forbidden, Invalid, NotFound } from "../errors";
import { listAudit, recordAudit } from "./audit";
import type { Identity } from "./policy";
import { CreateTokenSchema, TokenInfoSchema, createToken, listTokens, resolveToken, revokeToken } from "./tokens";
import { authStoreSuites } from "./testing/suite";

const ada: Identity = { subject: "ada", name: "Ada Admin", email: "ada@example.test", role: "admin", via: { kind: "session", sessionId: "s1" } };
const rhea: Identity = { subject: "rhea", name: "Rhea", email: null, role: "responder", via: { kind: "session", sessionId: "s2" } };
const DAY = 86_400_000;

authStoreSuites("API tokens", {}, (s) => {
  it("mints a token whose secret resolves to a token identity, stored hashed only", async () => {
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "prometheus push", scopes: ["ingest", "read"] }, actor: ada });
    expect(secret).toMatch(new RegExp(`^wr_${token.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(token.id.startsWith(token.prefix)).toBe(true);
    expect(TokenInfoSchema.parse(token)).toEqual({ id: token.id, name: "prometheus push", scopes: ["ingest", "read"], prefix: token.prefix, createdBy: "ada", createdAt: s.clock.now(), expiresAt: null, revokedAt: null, lastUsedAt: null });
    const rows = await s.ctx.store.db.selectFrom("api_tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret.slice("wr_".length + 9));
    expect(await resolveToken(s.ctx, secret)).toEqual({ subject: `token:${token.id}`, name: "prometheus push", email: null, role: "viewer", via: { kind: "token", tokenId: token.id, scopes: ["ingest", "read"] } });
    expect(await resolveToken(s.ctx, `Bearer ${secret}`)).toMatchObject({ via: { tokenId: token.id } });
  });

  it("never shows the secret or its hash in listTokens, nor in the audit log", async () => {
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "ci", scopes: ["write"] }, actor: ada });
    const hash = (await s.ctx.store.db.selectFrom("api_tokens").select("secret_hash").executeTakeFirstOrThrow()).secret_hash;
    const listed = await listTokens(s.ctx);
    expect(listed).toEqual([token]);
    for (const t of listed) expect(Object.keys(TokenInfoSchema.strict().parse(t))).not.toContain("secret_hash");
    const text = JSON.stringify(listed);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice("wr_".length + 9));
    expect(text).not.toContain(hash);

    // Even a careless caller that puts the whole response in the detail leaks nothing.
    await recordAudit(s.ctx, { actor: ada, action: "POST /api/v1/tokens", target: token.id, result: 201, detail: { token, secret, note: `made ${secret}`, headers: { authorization: `Bearer ${secret}` } } });
    const audit = JSON.stringify(await listAudit(s.ctx, {}));
    expect(audit).toContain(token.id);
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain(secret.slice("wr_".length + 9));
  });

  it("refuses a revoked token at once", async () => {
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "am", scopes: ["alertmanager"] }, actor: ada });
    expect(await resolveToken(s.ctx, secret)).not.toBeNull();
    const revoked = await revokeToken({ ctx: s.ctx, id: token.id, actor: ada });
    expect(revoked.revokedAt).toBe(s.clock.now());
    expect(await resolveToken(s.ctx, secret)).toBeNull();
    s.clock.advance(1000);
    expect((await revokeToken({ ctx: s.ctx, id: token.id, actor: ada })).revokedAt).toBe(revoked.revokedAt);
    await expect(revokeToken({ ctx: s.ctx, id: "6f1c2a9e-0000-4000-8000-000000000000", actor: ada })).rejects.toThrow(NotFound);
    await expect(revokeToken({ ctx: s.ctx, id: "nope", actor: ada })).rejects.toThrow(Invalid);
  });

  it("refuses an expired token, from epoch ms or an ISO time", async () => {
    const a = await createToken({ ctx: s.ctx, input: { name: "short", scopes: ["read"], expiresAt: s.clock.now() + DAY }, actor: ada });
    const b = await createToken({ ctx: s.ctx, input: { name: "iso", scopes: ["read"], expiresAt: new Date(s.clock.now() + 2 * DAY).toISOString() }, actor: ada });
    expect(b.token.expiresAt).toBe(s.clock.now() + 2 * DAY);
    s.clock.advance(DAY - 1);
    expect(await resolveToken(s.ctx, a.secret)).not.toBeNull();
    s.clock.advance(1);
    expect(await resolveToken(s.ctx, a.secret)).toBeNull();
    expect(await resolveToken(s.ctx, b.secret)).not.toBeNull();
  });

  it("validates the input: name, scopes, a future expiry, no extra keys", async () => {
    const bad = [
      { name: "", scopes: ["read"] },
      { name: "x".repeat(101), scopes: ["read"] },
      { name: "n", scopes: [] },
      { name: "n", scopes: ["root"] },
      { name: "n", scopes: ["read", "read"] },
      { name: "n", scopes: ["read"], expiresAt: s.clock.now() - 1 },
      { name: "n", scopes: ["read"], expiresAt: "tomorrow" },
      { name: "n", scopes: ["read"], secret: "mine" },
    ];
    for (const input of bad) await expect(createToken({ ctx: s.ctx, input, actor: ada })).rejects.toThrow(Invalid);
    await expect(createToken({ ctx: s.ctx, input: { name: "n", scopes: ["read"], expiresAt: s.clock.now() } , actor: ada })).rejects.toThrow(/expiresAt: must be in the future/);
    expect(CreateTokenSchema.safeParse({ name: "ok", scopes: ["write", "ingest"] }).success).toBe(true);
    expect(await listTokens(s.ctx)).toEqual([]);
  });

  it("lets only admins mint and revoke, and never a token", async () => {
    await expect(createToken({ ctx: s.ctx, input: { name: "n", scopes: ["read"] }, actor: rhea })).rejects.toThrow(Forbidden);
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "n", scopes: ["read", "write"] }, actor: ada });
    const asToken = await resolveToken(s.ctx, secret);
    expect(asToken).not.toBeNull();
    await expect(createToken({ ctx: s.ctx, input: { name: "child", scopes: ["write"] }, actor: asToken! })).rejects.toThrow(/tokens never act as admin/);
    await expect(revokeToken({ ctx: s.ctx, id: token.id, actor: rhea })).rejects.toThrow(Forbidden);
  });

  it("refuses unknown, malformed and altered secrets", async () => {
    const { secret } = await createToken({ ctx: s.ctx, input: { name: "n", scopes: ["read"] }, actor: ada });
    const last = secret.at(-1) === "A" ? "B" : "A";
    for (const bad of [secret.slice(0, -1) + last, secret.slice(0, -1), `wr_00000000_${secret.slice("wr_".length + 9)}`, "", "Bearer", "wr_", "x".repeat(500)]) {
      expect(await resolveToken(s.ctx, bad)).toBeNull();
    }
  });

  it("touches last_used_at at most once a minute", async () => {
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "n", scopes: ["ingest"] }, actor: ada });
    const used = async () => (await listTokens(s.ctx)).find((t) => t.id === token.id)?.lastUsedAt;
    await resolveToken(s.ctx, secret);
    expect(await used()).toBe(s.clock.now());
    const first = s.clock.now();
    s.clock.advance(59_000);
    await resolveToken(s.ctx, secret);
    expect(await used()).toBe(first);
    s.clock.advance(1000);
    await resolveToken(s.ctx, secret);
    expect(await used()).toBe(first + 60_000);
  });

  it("keeps tokens across a restart", async () => {
    const { secret } = await createToken({ ctx: s.ctx, input: { name: "n", scopes: ["write"] }, actor: ada });
    const again = await s.reopen();
    expect(await resolveToken(again, secret)).toMatchObject({ role: "responder", via: { scopes: ["write"] } });
  });
});
