import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { Logger } from "../log";
import type { AuthCtx } from "../auth/context";
import { CALLBACK_PATH, createOidcClient, roleFor, safeReturnTo, sealPending, unsealPending, type OidcClient } from "../auth/oidc";
import { PENDING_COOKIE, SESSION_COOKIE, readCookie } from "../auth/identify";
import { createSession, resolveSession, revokeSession } from "../auth/sessions";
import { setMetaIfAbsent } from "../store/meta";
import { WarRoomError, Unauthorized } from "../errors";
import { clearCookie, sessionCookie } from "./access";
import { sendReply } from "./http";
import { clientAddress } from "./client-address";

const PENDING_KEY_META = "auth_pending_key";

export type SignIn = {
  /** Answers /auth/login, /auth/callback and /auth/logout; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
};

/**
 * The browser side of OIDC sign-in (authorization code + PKCE, lib/auth/oidc.ts) and sign-out.
 * `onSignOut` is told the session id so its WebSockets close at once (code 4401).
 */
export async function createSignIn(opts: {
  auth: AuthCtx;
  logger: Logger;
  clientSecret?: string;
  sessionSecret?: string;
  onSignOut(sessionId: string): void;
  /** The client address for the sign-in log lines (lib/server/client-address.ts); default the socket peer. */
  addressOf?: (req: IncomingMessage) => string;
}): Promise<SignIn> {
  const { auth, logger } = opts;
  const addressOf = opts.addressOf ?? ((req: IncomingMessage) => clientAddress(req));
  const cfg = auth.config;
  // Every instance seals and opens the sign-in cookie with the same key: from env, else one kept in the store.
  const key = opts.sessionSecret ?? (await setMetaIfAbsent(auth.store, PENDING_KEY_META, randomBytes(32).toString("base64url")));
  const clients = new Map<string, OidcClient>();
  const secure = cfg.publicOrigins.some((o) => o.startsWith("https:"));
  const clientFor = (origin: string): OidcClient => {
    let c = clients.get(origin);
    if (!c) {
      if (!opts.clientSecret) throw new WarRoomError("internal", 500, "WAR_ROOM_OIDC_CLIENT_SECRET is not set");
      c = createOidcClient({ config: cfg, clientSecret: opts.clientSecret, publicOrigin: origin, clock: auth.clock });
      clients.set(origin, c);
    }
    return c;
  };
  // The public origin the browser used (its Host), else the first configured one.
  const originOf = (req: IncomingMessage): string => cfg.publicOrigins.find((o) => new URL(o).host === req.headers.host) ?? cfg.publicOrigins[0];

  const page = (res: ServerResponse, status: number, title: string, text: string, headers: Record<string, string> = {}) => {
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    // A page of our own, not Next's: its one inline style attribute is all it needs.
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src-attr 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'", ...headers });
    res.end(
      `<!doctype html><meta charset="utf-8"><title>${esc(title)} · War Room</title><body style="font:16px system-ui;background:#0b0f14;color:#e6edf3;padding:3rem"><h1>${esc(title)}</h1><p>${esc(text)}</p><p><a style="color:#58a6ff" href="/auth/login">Sign in again</a> · <a style="color:#58a6ff" href="/">Board</a></p>`,
    );
  };

  return {
    async handle(req, res, url) {
      if (url.pathname !== "/auth/login" && url.pathname !== CALLBACK_PATH && url.pathname !== "/auth/logout") return false;
      const method = req.method ?? "GET";
      if (url.pathname === "/auth/logout") {
        if (method !== "POST") {
          sendReply(res, { status: 405, headers: { allow: "POST" }, body: { error: { code: "method_not_allowed", message: "sign out with POST" } } });
          return true;
        }
        const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
        if (cookie) {
          const who = await resolveSession(auth, cookie).catch(() => null);
          await revokeSession(auth, cookie);
          if (who?.via.kind === "session") opts.onSignOut(who.via.sessionId);
        }
        res.writeHead(204, { "set-cookie": clearCookie(SESSION_COOKIE, { secure }), "cache-control": "no-store" });
        res.end();
        return true;
      }
      if (method !== "GET") {
        sendReply(res, { status: 405, headers: { allow: "GET" }, body: { error: { code: "method_not_allowed", message: "use GET" } } });
        return true;
      }
      if (cfg.mode !== "oidc") {
        page(res, 404, "No sign-in here", `This war room runs in ${cfg.mode} mode: there is nothing to sign in to.`);
        return true;
      }
      const origin = originOf(req);
      try {
        if (url.pathname === "/auth/login") {
          const { redirectUrl, pending } = await clientFor(origin).beginSignIn(safeReturnTo(url.searchParams.get("returnTo")));
          res.writeHead(302, {
            location: redirectUrl.href,
            "set-cookie": `${PENDING_COOKIE}=${sealPending(pending, key)}; Path=${CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=600${secure ? "; Secure" : ""}`,
            "cache-control": "no-store",
          });
          res.end();
          return true;
        }
        const sealed = readCookie(req.headers.cookie, PENDING_COOKIE);
        if (!sealed) throw new Unauthorized("this sign-in was not started here or took longer than 10 minutes");
        const pending = unsealPending(sealed, key, auth.clock.now());
        const who = await clientFor(origin).finishSignIn(new URL(url.pathname + url.search, origin), pending);
        const role = roleFor(who.groups, cfg);
        const clearPending = clearCookie(PENDING_COOKIE, { secure, path: CALLBACK_PATH });
        if (!role) {
          logger.warn({ subject: who.subject, groups: who.groups.length, address: addressOf(req) }, "sign-in refused: no group maps to a War Room role");
          page(res, 403, "No War Room role", `You are signed in at the identity provider as ${who.name || who.subject}, but none of your groups is given a War Room role. Ask an admin to add your group to auth.oidc.roles.`, { "set-cookie": clearPending });
          return true;
        }
        const { cookieValue } = await createSession(auth, { ...who, role });
        logger.info({ subject: who.subject, role, address: addressOf(req) }, "signed in");
        res.writeHead(302, { location: pending.returnTo, "set-cookie": [sessionCookie(cookieValue, { secure, maxAgeSeconds: cfg.session.absoluteHours * 3600 }), clearPending], "cache-control": "no-store" });
        res.end();
        return true;
      } catch (err) {
        const e = err instanceof WarRoomError ? err : new WarRoomError("internal", 500, "internal error");
        if (!(err instanceof WarRoomError)) logger.error({ err, address: addressOf(req) }, "sign-in failed");
        else logger.warn({ code: e.code, message: e.message, address: addressOf(req) }, "sign-in refused");
        page(res, e.status, "Sign-in failed", e.message);
        return true;
      }
    },
  };
}
