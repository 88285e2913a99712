import { createHmac } from "node:crypto";
import { z } from "zod";
import { Unauthorized } from "../errors";
import { constantTimeEqual } from "./secrets";

/** How long a sign-in may take between leaving for the identity provider and coming back. */
export const PENDING_TTL_MS = 10 * 60_000;
const MIN_KEY_BYTES = 32;
const MAX_SEALED_CHARS = 4096;

/** What the browser carries, sealed, from beginSignIn to finishSignIn (the `wr_signin` cookie). */
export const PendingSignInSchema = z
  .object({
    state: z.string().min(1).max(200),
    nonce: z.string().min(1).max(200),
    codeVerifier: z.string().min(43).max(128),
    /** In-app path to land on after sign-in. */
    returnTo: z.string().min(1).max(2000),
    /** The redirect URI the authorization request named; the token request must repeat it. */
    redirectUri: z.url(),
    createdAt: z.number().int().nonnegative(),
  })
  .strict();
export type PendingSignIn = z.infer<typeof PendingSignInSchema>;

const SealedSchema = z.object({ p: PendingSignInSchema, exp: z.number().int() }).strict();

export type SealKey = string | Buffer;

function keyBytes(key: SealKey): Buffer {
  const k = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (k.length < MIN_KEY_BYTES) throw new Error(`the sign-in cookie key must be at least ${MIN_KEY_BYTES} bytes`);
  return k;
}

function mac(payload: string, key: SealKey): string {
  return createHmac("sha256", keyBytes(key)).update(payload).digest("base64url");
}

/** `<base64url JSON>.<base64url HMAC-SHA256>`, valid for 10 minutes from `pending.createdAt`. */
export function sealPending(pending: PendingSignIn, key: SealKey): string {
  const p = PendingSignInSchema.parse(pending);
  const payload = Buffer.from(JSON.stringify({ p, exp: p.createdAt + PENDING_TTL_MS })).toString("base64url");
  return `${payload}.${mac(payload, key)}`;
}

/** The pending sign-in, or Unauthorized when the value was altered, is malformed, or has expired. */
export function unsealPending(value: string, key: SealKey, now: number = Date.now()): PendingSignIn {
  const fail = (why: string) => new Unauthorized(`sign-in failed: ${why}; start signing in again`);
  if (typeof value !== "string" || value.length > MAX_SEALED_CHARS) throw fail("the sign-in cookie is malformed");
  const dot = value.indexOf(".");
  if (dot <= 0) throw fail("the sign-in cookie is malformed");
  const payload = value.slice(0, dot);
  if (!constantTimeEqual(value.slice(dot + 1), mac(payload, key))) throw fail("the sign-in cookie was altered");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw fail("the sign-in cookie is malformed");
  }
  const sealed = SealedSchema.safeParse(decoded);
  if (!sealed.success) throw fail("the sign-in cookie is malformed");
  if (now >= sealed.data.exp) throw fail("the sign-in took longer than 10 minutes");
  return sealed.data.p;
}
