/**
 * Sign-in against a real OpenID provider (oidc-provider, test/support/oidc-provider.ts) on
 * loopback: the authorization-code + PKCE round trip, sessions that survive a restart and end on
 * every tab at sign-out, refused callbacks, and API tokens that are refused the moment they are
 * revoked or expire, with their secret never shown again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestServer, TestClient } from "./helpers";
import { startTestIdp, signInWithFetch, type TestIdp, type TestUser } from "./support/oidc-provider";
import { AuthConfigSchema } from "../lib/auth/config";

type Server = Awaited<ReturnType<typeof startTestServer>>;

let idp: TestIdp;
let origin: string;
let port: number;
let dataDir: string;
let server: Server;
const logLines: string[] = [];

const start = () =>
  startTestServer({
    dataDir,
    logLines,
    env: { PORT: String(port), WAR_ROOM_OIDC_CLIENT_SECRET: idp.clientSecret },
    configure: (c) => ({
      ...c,
      auth: AuthConfigSchema.parse({
        mode: "oidc",
        publicOrigins: [origin],
        oidc: { issuer: idp.issuer, clientId: idp.clientId, roles: { admin: ["war-room-admins"], responder: ["sre-oncall"], viewer: ["war-room-viewers"] } },
      }),
    }),
  });

const cookieOf = (res: Response, name: string): string | null => {
  for (const c of res.headers.getSetCookie()) if (c.startsWith(`${name}=`)) return c.split(";")[0];
  return null;
};

/** The whole browser round trip, by hand: /auth/login → the IdP's login and consent → /auth/callback. */
async function signIn(user: TestUser, returnTo = "/incidents") {
  const login = await fetch(`${origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: "manual" });
  expect(login.status).toBe(302);
  const pending = cookieOf(login, "wr_signin")!;
  expect(pending).toBeTruthy();
  const callback = await signInWithFetch(login.headers.get("location")!, user);
  const done = await fetch(callback, { redirect: "manual", headers: { cookie: pending } });
  return { done, callback, pending, session: cookieOf(done, "wr_session") };
}

const me = async (cookie: string) => ((await (await fetch(`${origin}/api/v1/me`, { headers: { cookie } })).json()) as { user: { name: string; role: string } | null }).user;

beforeAll(async () => {
  port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  idp = await startTestIdp({ redirectUris: [`${origin}/auth/callback`] });
  dataDir = mkdtempSync(join(tmpdir(), "war-room-signin-"));
  server = await start();
});

afterAll(async () => {
  await server?.dispose(true);
  await idp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("OIDC sign-in", () => {
  it("signs a responder in with an HTTP-only SameSite session cookie and lands on the page asked for", async () => {
    const { done, session } = await signIn("rhea");
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/incidents");
    const set = done.headers.getSetCookie().find((c) => c.startsWith("wr_session="))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(await me(session!)).toMatchObject({ name: "Rhea Responder", role: "responder" });
  });

  it("gives each group its role: a viewer can read but not write", async () => {
    const { session } = await signIn("vera");
    expect((await me(session!))?.role).toBe("viewer");
    const write = await fetch(`${origin}/api/v1/incidents`, { method: "POST", headers: { cookie: session!, origin, "content-type": "application/json" }, body: JSON.stringify({ title: "from a viewer", severity: "SEV3", services: ["checkout"] }) });
    expect(write.status).toBe(403);
    const list = await fetch(`${origin}/api/v1/incidents?status=all`, { headers: { cookie: session! } });
    expect(((await list.json()) as { incidents: { title: string }[] }).incidents.map((i) => i.title)).not.toContain("from a viewer");
  });

  it("refuses a replayed callback, one without its sign-in cookie, and a tampered one, with a page and no session", async () => {
    const { callback, pending } = await signIn("rhea");
    const replay = await fetch(callback, { redirect: "manual", headers: { cookie: pending } });
    expect(replay.status).toBe(401);
    expect(cookieOf(replay, "wr_session")).toBeNull();
    expect(await replay.text()).toMatch(/Sign-in failed/);
    const without = await fetch(callback, { redirect: "manual" });
    expect(without.status).toBe(401);
    const tampered = await fetch(callback, { redirect: "manual", headers: { cookie: pending.replace(/.$/, (c) => (c === "A" ? "B" : "A")) } });
    expect(tampered.status).toBe(401);
    const forged = await fetch(`${origin}/auth/callback?code=forged&state=forged`, { redirect: "manual", headers: { cookie: pending } });
    expect(forged.status).toBe(401);
  });

  it("keeps the session across a restart, and signing out ends it on every open tab", async () => {
    const { session } = await signIn("rhea");
    await server.dispose(true);
    server = await start();
    expect((await me(session!))?.role).toBe("responder");

    const tabs = [new TestClient(`ws://127.0.0.1:${port}/ws`, { cookie: session! }), new TestClient(`ws://127.0.0.1:${port}/ws`, { cookie: session! })];
    await Promise.all(tabs.map((t) => t.opened));
    const out = await fetch(`${origin}/auth/logout`, { method: "POST", headers: { cookie: session!, origin, "content-type": "application/json" }, body: "{}" });
    expect(out.status).toBe(204);
    for (const t of tabs) expect((await t.closed).code).toBe(4401);
    expect(await me(session!)).toBeNull();
  });

  it("refuses a WebSocket without a session", async () => {
    const anonymous = new TestClient(`ws://127.0.0.1:${port}/ws`);
    await expect(anonymous.opened).rejects.toThrow(/401/);
  });
});

