import { createHash } from "node:crypto";
import { Invalid } from "../errors";
import type { IdempotentRequest, Once } from "../store/idempotency";
import type { Reply, RequestCtx } from "./http";

/**
 * The Idempotency-Key request header (IETF draft-ietf-httpapi-idempotency-key-header): a
 * Structured Field string, `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`. A bare
 * token without the quotes is accepted too, as many clients send one.
 */
const MAX_KEY_LENGTH = 255;

/** The key of a request, null without the header; Invalid when it is present but unusable. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (Array.isArray(header)) throw new Invalid("send one Idempotency-Key header, not several");
  const raw = header.trim();
  let key = raw;
  if (raw.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw);
    if (!m) throw new Invalid('Idempotency-Key must be a quoted string, e.g. Idempotency-Key: "a1b2c3"');
    key = m[1].replace(/\\(["\\])/g, "$1");
  }
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw new Invalid(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters`);
  }
  return key;
}

/** The request's fingerprint: method, path and the JSON body with its keys sorted (key order and spacing do not count). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method} ${path}\n${canonicalJson(body)}`).digest("base64url");
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The header as the OpenAPI document describes it (lib/server/openapi.ts). */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header",
  schema: { type: "string", maxLength: MAX_KEY_LENGTH + 2 },
  description:
    'A unique value per request, e.g. `"8e03978e-40d5-43e8-bc93-6894a57f9324"` (draft-ietf-httpapi-idempotency-key-header). A retry with the same key and body gets the first answer again (header `Idempotent-Replayed: true`) and writes nothing; the same key with another body is 422. Keys are kept 48 hours, per user.',
};

/** The idempotent request a route was sent (its key, the client's identity, its fingerprint); null without the header. */
export function idempotentRequest(ctx: RequestCtx, body: unknown): IdempotentRequest | null {
  const key = parseIdempotencyKey(ctx.req.headers["idempotency-key"]);
  if (key === null) return null;
  const path = new URL(ctx.req.url ?? "/", "http://localhost").pathname;
  return { scope: ctx.identity?.subject ?? "anonymous", key, fingerprint: requestFingerprint(ctx.req.method ?? "POST", path, body) };
}

/** The answer to send: the first one, marked when it is a replay. */
export function onceReply(r: Once<unknown>): Reply {
  return { status: r.answer.status, body: r.answer.body, ...(r.replayed ? { headers: { "idempotent-replayed": "true" } } : {}) };
}
