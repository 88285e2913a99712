/**
 * A real OpenID Provider for tests (oidc-provider, dev interactions), on a loopback port over
 * plain http. Any password signs in; the login name must be one of TEST_USERS.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export const TEST_USERS = {
  vera: { name: "Vera Viewer", email: "vera@example.test", groups: ["war-room-viewers"] },
  rhea: { name: "Rhea Responder", email: "rhea@example.test", groups: ["sre-oncall"] },
  ada: { name: "Ada Admin", email: "ada@example.test", groups: ["war-room-admins"] },
} as const;
export type TestUser = keyof typeof TEST_USERS;

export type TestIdp = { issuer: string; clientId: string; clientSecret: string; close(): Promise<void> };

export type StartTestIdpOptions = {
  /** Every redirect URI the client may use, e.g. `http://127.0.0.1:3000/auth/callback`. */
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
};

export async function startTestIdp(opts: StartTestIdpOptions): Promise<TestIdp> {
  const clientId = opts.clientId ?? "war-room";
  const clientSecret = opts.clientSecret ?? "test-only-client-secret-0123456789";
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    cookies: { keys: ["test-only-cookie-signing-key-0123456789"] },
    claims: { openid: ["sub"], profile: ["name"], email: ["email"], groups: ["groups"] },
    // Otherwise scope-derived claims (groups) reach only userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, IdToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_ctx, sub) {
      if (!(sub in TEST_USERS)) return undefined;
      const user = TEST_USERS[sub as TestUser];
      return { accountId: sub, claims: async () => ({ sub, name: user.name, email: user.email, groups: [...user.groups] }) };
    },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Drives the dev login and consent forms with fetch and a cookie jar, following redirects by
 * hand until the identity provider sends the browser to `redirectUri`; returns that URL.
 */
export async function signInWithFetch(authorizationUrl: URL | string, user: TestUser, opts: { redirectUri?: string; timeoutMs?: number } = {}): Promise<URL> {
  const start = new URL(authorizationUrl);
  const redirectUri = opts.redirectUri ?? start.searchParams.get("redirect_uri");
  if (!redirectUri) throw new Error("the authorization URL has no redirect_uri");
  const jar = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(opts.timeoutMs ?? 5000), headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(";");
      const i = kv.indexOf("=");
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return res;
  };
  let url = start;
  for (let hop = 0; hop < 12; hop++) {
    if (url.href.startsWith(redirectUri)) return url;
    let res = await send(url);
    if (res.status === 200) {
      const html = await res.text();
      const action = html.match(/action="([^"]+)"/)?.[1];
      const prompt = html.match(/name="prompt" value="(\w+)"/)?.[1];
      if (!action || !prompt) throw new Error(`no login or consent form at ${url.href}`);
      const body = new URLSearchParams(prompt === "login" ? { prompt, login: user, password: "any" } : { prompt });
      res = await send(new URL(action, url), { method: "POST", body });
    }
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) throw new Error(`unexpected ${res.status} at ${url.href}: ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url);
  }
  throw new Error("too many redirects while signing in");
}
