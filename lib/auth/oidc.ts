import * as client from "openid-client";
import { z } from "zod";
import { Invalid, Unauthorized, Unavailable } from "../errors";
import { systemClock, type Clock } from "../time";
import type { AuthConfig, OidcConfig } from "./config";
import { OriginSchema } from "./config";
import { PendingSignInSchema, type PendingSignIn } from "./pending";

export { roleFor } from "./roles";

export { PENDING_TTL_MS, PendingSignInSchema, sealPending, unsealPending, type PendingSignIn, type SealKey } from "./pending";

/** Where the identity provider sends the browser back; the lead serves it. */
export const CALLBACK_PATH = "/auth/callback";

/** Who signed in, from the validated ID token (and userinfo when the ID token lacks groups). */
export type SignInResult = { subject: string; name: string; email: string | null; groups: string[] };

export type OidcClient = {
  /** Where to send the browser, and what to keep (sealed) until it comes back. */
  beginSignIn(returnTo: string): Promise<{ redirectUrl: URL; pending: PendingSignIn }>;
  /** Checks state, nonce, issuer, PKCE and the ID token; any failure is Unauthorized. */
  finishSignIn(callbackUrl: URL, pending: PendingSignIn): Promise<SignInResult>;
};

export type CreateOidcClientOptions = {
  config: AuthConfig;
  clientSecret: string;
  /** One of config.publicOrigins: the redirect URI is `<publicOrigin>/auth/callback`. */
  publicOrigin: string;
  clock?: Clock;
};

/** An in-app path (one leading "/", not "//" or "/\"), otherwise "/". */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== "string" || returnTo.length > 2000) return "/";
  if (!returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.startsWith("/\\")) return "/";
  // Control characters could split a header or be dropped by a browser into "//".
  if ([...returnTo].some((ch) => ch < " " || ch === "\u007f" || ch === "\\")) return "/";
  try {
    if (new URL(returnTo, "http://in-app.invalid").origin !== "http://in-app.invalid") return "/";
  } catch {
    return "/";
  }
  return returnTo;
}


/** Discovers the issuer on first use (and again after a failed attempt), never at start-up. */
export function createOidcClient(opts: CreateOidcClientOptions): OidcClient {
  const oidc = opts.config.oidc;
  if (!oidc) throw new Invalid('auth.oidc: mode "oidc" needs an oidc block');
  const origin = OriginSchema.safeParse(opts.publicOrigin);
  if (!origin.success || !opts.config.publicOrigins.includes(origin.data)) {
    throw new Invalid(`auth.publicOrigins: ${opts.publicOrigin} is not one of the configured public origins`);
  }
  if (opts.clientSecret.length === 0) throw new Invalid("WAR_ROOM_OIDC_CLIENT_SECRET is empty");
  const redirectUri = `${origin.data}${CALLBACK_PATH}`;
  const clock = opts.clock ?? systemClock;
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= discover(oidc, opts.clientSecret).catch((err: unknown) => {
      discovered = undefined;
      throw err;
    });
    return discovered;
  };

  return {
    async beginSignIn(returnTo) {
      const config = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        returnTo: safeReturnTo(returnTo),
        redirectUri,
        createdAt: clock.now(),
      };
      const redirectUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: oidc.scopes.join(" "),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
        state: pending.state,
        nonce: pending.nonce,
      });
      return { redirectUrl, pending };
    },

    async finishSignIn(callbackUrl, pendingInput) {
      const pending = PendingSignInSchema.safeParse(pendingInput);
      if (!pending.success) throw new Unauthorized("sign-in failed: the pending sign-in is malformed; start signing in again");
      if (pending.data.redirectUri !== redirectUri) throw new Unauthorized("sign-in failed: the sign-in was started for another address; start signing in again");
      const config = await configuration();
      // Only the query is taken from the request: the redirect URI comes from the public origin, never the Host header.
      const current = new URL(redirectUri);
      current.search = callbackUrl.search;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.data.codeVerifier,
          expectedState: pending.data.state,
          expectedNonce: pending.data.nonce,
          idTokenExpected: true,
        });
        const claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
        const subject = typeof claims.sub === "string" ? claims.sub : "";
        if (!subject) throw new Unauthorized("sign-in failed: the identity provider sent no subject");
        if (!(oidc.groupsClaim in claims) && tokens.access_token) {
          const info = await client.fetchUserInfo(config, tokens.access_token, subject);
          for (const [k, v] of Object.entries(info)) if (!(k in claims)) claims[k] = v;
        }
        return toResult(subject, claims, oidc);
      } catch (err) {
        throw signInError(err);
      }
    },
  };
}

async function discover(oidc: OidcConfig, clientSecret: string): Promise<client.Configuration> {
  const issuer = new URL(oidc.issuer);
  try {
    return await client.discovery(issuer, oidc.clientId, undefined, client.ClientSecretBasic(clientSecret), {
      execute: issuer.protocol === "http:" ? [client.allowInsecureRequests] : [],
      timeout: oidc.timeoutSeconds,
    });
  } catch (err) {
    throw new Unavailable(`cannot reach the identity provider at ${oidc.issuer}: ${describe(err)}`);
  }
}

const stringList = z.union([z.array(z.string()), z.string().transform((s) => [s])]);

function toResult(subject: string, claims: Record<string, unknown>, oidc: OidcConfig): SignInResult {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  const groups = stringList.safeParse(claims[oidc.groupsClaim]);
  return {
    subject,
    name: text(claims[oidc.nameClaim]) ?? text(claims.preferred_username) ?? subject,
    email: text(claims[oidc.emailClaim]),
    groups: groups.success ? groups.data : [],
  };
}

/**
 * Every failure of the callback becomes Unauthorized with a message a person can act on, except
 * an identity provider that cannot be reached in time (Unavailable: trying again may work).
 */
function signInError(err: unknown): Unauthorized | Unavailable {
  if (err instanceof Unauthorized || err instanceof Unavailable) return err;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError" || (err instanceof TypeError && err.message === "fetch failed"))) {
    return new Unavailable(`cannot reach the identity provider: ${describe(err)}`);
  }
  if (err instanceof client.AuthorizationResponseError) {
    const why = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    return new Unauthorized(`sign-in failed: the identity provider refused (${why})`, { code: err.error });
  }
  if (err instanceof client.ResponseBodyError) {
    const why = err.error === "invalid_grant" ? "the sign-in code was already used or has expired" : `the identity provider answered ${err.error}`;
    return new Unauthorized(`sign-in failed: ${why}; start signing in again`, { code: err.error });
  }
  if (err instanceof client.ClientError) {
    // openid-client puts the specific check that failed in the cause.
    const message = `${err.message} ${err.cause instanceof Error ? err.cause.message : ""}`.toLowerCase();
    let why = "the identity provider's answer did not check out";
    if (message.includes('"iss"')) why = "the answer came from an unexpected issuer";
    else if (message.includes('"state"')) why = "the sign-in state did not match (a stale or forged callback)";
    else if (message.includes("nonce")) why = "the ID token nonce did not match";
    return new Unauthorized(`sign-in failed: ${why}; start signing in again`, { code: err.code ?? "client_error" });
  }
  return new Unauthorized(`sign-in failed: ${describe(err)}; start signing in again`);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
    return `${err.message}${cause}`;
  }
  return String(err);
}
