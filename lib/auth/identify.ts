import { z } from "zod";
import type { AuthCtx } from "./context";
import type { Identity } from "./policy";
import { resolveSession } from "./sessions";
import { resolveToken } from "./tokens";

/** The session cookie (httpOnly, Secure behind https, SameSite=Lax). */
export const SESSION_COOKIE = "wr_session";
/** The sealed pending sign-in between /auth/login and /auth/callback (10 minutes). */
export const PENDING_COOKIE = "wr_signin";
/** local mode: the display name that attributes writes. */
export const LOCAL_USER_HEADER = "x-war-room-user";

export const RequestCredentialsSchema = z.object({
  /** The raw Cookie header. */
  cookie: z.string().max(16_384).optional(),
  /** The raw Authorization header. */
  authorization: z.string().max(1000).optional(),
  /** The raw X-War-Room-User header (local mode), possibly URI-encoded. */
  localUser: z.string().max(1000).optional(),
});
export type RequestCredentials = z.input<typeof RequestCredentialsSchema>;

const ANONYMOUS_ADMIN: Identity = { subject: "anonymous", name: "anonymous", email: null, role: "admin", via: { kind: "none" } };

/**
 * Who sent a request, or null. A bearer token wins and is never topped up by the cookie: a bad
 * token is null, not the browser's session. oidc: token or `wr_session`; local: token, else the
 * X-War-Room-User name as admin; none: everyone is an anonymous admin.
 */
export async function identify(ctx: AuthCtx, credentials: RequestCredentials): Promise<Identity | null> {
  const parsed = RequestCredentialsSchema.safeParse(credentials);
  if (!parsed.success) return null;
  const { cookie, authorization, localUser } = parsed.data;
  if (ctx.config.mode === "none") return ANONYMOUS_ADMIN;
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (authorization !== undefined && /^Bearer\b/i.test(authorization)) return bearer ? resolveToken(ctx, bearer) : null;
  if (ctx.config.mode === "local") {
    const name = localName(localUser);
    return { subject: `local:${name}`, name, email: null, role: "admin", via: { kind: "local" } };
  }
  const session = readCookie(cookie, SESSION_COOKIE);
  return session ? resolveSession(ctx, session) : null;
}

/** One cookie's value from a Cookie header; the first wins when a name repeats. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return null;
}

/** Browsers send only Latin-1 in headers, so names arrive URI-encoded ("Zoë" → "Zo%C3%AB"). */
function localName(raw: string | undefined): string {
  let name = raw?.trim() ?? "";
  try {
    name = decodeURIComponent(name).trim();
  } catch {
    // Not URI-encoded (a stray "%"): keep it as sent.
  }
  name = [...name].filter((ch) => ch >= " " && ch !== "\u007f").join("");
  return name ? name.slice(0, 100) : "anonymous";
}
