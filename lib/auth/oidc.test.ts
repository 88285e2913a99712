import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Unauthorized, Unavailable } from "../errors";
import { manualClock } from "../time";
import { AuthConfigSchema, type AuthConfig } from "./config";
import { createOidcClient, roleFor, safeReturnTo, sealPending, unsealPending, type OidcClient } from "./oidc";
import { TEST_USERS, signInWithFetch, startTestIdp, type TestIdp, type TestUser } from "../../test/support/oidc-provider";

const ORIGIN = "http://127.0.0.1:39999";
const KEY = "a-test-key-for-the-pending-cookie-0123456789";

function authConfig(issuer: string, over: Partial<{ timeoutSeconds: number }> = {}): AuthConfig {
  return AuthConfigSchema.parse({
    mode: "oidc",
    publicOrigins: [ORIGIN],
    oidc: {
      issuer,
      clientId: "war-room",
      roles: { admin: ["war-room-admins"], responder: ["sre-oncall"], viewer: ["war-room-viewers"] },
      ...over,
    },
  });
}

describe("OIDC sign-in against a real identity provider", () => {
  let idp: TestIdp;
  let config: AuthConfig;
  let oidc: OidcClient;

  beforeAll(async () => {
    idp = await startTestIdp({ redirectUris: [`${ORIGIN}/auth/callback`] });
    config = authConfig(idp.issuer);
    oidc = createOidcClient({ config, clientSecret: idp.clientSecret, publicOrigin: ORIGIN });
  });
  afterAll(async () => {
    await idp?.close();
  });

  const expected: Record<TestUser, string> = { vera: "viewer", rhea: "responder", ada: "admin" };
  for (const user of Object.keys(TEST_USERS) as TestUser[]) {
    it(`signs ${user} in with their groups and the ${expected[user]} role`, async () => {
      const { redirectUrl, pending } = await oidc.beginSignIn("/incidents/INC-1?tab=timeline");
      expect(redirectUrl.origin).toBe(idp.issuer);
      expect(redirectUrl.searchParams.get("code_challenge_method")).toBe("S256");
      expect(redirectUrl.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/auth/callback`);
      expect(pending.returnTo).toBe("/incidents/INC-1?tab=timeline");

      // The pending state travels through the browser sealed, and comes back intact.
      const cookie = sealPending(pending, KEY);
      const back = unsealPending(cookie, KEY, pending.createdAt + 60_000);
      const callback = await signInWithFetch(redirectUrl, user);
      const who = await oidc.finishSignIn(callback, back);
      expect(who).toEqual({ subject: user, name: TEST_USERS[user].name, email: TEST_USERS[user].email, groups: [...TEST_USERS[user].groups] });
      expect(roleFor(who.groups, config)).toBe(expected[user]);
    });
  }

  it("refuses a callback whose state does not match the pending sign-in", async () => {
    const first = await oidc.beginSignIn("/");
    const second = await oidc.beginSignIn("/");
    const callback = await signInWithFetch(first.redirectUrl, "vera");
    await expect(oidc.finishSignIn(callback, second.pending)).rejects.toThrow(Unauthorized);
    await expect(oidc.finishSignIn(callback, second.pending)).rejects.toThrow(/state did not match/);
  });

  it("refuses a replayed callback (the code is single use)", async () => {
    const { redirectUrl, pending } = await oidc.beginSignIn("/");
    const callback = await signInWithFetch(redirectUrl, "rhea");
    await expect(oidc.finishSignIn(callback, pending)).resolves.toMatchObject({ subject: "rhea" });
    const replay = oidc.finishSignIn(callback, pending);
    await expect(replay).rejects.toThrow(Unauthorized);
    await expect(oidc.finishSignIn(callback, pending)).rejects.toThrow(/already used or has expired/);
  });

  it("refuses an identity provider error in the callback", async () => {
    const { pending } = await oidc.beginSignIn("/");
    const callback = new URL(`${ORIGIN}/auth/callback?error=access_denied&error_description=nope&state=${pending.state}&iss=${encodeURIComponent(idp.issuer)}`);
    await expect(oidc.finishSignIn(callback, pending)).rejects.toThrow(/identity provider refused \(access_denied: nope\)/);
  });

  it("refuses a callback naming another issuer", async () => {
    const { redirectUrl, pending } = await oidc.beginSignIn("/");
    const callback = await signInWithFetch(redirectUrl, "ada");
    callback.searchParams.set("iss", "http://127.0.0.1:1");
    await expect(oidc.finishSignIn(callback, pending)).rejects.toThrow(Unauthorized);
    await expect(oidc.finishSignIn(callback, pending)).rejects.toThrow(/unexpected issuer/);
  });

  it("refuses a tampered pending cookie, and an expired one", async () => {
    const { pending } = await oidc.beginSignIn("/");
    const sealed = sealPending(pending, KEY);
    const [payload, mac] = sealed.split(".");
    const forged = Buffer.from(JSON.stringify({ p: { ...pending, returnTo: "/admin" }, exp: pending.createdAt + 600_000 })).toString("base64url");
    expect(() => unsealPending(`${forged}.${mac}`, KEY, pending.createdAt)).toThrow(/altered/);
    expect(() => unsealPending(`${payload}.${mac.slice(0, -2)}xx`, KEY, pending.createdAt)).toThrow(Unauthorized);
    expect(() => unsealPending(sealed, "another-key-of-enough-length-0123456789", pending.createdAt)).toThrow(Unauthorized);
    expect(() => unsealPending("garbage", KEY, pending.createdAt)).toThrow(Unauthorized);
    expect(() => unsealPending(sealed, KEY, pending.createdAt + 10 * 60_000)).toThrow(/longer than 10 minutes/);
    expect(unsealPending(sealed, KEY, pending.createdAt + 10 * 60_000 - 1)).toEqual(pending);
  });

  it("refuses a pending sign-in that was started for another origin", async () => {
    const { redirectUrl, pending } = await oidc.beginSignIn("/");
    const callback = await signInWithFetch(redirectUrl, "vera");
    await expect(oidc.finishSignIn(callback, { ...pending, redirectUri: "http://evil.example/auth/callback" })).rejects.toThrow(/another address/);
  });

  it("takes the pending creation time from the injected clock", async () => {
    const clock = manualClock(1_700_000_000_000);
    const c = createOidcClient({ config, clientSecret: idp.clientSecret, publicOrigin: ORIGIN, clock });
    const { pending } = await c.beginSignIn("//evil.example/");
    expect(pending.createdAt).toBe(1_700_000_000_000);
    expect(pending.returnTo).toBe("/");
  });
});

describe("OIDC discovery failures", () => {
  it("fails fast with a clear error when the issuer does not answer", async () => {
    // Accepts connections and never answers: only the timeout can end discovery.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const issuer = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const config = authConfig(issuer, { timeoutSeconds: 0.5 });
      const c = createOidcClient({ config, clientSecret: "s3cret", publicOrigin: ORIGIN });
      const started = Date.now();
      const err = await c.beginSignIn("/").then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Unavailable);
      expect((err as Error).message).toContain(`cannot reach the identity provider at ${issuer}`);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("names the issuer when nothing listens there", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const c = createOidcClient({ config: authConfig(`http://127.0.0.1:${port}`), clientSecret: "s3cret", publicOrigin: ORIGIN });
    await expect(c.beginSignIn("/")).rejects.toThrow(new RegExp(`cannot reach the identity provider at http://127.0.0.1:${port}`));
  });

  it("refuses a public origin that is not configured", () => {
    expect(() => createOidcClient({ config: authConfig("http://127.0.0.1:1"), clientSecret: "s", publicOrigin: "http://evil.example" })).toThrow(/not one of the configured public origins/);
  });
});

describe("returnTo and roleFor", () => {
  it.each([
    ["/", "/"],
    ["/incidents?x=1#t", "/incidents?x=1#t"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["incidents", "/"],
    ["/a\r\nSet-Cookie: x", "/"],
    ["", "/"],
  ])("safeReturnTo(%j) is %j", (input, out) => {
    expect(safeReturnTo(input)).toBe(out);
  });

  it("gives the highest matching role, and null when nothing matches", () => {
    const config = AuthConfigSchema.parse({
      mode: "oidc",
      publicOrigins: [ORIGIN],
      oidc: { issuer: "https://idp.example", clientId: "c", roles: { admin: ["admins"], responder: ["sre"], viewer: ["staff"] } },
    });
    expect(roleFor(["staff", "sre", "admins"], config)).toBe("admin");
    expect(roleFor(["staff", "sre"], config)).toBe("responder");
    expect(roleFor(["staff"], config)).toBe("viewer");
    expect(roleFor(["contractors"], config)).toBeNull();
    expect(roleFor([], config)).toBeNull();
    const open = AuthConfigSchema.parse({ mode: "oidc", publicOrigins: [ORIGIN], oidc: { issuer: "https://idp.example", clientId: "c" } });
    expect(roleFor([], open)).toBe("viewer");
    expect(roleFor(["anything"], AuthConfigSchema.parse({}))).toBeNull();
  });
});