describe("API tokens", () => {
  let admin: string;
  const createToken = async (input: object) => {
    const r = await fetch(`${origin}/api/v1/tokens`, { method: "POST", headers: { cookie: admin, origin, "content-type": "application/json" }, body: JSON.stringify(input) });
    expect(r.status).toBe(201);
    return (await r.json()) as { token: { id: string; prefix: string }; secret: string };
  };
  const asToken = (secret: string, path = "/api/v1/services") => fetch(origin + path, { headers: { authorization: `Bearer ${secret}` } });

  beforeAll(async () => {
    admin = (await signIn("ada")).session!;
  });

  it("works until revoked, then is refused at once; an expired one is refused", async () => {
    const { token, secret } = await createToken({ name: "grafana reader", scopes: ["read"] });
    expect((await asToken(secret)).status).toBe(200);
    const revoke = await fetch(`${origin}/api/v1/tokens/${token.id}`, { method: "DELETE", headers: { cookie: admin, origin, "content-type": "application/json" } });
    expect(revoke.status).toBe(200);
    expect((await asToken(secret)).status).toBe(401);

    const short = await createToken({ name: "short", scopes: ["read"], expiresAt: server.clock.now() + 60_000 });
    expect((await asToken(short.secret)).status).toBe(200);
    server.clock.advance(61_000);
    expect((await asToken(short.secret)).status).toBe(401);
  });

  it("shows the secret once: never in the token list, the audit log, /health, /metrics or a log line", async () => {
    const { secret } = await createToken({ name: "ingest bot", scopes: ["ingest"] });
    await asToken(secret);
    const list = await (await fetch(`${origin}/api/v1/tokens`, { headers: { cookie: admin } })).text();
    expect(list).toContain("ingest bot");
    const audit = await (await fetch(`${origin}/api/v1/audit/export`, { headers: { cookie: admin } })).text();
    expect(audit).toContain("POST /api/v1/tokens");
    const health = await (await fetch(`${origin}/health`)).text();
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    const hidden = secret.slice("wr_".length + 9);
    for (const [where, text] of [["list", list], ["audit", audit], ["health", health], ["metrics", metrics], ["logs", logLines.join("\n")]]) {
      expect(text, where).not.toContain(hidden);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });
});
