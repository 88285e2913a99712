import { z } from "zod";

/**
 * One typed error hierarchy for the product. Each edge (HTTP, WebSocket) maps it once.
 */
export const ERROR_CODES = [
  "invalid",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "unprocessable",
  "payload_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "misdirected",
  "rate_limited",
  "unavailable",
  "store_unavailable",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class WarRoomError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ErrorCode, status: number, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export class Invalid extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("invalid", 400, message, details);
  }
}
export class Unauthorized extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("unauthorized", 401, message, details);
  }
}
/** Signed in (or a valid token), but the role or scope is too low for the operation. */
export class Forbidden extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("forbidden", 403, message, details);
  }
}
export class NotFound extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("not_found", 404, message, details);
  }
}
export class Conflict extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("conflict", 409, message, details);
  }
}
/** Well-formed, but cannot be processed as sent (e.g. an Idempotency-Key reused with another body). */
export class Unprocessable extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("unprocessable", 422, message, details);
  }
}
export class PayloadTooLarge extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("payload_too_large", 413, message, details);
  }
}
export class UnsupportedMediaType extends WarRoomError {
  constructor(message: string) {
    super("unsupported_media_type", 415, message);
  }
}
export class MethodNotAllowed extends WarRoomError {
  constructor(message: string, details?: unknown) {
    super("method_not_allowed", 405, message, details);
  }
}
export class Unavailable extends WarRoomError {
  readonly retryAfterSeconds?: number;
  constructor(message: string, retryAfterSeconds?: number, code: "unavailable" | "store_unavailable" = "unavailable", details?: unknown) {
    super(code, 503, message, details);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The database cannot be reached (refused, reset, timed out, shutting down). Raised by the store
 * (lib/store/outage.ts) before any domain code sees the driver error, so every edge answers it the
 * same way: 503 with Retry-After. The write it interrupted was not committed.
 */
export class StoreUnavailable extends Unavailable {
  constructor(cause?: unknown) {
    super("The database cannot be reached; nothing was saved. Try again in a few seconds.", STORE_RETRY_AFTER_SECONDS, "store_unavailable");
    if (cause !== undefined) this.cause = cause;
  }
}

/** The body of every error answer: `{"error": {code, message, details}}`. */
export const ErrorBodySchema = z.object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }) });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function errorBody(err: WarRoomError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
}

/** zod issues → `[{ path: "services[2].id", message }]`, the shape used in every validation error. */
export function issuesToDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

/**
 * The one mapping of zod issues to `Invalid`: parses `value` or throws with every issue in
 * details. The message names `what` and, unless `firstIssue` is false, the first problem
 * ("invalid ingest batch: samples[0].t: …").
 */
export function parseOrInvalid<T extends z.ZodType>(schema: T, value: unknown, what: string, opts: { firstIssue?: boolean } = {}): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first && first.path.length ? `${formatPath(first.path)}: ` : "";
  const message = opts.firstIssue === false ? `invalid ${what}` : `invalid ${what}: ${where}${first?.message ?? "bad input"}`;
  throw new Invalid(message, issuesToDetails(r.error.issues));
}
