import { describe, expect, it } from "vitest";
import { MeSchema } from "./contract";

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
