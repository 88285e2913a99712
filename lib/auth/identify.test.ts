import { describe, expect, it } from "vitest";
import { AuthConfigSchema } from "./config";
import type { AuthCtx } from "./context";
import { SESSION_COOKIE, identify, readCookie } from "./identify";
import type { Identity } from "./policy";
import { createSession, revokeSession } from "./sessions";
import { createToken, revokeToken } from "./tokens";
import { authStoreSuites } from "./testing/suite";

const ada: Identity = { subject: "ada", name: "Ada", email: null, role: "admin", via: { kind: "local" } };
const oidc = { issuer: "https://idp.example", clientId: "war-room", roles: { admin: [], responder: ["sre-oncall"], viewer: ["*"] } };

authStoreSuites("identify", { mode: "oidc", publicOrigins: ["https://war-room.example"], oidc }, (s) => {
  const mode = (m: "local" | "none" | "oidc"): AuthCtx => ({ ...s.ctx, config: { ...s.ctx.config, mode: m } });

  it("oidc mode: the session cookie, or a bearer token; nothing else", async () => {
    const { cookieValue, session } = await createSession(s.ctx, { subject: "rhea", name: "Rhea", email: null, role: "responder", groups: ["sre-oncall"] });
    const { token, secret } = await createToken({ ctx: s.ctx, input: { name: "push", scopes: ["ingest"] }, actor: ada });
    const cookie = `theme=dark; ${SESSION_COOKIE}=${cookieValue}; other=1`;
    expect(await identify(s.ctx, { cookie })).toMatchObject({ subject: "rhea", role: "responder", via: { kind: "session", sessionId: session.id } });
    expect(await identify(s.ctx, { authorization: `Bearer ${secret}` })).toMatchObject({ via: { kind: "token", tokenId: token.id, scopes: ["ingest"] } });
    expect(await identify(s.ctx, { localUser: "Mallory" })).toBeNull();
    expect(await identify(s.ctx, {})).toBeNull();
    // A bad token is not rescued by the cookie.
    expect(await identify(s.ctx, { cookie, authorization: "Bearer wr_nope" })).toBeNull();
    expect(await identify(s.ctx, { cookie, authorization: "Bearer" })).toBeNull();
    expect(await identify(s.ctx, { cookie, authorization: "Basic Zm9vOmJhcg==" })).toMatchObject({ subject: "rhea" });
    await revokeSession(s.ctx, cookieValue);
    expect(await identify(s.ctx, { cookie })).toBeNull();
    await revokeToken({ ctx: s.ctx, id: token.id, actor: ada });
    expect(await identify(s.ctx, { authorization: `Bearer ${secret}` })).toBeNull();
  });

  it("local mode: the X-War-Room-User name as admin, and tokens still work", async () => {
    const local = mode("local");
    expect(await identify(local, { localUser: "Zo%C3%AB" })).toEqual({ subject: "local:Zoë", name: "Zoë", email: null, role: "admin", via: { kind: "local" } });
    expect(await identify(local, {})).toMatchObject({ name: "anonymous", role: "admin", via: { kind: "local" } });
    const { secret } = await createToken({ ctx: local, input: { name: "ro", scopes: ["read"] }, actor: ada });
    expect(await identify(local, { localUser: "Ada", authorization: `bearer ${secret}` })).toMatchObject({ role: "viewer", via: { kind: "token" } });
    expect(await identify(local, { localUser: "Ada", authorization: "Bearer wr_forged" })).toBeNull();
  });

  it("none mode: everyone is an anonymous admin", async () => {
    expect(await identify(mode("none"), {})).toEqual({ subject: "anonymous", name: "anonymous", email: null, role: "admin", via: { kind: "none" } });
  });
});

describe("readCookie", () => {
  it("finds one cookie in a header", () => {
    expect(readCookie("a=1; wr_session=abc; b=2", "wr_session")).toBe("abc");
    expect(readCookie('wr_session="q"', "wr_session")).toBe("q");
    expect(readCookie("xwr_session=abc", "wr_session")).toBeNull();
    expect(readCookie(undefined, "wr_session")).toBeNull();
  });
  it("has a local default config to identify against", () => {
    expect(AuthConfigSchema.parse({}).mode).toBe("local");
  });
});
