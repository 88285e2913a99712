import { describe, expect, it } from "vitest";
import { formatPath } from "../errors";
import { AuthConfigSchema } from "./config";

function problems(input: unknown): string[] {
  const r = AuthConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

const oidc = { issuer: "https://idp.example.com/realms/x", clientId: "war-room" };

describe("auth config", () => {
  it("defaults to local mode with the documented defaults", () => {
    expect(AuthConfigSchema.parse({})).toEqual({
      mode: "local",
      publicOrigins: [],
      session: { idleMinutes: 480, absoluteHours: 24 },
      frameAncestors: [],
      auditRetentionDays: 365,
    });
  });

  it("fills the oidc defaults", () => {
    const cfg = AuthConfigSchema.parse({ mode: "oidc", publicOrigins: ["https://War-Room.example.com:443/"], oidc });
    expect(cfg.publicOrigins).toEqual(["https://war-room.example.com"]);
    expect(cfg.oidc).toEqual({
      ...oidc,
      scopes: ["openid", "profile", "email", "groups"],
      groupsClaim: "groups",
      nameClaim: "name",
      emailClaim: "email",
      roles: { admin: [], responder: [], viewer: ["*"] },
      timeoutSeconds: 5,
    });
  });

  it("needs an oidc block and a public origin in oidc mode, with paths", () => {
    expect(problems({ mode: "oidc" })).toEqual([
      'oidc: mode "oidc" needs an oidc block (issuer, clientId, roles)',
      'publicOrigins: mode "oidc" needs at least one public origin (the redirect URI is built from it)',
    ]);
  });

  it("rejects origins with a path, other schemes and unknown keys", () => {
    expect(problems({ publicOrigins: ["https://a.example/war-room"] })).toEqual(["publicOrigins[0]: must be an origin only (scheme, host and port), without a path, query or fragment"]);
    expect(problems({ publicOrigins: ["ftp://a.example"] })).toEqual(["publicOrigins[0]: must use http or https"]);
    expect(problems({ publicOrigins: ["https://a.example?x"] })).toHaveLength(1);
    expect(problems({ frameAncestors: ["'self'", "https://kiosk.example", "*"] })).toHaveLength(1);
    expect(problems({ mood: "x" })[0]).toMatch(/mood/);
    expect(problems({ mode: "oidc", publicOrigins: ["https://a.example"], oidc: { ...oidc, secret: "x" } })[0]).toMatch(/^oidc: .*secret/);
  });

  it("allows a plain-http issuer only on loopback, and needs the openid scope", () => {
    const base = { mode: "oidc", publicOrigins: ["http://127.0.0.1:3000"] };
    expect(problems({ ...base, oidc: { ...oidc, issuer: "http://127.0.0.1:9000" } })).toEqual([]);
    expect(problems({ ...base, oidc: { ...oidc, issuer: "http://idp.example.com" } })).toEqual(["oidc.issuer: must use https (plain http is allowed only for a loopback test identity provider)"]);
    expect(problems({ ...base, oidc: { ...oidc, scopes: ["profile"] } })).toEqual(['oidc.scopes: must include "openid"']);
  });
});
