import { z } from "zod";
import type { Purger } from "../store/retention";
import type { AuthCtx } from "./context";
import { parseInput } from "./context";
import { RoleSchema, type Identity } from "./policy";
import { getSession, insertSession, purgeSessionRows, revokeSessionRow, revokeSubjectRows, touchSession, type SessionRow } from "./repo";
import { SECRET_PATTERN, randomSecret, sha256Hex } from "./secrets";
import { roleFor } from "./roles";

const MINUTE = 60_000;
/** last_seen_at moves at most this often, so a busy session is not a write per request. */
export const TOUCH_EVERY_MS = MINUTE;

/** Who signed in, as createSession stores it. */
export const NewSessionSchema = z
  .object({
    subject: z.string().min(1).max(500),
    name: z.string().max(500),
    email: z.string().max(500).nullable(),
    role: RoleSchema,
    groups: z.array(z.string().max(500)).max(1000).default([]),
  })
  .strict();
export type NewSession = z.input<typeof NewSessionSchema>;

export const SessionSchema = z.object({
  id: z.string(),
  subject: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: RoleSchema,
  groups: z.array(z.string()),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type Session = z.infer<typeof SessionSchema>;

const CookieValueSchema = z.string().regex(SECRET_PATTERN);

/** Starts a session; `cookieValue` goes to the browser once, only its hash is kept. */
export async function createSession(ctx: AuthCtx, identity: NewSession): Promise<{ cookieValue: string; session: Session }> {
  const who = parseInput(NewSessionSchema, identity, "session");
  const now = ctx.clock.now();
  const cookieValue = randomSecret();
  const row: SessionRow = {
    id: sha256Hex(cookieValue),
    subject: who.subject,
    name: who.name,
    email: who.email,
    role: who.role,
    groups: JSON.stringify(who.groups),
    created_at: now,
    last_seen_at: now,
    expires_at: now + ctx.config.session.absoluteHours * 60 * MINUTE,
    revoked_at: null,
  };
  await insertSession(ctx.store, row);
  return { cookieValue, session: toSession(row) };
}

/** The identity of a live session, or null (unknown, revoked, idle too long or past its end). */
export async function resolveSession(ctx: AuthCtx, cookieValue: string): Promise<Identity | null> {
  const parsed = CookieValueSchema.safeParse(cookieValue);
  if (!parsed.success) return null;
  const row = await getSession(ctx.store, sha256Hex(parsed.data));
  const now = ctx.clock.now();
  if (!row || !isLive(ctx, row, now)) return null;
  if (now - row.last_seen_at >= TOUCH_EVERY_MS) await touchSession(ctx.store, row.id, now, now - TOUCH_EVERY_MS);
  const session = toSession(row);
  // The role follows the configured group mapping as it is now, so a changed mapping acts at once; no role, no session.
  const role = ctx.config.oidc ? roleFor(session.groups, ctx.config) : session.role;
  if (!role) return null;
  return { subject: session.subject, name: session.name, email: session.email, role, via: { kind: "session", sessionId: session.id } };
}

/** Ends the session of this cookie (sign-out); unknown or already ended is not an error. */
export async function revokeSession(ctx: AuthCtx, cookieValue: string): Promise<boolean> {
  const parsed = CookieValueSchema.safeParse(cookieValue);
  if (!parsed.success) return false;
  return revokeSessionRow(ctx.store, sha256Hex(parsed.data), ctx.clock.now());
}

/** Ends every session of a person (e.g. after a role change); resolves with how many ended. */
export async function revokeSubjectSessions(ctx: AuthCtx, subject: string): Promise<number> {
  const who = parseInput(z.string().min(1).max(500), subject, "subject");
  return revokeSubjectRows(ctx.store, who, ctx.clock.now());
}

/** For long-lived connections (the WebSocket closes with 4401 when this turns false). Never touches. */
export async function sessionStillValid(ctx: AuthCtx, sessionId: string): Promise<boolean> {
  const id = z.string().regex(/^[0-9a-f]{64}$/).safeParse(sessionId);
  if (!id.success) return false;
  const row = await getSession(ctx.store, id.data);
  return row !== null && isLive(ctx, row, ctx.clock.now());
}

/** Deletes sessions that can no longer be used, for the retention job. */
export function sessionPurger(ctx: AuthCtx): Purger {
  return { name: "sessions", purge: (now) => purgeSessionRows(ctx.store, now, now - idleMs(ctx)) };
}

function idleMs(ctx: AuthCtx): number {
  return ctx.config.session.idleMinutes * MINUTE;
}

// last_seen_at lags real use by up to TOUCH_EVERY_MS, so idle expiry may come that much early.
function isLive(ctx: AuthCtx, row: SessionRow, now: number): boolean {
  return row.revoked_at === null && now < row.expires_at && now - row.last_seen_at < idleMs(ctx);
}

function toSession(row: SessionRow): Session {
  const role = RoleSchema.safeParse(row.role);
  if (!role.success) throw new Error(`Session of ${row.subject} has unknown role "${row.role}" in the database`);
  const groups = z.array(z.string()).safeParse(JSON.parse(row.groups));
  return {
    id: row.id,
    subject: row.subject,
    name: row.name,
    email: row.email,
    role: role.data,
    groups: groups.success ? groups.data : [],
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
