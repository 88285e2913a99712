import type { z } from "zod";
import { noteServerTime } from "@/components/live/serverClock";

/** Error of an `/api/v1` call: the server's `{"error": {code, message, details}}`, or unreachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Sent on window by every `/api/v1` call answered 401; the shell shows "Your session ended". */
export const UNAUTHORIZED_EVENT = "war-room:unauthorized";

type ErrorBody = { error?: { code?: unknown; message?: unknown; details?: unknown } };

type Init = RequestInit & { json?: unknown };

/** With `schema`, the answer is parsed with the shared contract and a mismatch is an ApiError. */
export async function apiFetch<S extends z.ZodType>(path: string, init: Init & { schema: S }): Promise<z.output<S>>;
export async function apiFetch<T>(path: string, init?: Init): Promise<T>;
export async function apiFetch(path: string, init: Init & { schema?: z.ZodType } = {}): Promise<unknown> {
  const { json, headers, schema, ...rest } = init;
  let res: Response;
  const sentAt = Date.now();
  try {
    res = await fetch(path, {
      ...rest,
      headers: {
        accept: "application/json",
        // Writes are JSON-only at the server (CSRF), also without a body (e.g. stopping a drill).
        ...(json !== undefined || (rest.method && rest.method !== "GET" && rest.method !== "HEAD") ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  } catch {
    throw new ApiError(0, "unreachable", "The server cannot be reached.");
  }
  noteServerTime(res.headers.get("x-war-room-time"), res.headers.get("date"), sentAt, Date.now());
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    if (res.status === 401 && typeof window !== "undefined") window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const e = (body as ErrorBody | null)?.error;
    throw new ApiError(
      res.status,
      typeof e?.code === "string" ? e.code : `http_${res.status}`,
      typeof e?.message === "string" ? e.message : `Request failed (HTTP ${res.status})`,
      e?.details,
    );
  }
  if (!schema) return body;
  const r = schema.safeParse(body);
  if (!r.success) throw new ApiError(res.status, "unexpected_response", "The server answered in a shape this page does not know; reload the page.");
  return r.data;
}

/** Human-readable lines from an error's `details` (zod issues, a field map, or anything else). */
export function detailLines(details: unknown): string[] {
  if (details == null) return [];
  const issues = Array.isArray(details)
    ? details
    : typeof details === "object" && Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : null;
  if (issues) {
    return issues.map((i) => {
      if (typeof i === "string") return i;
      if (i && typeof i === "object") {
        const { path, message } = i as { path?: unknown; message?: unknown };
        const where = Array.isArray(path) && path.length ? `${path.join(".")}: ` : typeof path === "string" && path ? `${path}: ` : "";
        return `${where}${typeof message === "string" ? message : JSON.stringify(i)}`;
      }
      return String(i);
    });
  }
  if (typeof details === "object") {
    return Object.entries(details as Record<string, unknown>).map(
      ([k, v]) => `${k}: ${typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : JSON.stringify(v)}`,
    );
  }
  return [String(details)];
}
