import type { IncomingMessage } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "../log";
import type { AuthCtx } from "../auth/context";
import { identify, LOCAL_USER_HEADER, SESSION_COOKIE } from "../auth/identify";
import type { Identity } from "../auth/policy";
import { recordAudit } from "../auth/audit";
import { clientAddress } from "./client-address";

/** The Alertmanager route, where the shared ALERTMANAGER_WEBHOOK_SECRET also counts as a token with the alertmanager scope. */
const ALERTMANAGER_ROUTE = "/api/v1/integrations/alertmanager";

export type AuditedWrite = { actor: Identity | null; action: string; target: string | null; address: string | null; result: number };

/** What the HTTP edge (lib/server/http.ts) asks about every request: who sent it, and where writes are recorded. */
export type ApiAccess = {
  identify(req: IncomingMessage, pattern: string): Promise<Identity | null>;
  audit(entry: AuditedWrite): Promise<void>;
  /** The client address a write is recorded with (lib/server/client-address.ts). */
  addressOf(req: IncomingMessage): string;
};

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** SHA-256 both sides so the comparison takes the same time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The identity of a request: a bearer token, the session cookie, or (local mode) the X-War-Room-User name. */
export function identifyRequest(auth: AuthCtx, req: IncomingMessage, opts: { pattern?: string; alertmanagerSecret?: string } = {}): Promise<Identity | null> {
  const authorization = header(req, "authorization");
  if (opts.pattern === ALERTMANAGER_ROUTE && opts.alertmanagerSecret && authorization) {
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    if (bearer && sameSecret(bearer, opts.alertmanagerSecret)) {
      return Promise.resolve({ subject: "alertmanager", name: "alertmanager", email: null, role: "viewer", via: { kind: "token", tokenId: "webhook-secret", scopes: ["alertmanager"] } });
    }
  }
  return identify(auth, { cookie: header(req, "cookie"), authorization, localUser: header(req, LOCAL_USER_HEADER) });
}

/** `addressOf` resolves the client behind trusted proxies (server.ts passes clientAddress with WAR_ROOM_TRUSTED_PROXIES); default: the socket peer. */
export function createApiAccess(opts: { auth: AuthCtx; logger: Logger; alertmanagerSecret?: string; addressOf?: (req: IncomingMessage) => string }): ApiAccess {
  return {
    addressOf: opts.addressOf ?? ((req) => clientAddress(req)),
    identify: (req, pattern) => identifyRequest(opts.auth, req, { pattern, alertmanagerSecret: opts.alertmanagerSecret }),
    async audit(entry) {
      // The write itself is committed; a failing audit insert is logged loudly rather than turned into a failed answer.
      await recordAudit(opts.auth, entry).catch((err: unknown) => opts.logger.error({ err, action: entry.action, result: entry.result }, "could not record the audit entry of a write"));
    },
  };
}

/** `Set-Cookie` for the session: HTTP-only, SameSite=Lax, Secure behind https. */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeSeconds}${opts.secure ? "; Secure" : ""}`;
}

export function clearCookie(name: string, opts: { secure: boolean; path?: string }): string {
  return `${name}=; Path=${opts.path ?? "/"}; HttpOnly; SameSite=Lax; Max-Age=0${opts.secure ? "; Secure" : ""}`;
}
