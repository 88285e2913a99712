import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AuthConfig, AuthMode } from "../auth/config";
import type { Logger } from "../log";

/**
 * Edge checks that run before any route: the bind address at start-up, the Host header (DNS
 * rebinding), same-origin for state-changing requests (CSRF), JSON-only writes, security headers
 * and the per-request CSP nonce handed to Next. Pure functions over the request; server.ts calls them.
 */

export type SecurityCtx = {
  mode: AuthMode;
  /** Normalised origins (`URL.origin`) the war room is reached at. */
  publicOrigins: readonly string[];
  /** CSP frame-ancestors sources; empty = no framing. */
  frameAncestors: readonly string[];
  dev: boolean;
};

/** A refused request: the status, a JSON body (API, /auth) or text (pages), and headers. */
export type Refusal = { status: number; body: unknown; headers: Record<string, string> };

export function securityCtxOf(auth: Pick<AuthConfig, "mode" | "publicOrigins" | "frameAncestors">, dev: boolean): SecurityCtx {
  return { mode: auth.mode, publicOrigins: auth.publicOrigins, frameAncestors: auth.frameAncestors, dev };
}

// ---------------------------------------------------------------------------------------------
// Start-up: a war room without sign-in listens on loopback only.

/** 127.0.0.0/8, ::1 and localhost, with or without IPv6 brackets. */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.replace(/^::ffff:/, "").match(/^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  return v4 !== null && v4.slice(1).every((o) => Number(o) <= 255);
}

/** Thrown by startWarRoom when the bind address and auth mode together would expose an open war room. */
export class UnsafeBindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeBindError";
  }
}

/**
 * local mode trusts whoever reaches the port (X-War-Room-User names the writer), so it must not
 * listen beyond loopback; none mode may, loudly; oidc signs people in.
 */
export function checkBind(host: string, auth: Pick<AuthConfig, "mode" | "publicOrigins">, logger: Logger): void {
  if (isLoopbackHostname(host)) return;
  if (auth.mode === "local") {
    throw new UnsafeBindError(
      `HOST=${host} is not a loopback address, and auth.mode is "local" (no sign-in: anyone who can reach the port could write). ` +
        `Either listen on loopback only (HOST=127.0.0.1, e.g. behind a reverse proxy on this machine), ` +
        `or turn on sign-in (auth.mode: oidc with auth.oidc and auth.publicOrigins). ` +
        `auth.mode: none runs a shared war room without any auth on purpose.`,
    );
  }
  if (auth.mode === "none") {
    logger.warn(
      { host, authMode: "none", publicOrigins: auth.publicOrigins },
      `UNSAFE: listening on ${host} with auth.mode "none": anyone who can reach this port can read and change everything`,
    );
  }
  if (auth.publicOrigins.length === 0) {
    logger.warn({ host }, "auth.publicOrigins is empty: requests whose Host is not a loopback name are refused with 421");
  }
}

// ---------------------------------------------------------------------------------------------
// Host header (DNS rebinding).

/** Load balancers probe these by IP address, so any Host may ask. /health and /metrics are not exempt. */
export const HOST_EXEMPT_PATHS: ReadonlySet<string> = new Set(["/health/live", "/health/ready"]);

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

function splitHost(value: string | undefined): { hostname: string; port: string } | null {
  const m = value?.match(HOST_HEADER);
  return m ? { hostname: m[1].toLowerCase(), port: m[2] ?? "" } : null;
}

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };

/** Hosts of the public origins; in local and none mode also loopback names with any port. */
export function hostAllowed(hostHeader: string | undefined, ctx: SecurityCtx): boolean {
  const host = splitHost(hostHeader);
  if (!host) return false;
  for (const origin of ctx.publicOrigins) {
    const u = new URL(origin);
    const port = u.port || DEFAULT_PORT[u.protocol];
    if (u.hostname === host.hostname && (host.port || DEFAULT_PORT[u.protocol]) === port) return true;
  }
  return ctx.mode !== "oidc" && isLoopbackHostname(host.hostname);
}

// ---------------------------------------------------------------------------------------------
// Same-origin writes (CSRF).

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Writes are JSON; the one exception is remote_write's protobuf body on POST /api/v1/write (below). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The Origin is one of the public origins, or (local and none mode) the request's own loopback origin. */
export function originAllowed(origin: string, hostHeader: string | undefined, ctx: SecurityCtx): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false; // includes "null" (sandboxed frames, file:, some redirects)
  }
  if (o.origin !== origin) return false; // browsers send the serialised origin, nothing more
  if (ctx.publicOrigins.includes(o.origin)) return true;
  if (ctx.mode === "oidc" || (o.protocol !== "http:" && o.protocol !== "https:")) return false;
  return isLoopbackHostname(o.hostname) && o.host === hostHeader?.toLowerCase();
}

function refuse(status: number, code: string, message: string, json: boolean, headers: Record<string, string> = {}): Refusal {
  return { status, body: json ? { error: { code, message } } : `${message}\n`, headers };
}

