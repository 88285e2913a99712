import { describe, expect, it } from "vitest";
import { documentCsp, hostAllowed, isLoopbackHostname, originAllowed, type SecurityCtx } from "./security";

const local: SecurityCtx = { mode: "local", publicOrigins: [], frameAncestors: [], dev: false };
const oidc: SecurityCtx = { mode: "oidc", publicOrigins: ["https://war.example.com"], frameAncestors: [], dev: false };

describe("edge checks", () => {
  it("knows loopback names", () => {
    for (const h of ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) expect(isLoopbackHostname(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "127.0.0.256", "localhost.evil.example", "128.0.0.1"]) expect(isLoopbackHostname(h), h).toBe(false);
  });

  it("serves loopback Hosts only without sign-in; oidc serves its public origins only", () => {
    expect(hostAllowed("127.0.0.1:3000", local)).toBe(true);
    expect(hostAllowed("127.0.0.1:3000", oidc)).toBe(false);
    expect(hostAllowed("war.example.com", oidc)).toBe(true);
    expect(hostAllowed("WAR.example.com:443", oidc)).toBe(true);
    expect(hostAllowed("war.example.com:80", oidc)).toBe(false);
    expect(hostAllowed(undefined, local)).toBe(false);
    expect(hostAllowed("a b", local)).toBe(false);
  });

  it("takes the public origins and, without sign-in, the request's own loopback origin", () => {
    expect(originAllowed("https://war.example.com", "war.example.com", oidc)).toBe(true);
    expect(originAllowed("https://war.example.com/", "war.example.com", oidc)).toBe(false);
    expect(originAllowed("http://127.0.0.1:3000", "127.0.0.1:3000", oidc)).toBe(false);
    expect(originAllowed("http://127.0.0.1:3000", "127.0.0.1:3000", local)).toBe(true);
    expect(originAllowed("http://127.0.0.1:3001", "127.0.0.1:3000", local)).toBe(false);
    expect(originAllowed("null", "127.0.0.1:3000", local)).toBe(false);
  });

  it("builds a nonce CSP without unsafe-inline for scripts", () => {
    const csp = documentCsp("abc123==", { ...oidc, frameAncestors: ["'self'"] });
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("connect-src 'self' wss://war.example.com");
    expect(csp).toContain("frame-ancestors 'self'");
    const dev = documentCsp("n", { ...local, dev: true });
    expect(dev).toContain("'unsafe-eval'");
    expect(dev).toContain("connect-src 'self' ws:");
    expect(dev).toContain("frame-ancestors 'none'");
  });
});
