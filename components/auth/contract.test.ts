import { describe, expect, it } from "vitest";
import { AuditEntrySchema as ServerAuditEntrySchema } from "@/lib/auth/audit";
import { AUTH_MODES as SERVER_AUTH_MODES } from "@/lib/auth/config";
import { ROLES as SERVER_ROLES, TOKEN_SCOPES as SERVER_SCOPES } from "@/lib/auth/policy";
import { TokenInfoSchema as ServerTokenInfoSchema } from "@/lib/auth/tokens";
import { AUTH_MODES, AuditEntrySchema, MeSchema, ROLES, TOKEN_SCOPES, TokenInfoSchema } from "./contract";

describe("/api/v1/me", () => {
  it("parses a signed-in user in oidc mode", () => {
    const me = MeSchema.parse({
      mode: "oidc",
      user: { name: "Vera Viewer", email: "vera@example.test", role: "viewer", via: "session" },
      signInUrl: "/auth/login",
      signOutUrl: "/auth/logout",
    });
    expect(me.user?.role).toBe("viewer");
  });

  it("parses signed out (user null) and local mode", () => {
    expect(MeSchema.parse({ mode: "oidc", user: null, signInUrl: "/auth/login", signOutUrl: "/auth/logout" }).user).toBeNull();
    const local = MeSchema.parse({ mode: "local", user: { name: "local", email: null, role: "admin", via: "local" }, signInUrl: "/auth/login", signOutUrl: "/auth/logout" });
    expect(local.mode).toBe("local");
  });

  it("refuses an unknown role, mode or via, a missing user key and off-site sign-in URLs", () => {
    const ok = { mode: "oidc", user: { name: "x", email: null, role: "viewer", via: "session" }, signInUrl: "/auth/login", signOutUrl: "/auth/logout" };
    expect(MeSchema.safeParse(ok).success).toBe(true);
    expect(MeSchema.safeParse({ ...ok, user: { ...ok.user, role: "owner" } }).success).toBe(false);
    expect(MeSchema.safeParse({ ...ok, user: { ...ok.user, via: "cookie" } }).success).toBe(false);
    expect(MeSchema.safeParse({ ...ok, mode: "saml" }).success).toBe(false);
    const { user: _user, ...noUser } = ok;
    expect(MeSchema.safeParse(noUser).success).toBe(false);
    expect(MeSchema.safeParse({ ...ok, signInUrl: "https://evil.example/login" }).success).toBe(false);
  });
});

describe("the browser's auth contract stays in step with lib/auth", () => {
  it("has the same roles, modes and token scopes", () => {
    expect([...ROLES]).toEqual([...SERVER_ROLES]);
    expect([...AUTH_MODES]).toEqual([...SERVER_AUTH_MODES]);
    expect([...TOKEN_SCOPES]).toEqual([...SERVER_SCOPES]);
  });

  it("has the same token and audit entry fields, and reads what the server writes", () => {
    expect(Object.keys(TokenInfoSchema.shape).sort()).toEqual(Object.keys(ServerTokenInfoSchema.shape).sort());
    expect(Object.keys(AuditEntrySchema.shape).sort()).toEqual(Object.keys(ServerAuditEntrySchema.shape).sort());
    const token = {
      id: "0193a1b2-0000-7000-8000-000000000001",
      name: "ingest",
      scopes: ["ingest"],
      prefix: "0193a1b2",
      createdBy: "ada",
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    };
    expect(TokenInfoSchema.parse(ServerTokenInfoSchema.parse(token))).toEqual(token);
    const entry = {
      id: "0193a1b2-0000-7000-8000-000000000002",
      seq: 1,
      at: 2,
      actorSubject: "rhea",
      actorName: "Rhea Responder",
      role: "responder",
      via: "session",
      action: "POST /api/v1/incidents",
      target: null,
      address: "127.0.0.1",
      result: 201,
      detail: null,
    };
    expect(AuditEntrySchema.parse(ServerAuditEntrySchema.parse(entry))).toEqual(entry);
  });
});