/**
 * null when the request may go on; otherwise the answer to send. Checks the Host of every request
 * (except HOST_EXEMPT_PATHS), and for POST/PUT/PATCH/DELETE on /api and /auth: same origin by
 * Origin and Sec-Fetch-Site, and for /api a JSON content type (even with an empty body).
 */
export function checkRequest(req: IncomingMessage, ctx: SecurityCtx & { path: string }): Refusal | null {
  const { path } = ctx;
  const api = underPrefix(path, "/api");
  const json = api || underPrefix(path, "/auth");
  if (!HOST_EXEMPT_PATHS.has(path) && !hostAllowed(header(req, "host"), ctx)) {
    return refuse(421, "misdirected", "this war room is not served under that Host name", json);
  }
  if (!json || !STATE_CHANGING.has(req.method ?? "GET")) return null;

  const origin = header(req, "origin");
  const site = header(req, "sec-fetch-site");
  const crossSite = () => refuse(403, "forbidden", "cross-site request refused: writes must come from the war room's own pages", true);
  if (origin !== undefined && !originAllowed(origin, header(req, "host"), ctx)) return crossSite();
  if (site !== undefined && site !== "same-origin" && site !== "none") return crossSite();
  if (origin === undefined && site === undefined) {
    // No browser metadata at all: a machine (curl, Alertmanager, a test). Refused when it carries a
    // cookie without a bearer token, because a browser that stripped both headers could be riding on one.
    const bearer = /^Bearer\s+\S/i.test(header(req, "authorization") ?? "");
    if (!bearer && header(req, "cookie") !== undefined) return crossSite();
  }
  // remote_write (lib/server/remote-write-route.ts) is protobuf; like JSON it is not a CORS-safelisted type, so a cross-site form cannot send it.
  const type = header(req, "content-type") ?? "";
  if (api && !JSON_TYPE.test(type) && !(path === "/api/v1/write" && /^application\/x-protobuf\b/i.test(type))) {
    return refuse(415, "unsupported_media_type", "send writes as application/json (also when the body is empty)", true);
  }
  return null;
}

/** The Host and Origin checks for a WebSocket upgrade; null when it may go on. */
export function checkUpgrade(req: IncomingMessage, ctx: SecurityCtx): { status: number; message: string } | null {
  const host = header(req, "host");
  if (!hostAllowed(host, ctx)) return { status: 403, message: "this war room is not served under that Host name" };
  const origin = header(req, "origin");
  if (origin !== undefined && !originAllowed(origin, host, ctx)) return { status: 403, message: "origin not allowed" };
  return null;
}

const REASONS: Record<number, string> = { 403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable" };

/** Ends an upgrade's socket with a plain HTTP answer. */
export function refuseUpgrade(socket: NodeJS.WritableStream & { destroy(): void; writable: boolean }, status: number, message: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) return socket.destroy();
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? "Refused"}\r\ncontent-type: text/plain; charset=utf-8\r\n${extra}connection: close\r\n\r\n${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Response headers and the document CSP.

function frameAncestors(ctx: SecurityCtx): string {
  return ctx.frameAncestors.length ? ctx.frameAncestors.join(" ") : "'none'";
}

/** On every response. Documents get the full CSP from applyDocumentCsp; everything else cannot run script. */
export function setSecurityHeaders(res: ServerResponse, ctx: SecurityCtx): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  if (!ctx.frameAncestors.length) res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Content-Security-Policy", `default-src 'none'; frame-ancestors ${frameAncestors(ctx)}`);
}

/** The CSP for a page rendered with `nonce`. */
export function documentCsp(nonce: string, ctx: SecurityCtx): string {
  const sockets = ctx.publicOrigins.map((o) => o.replace(/^http/, "ws"));
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${ctx.dev ? " 'unsafe-eval'" : ""}`,
    // Next puts the nonce on its stylesheet links; dev injects <style> tags without one.
    ctx.dev ? "style-src-elem 'self' 'unsafe-inline'" : `style-src-elem 'self' 'nonce-${nonce}'`,
    // Nonces never apply to style="" attributes, which recharts and a few components set.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    ["connect-src 'self'", ...sockets, ...(ctx.dev ? ["ws:"] : [])].join(" "),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors(ctx)}`,
  ].join("; ");
}

/**
 * Next reads the nonce from the *request* header `content-security-policy` and puts it on its
 * scripts; the browser enforces the *response* header. A client never chooses the nonce.
 */
export function applyDocumentCsp(req: IncomingMessage, res: ServerResponse, ctx: SecurityCtx): string {
  const nonce = randomBytes(16).toString("base64");
  const csp = documentCsp(nonce, ctx);
  delete req.headers["content-security-policy-report-only"];
  req.headers["content-security-policy"] = csp;
  req.headers["x-nonce"] = nonce;
  res.setHeader("Content-Security-Policy", csp);
  return nonce;
}
