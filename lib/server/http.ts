import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import Router from "find-my-way";
import type { z } from "zod";
import {
  Invalid,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  StoreUnavailable,
  Unavailable,
  UnsupportedMediaType,
  WarRoomError,
  errorBody,
} from "../errors";
import type { Logger } from "../log";
import { authorize, type Identity } from "../auth/policy";
import { Forbidden } from "../errors";
import type { ApiAccess } from "./access";
import { policyOf } from "./policy";

export type RequestCtx = {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (only read when the handler asks for it). */
  body(): Promise<unknown>;
  /** Who sent the request (lib/server/access.ts); null only on public routes. */
  identity: Identity | null;
  /** The name writes are attributed to: the signed-in person, the token's subject, or (local mode) X-War-Room-User. */
  author: string;
};

/** `stream`: lines written as they come (JSON Lines exports), with back-pressure. */
export type Reply = { status?: number; body?: unknown; headers?: Record<string, string>; text?: string; stream?: AsyncIterable<string> };
export type Handler = (ctx: RequestCtx) => Promise<Reply> | Reply;
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * What the OpenAPI document says about a route, next to its handler. Shapes are the zod
 * schemas the handler parses and the resource schemas it answers with (lib/server/openapi.ts).
 */
export type RouteDoc = {
  summary: string;
  description?: string;
  /** Query parameters (an object schema, as the handler parses them). */
  query?: z.ZodObject;
  /** The JSON request body; `bodyOptional` when the route also accepts none. */
  body?: z.ZodType;
  bodyOptional?: boolean;
  /** Success status (default 200) and the JSON body answered with it. */
  status?: number;
  response?: z.ZodType;
  /** A non-JSON success answer (e.g. "text/markdown"), a string. */
  produces?: string;
  /** The route records who wrote (X-War-Room-User). */
  author?: boolean;
  /** The route takes an Idempotency-Key header (lib/server/idempotency.ts). */
  idempotent?: boolean;
  /** Error statuses and when they happen; each answers the `{"error": …}` body. */
  errors?: Record<number, string | { description: string; schema: z.ZodType }>;
  /** Name of the `*` path parameter in the document (`/runbooks/*` → `/runbooks/{slug}`). */
  wildcard?: string;
};

export type RouteInfo = { method: Method; path: string; doc: RouteDoc };

const MAX_BODY_BYTES = 1 << 20;
const METHODS: Method[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/**
 * The JSON API's HTTP edge: routing, body limits, load shedding and the single mapping
 * of domain errors to status codes and `{"error": {code, message, details}}` bodies.
 */
export class HttpApi {
  private readonly router = Router({ ignoreTrailingSlash: true, caseSensitive: true });
  private readonly table: RouteInfo[] = [];
  private inFlight = 0;
  private draining = false;
  readonly maxInFlight: number;
  private readonly logger: Logger;

  private readonly access: ApiAccess;

  private readonly settled?: () => Promise<void>;

  constructor(opts: {
    logger: Logger;
    access: ApiAccess;
    maxInFlight?: number;
    /** Resolves once the write's live events left this instance (lib/live/hub.ts settled): an acknowledged write's event survives a crash. */
    settled?: () => Promise<void>;
  }) {
    this.logger = opts.logger;
    this.access = opts.access;
    this.settled = opts.settled;
    this.maxInFlight = opts.maxInFlight ?? 512;
  }

  get pending(): number {
    return this.inFlight;
  }

  add(method: Method, path: string, handler: Handler, doc: RouteDoc): this {
    this.router.on(method, path, () => undefined, { handler, pattern: path, bodyOptional: doc.bodyOptional === true });
    this.table.push({ method, path, doc });
    return this;
  }

  /** Every registered route with its documentation, in registration order. */
  routes(): readonly RouteInfo[] {
    return this.table;
  }

  /** The route pattern a request matches (for metrics labels), or null. */
  routeOf(method: string, path: string): string | null {
    const m = (method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase()) as Method;
    if (!METHODS.includes(m)) return null;
    const found = this.router.find(m, path) as { store?: { pattern?: string } } | null;
    return found?.store?.pattern ?? null;
  }

  /** After this, new requests are answered 503 so the load balancer sends them elsewhere. */
  drain(): void {
    this.draining = true;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (this.draining) return send(res, new Unavailable("server is shutting down", 1));
    if (this.inFlight >= this.maxInFlight) return send(res, new Unavailable("server is over capacity; retry shortly", 1));
    this.inFlight++;
    const method = (req.method ?? "GET").toUpperCase();
    const routeMethod = (method === "HEAD" ? "GET" : method) as Method;
    // Set once the route is known: every write to a route is audited, allowed or not.
    let audited: { action: string; target: string | null; identity: Identity | null } | null = null;
    try {
      const found = this.router.find(routeMethod, url.pathname);
      if (!found) {
        const allowed = METHODS.filter((m) => this.router.find(m, url.pathname));
        if (allowed.length > 0) throw new MethodNotAllowed(`${method} is not allowed here; use ${allowed.join(", ")}`, { allowed });
        throw new NotFound(`no route ${method} ${url.pathname}`);
      }
      const { handler, pattern, bodyOptional } = found.store as { handler: Handler; pattern: string; bodyOptional: boolean };
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(found.params)) if (v !== undefined) params[k] = v;
      const policy = policyOf(routeMethod, pattern);
      // lib/server/policy.test.ts keeps the table complete; a route without an entry is refused, never open.
      if (!policy) throw new WarRoomError("internal", 500, `no authorisation policy for ${routeMethod} ${pattern}`);
      if (routeMethod !== "GET") audited = { action: `${routeMethod} ${pattern}`, target: Object.values(params).join("/") || null, identity: null };
      const identity = await this.access.identify(req, pattern);
      if (audited) audited.identity = identity;
      authorize(identity, policy);
      const reply = await handler({
        req,
        params,
        query: url.searchParams,
        identity,
        // Only public routes run without an identity, and they attribute nothing.
        author: identity ? identity.name : "anonymous",
        body: async () => {
          const body = bodyOptional && !hasBody(req) ? undefined : await readJson(req);
          if (policy.escalate?.when(body)) {
            try {
              authorize(identity, policy.escalate.need);
            } catch (err) {
              if (err instanceof Forbidden) throw new Forbidden(`${policy.escalate.what} ${err.message}`, err.details);
              throw err;
            }
          }
          return body;
        },
      });
      if (audited) await this.recordWrite(req, audited, reply.status ?? (reply.body === undefined && reply.text === undefined ? 204 : 200));
      if (audited && this.settled) await this.settled();
      if (reply.stream) return await sendStream(res, reply, reply.stream);
      sendReply(res, reply);
    } catch (err) {
      const e = err instanceof WarRoomError ? err : new WarRoomError("internal", 500, "internal error");
      if (!(err instanceof WarRoomError)) this.logger.error({ err, url: url.pathname, address: this.access.addressOf(req) }, "request failed");
      // The audit log lives in the same store: recording a write refused because it is unreachable would fail too.
      if (audited && !(e instanceof StoreUnavailable)) await this.recordWrite(req, audited, e.status);
      send(res, e);
    } finally {
      this.inFlight--;
    }
  }
  private recordWrite(req: IncomingMessage, w: { action: string; target: string | null; identity: Identity | null }, result: number): Promise<void> {
    return this.access.audit({ actor: w.identity, action: w.action, target: w.target, address: this.access.addressOf(req), result });
  }
}

export function send(res: ServerResponse, err: WarRoomError): void {
  const headers: Record<string, string> = {};
  if (err instanceof Unavailable && err.retryAfterSeconds !== undefined) headers["retry-after"] = String(err.retryAfterSeconds);
  if (err instanceof MethodNotAllowed) headers.allow = ((err.details as { allowed: string[] }).allowed ?? []).join(", ");
  sendReply(res, { status: err.status, body: errorBody(err), headers });
}

async function sendStream(res: ServerResponse, reply: Reply, lines: AsyncIterable<string>): Promise<void> {
  const iterator = lines[Symbol.asyncIterator]();
  // The first line is read before the head is sent, so a bad filter still answers 400.
  let next = await iterator.next();
  res.writeHead(reply.status ?? 200, { "cache-control": "no-store", ...reply.headers });
  while (!next.done) {
    if (!res.write(next.value)) await once(res, "drain");
    next = await iterator.next();
  }
  res.end();
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const status = reply.status ?? 200;
  // The server's clock at the answer, in ms: pages time durations by it before their socket is up
  // (components/live/serverClock.ts); `Date` has only whole seconds.
  const headers: Record<string, string> = { "cache-control": "no-store", "x-war-room-time": String(Date.now()), ...reply.headers };
  if (reply.text !== undefined) {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
    res.end(reply.text);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(status === 200 ? 204 : status, headers);
    res.end();
    return;
  }
  const json = JSON.stringify(reply.body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(json)), ...headers });
  res.end(json);
}

/** A request that declares no body at all (no Content-Length above 0, no chunked transfer). */
function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? "0") > 0 || req.headers["transfer-encoding"] !== undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new UnsupportedMediaType("send the body as application/json");
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw new PayloadTooLarge(`body larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new PayloadTooLarge(`body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new Invalid("request body is empty; expected JSON");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Invalid(`request body is not valid JSON: ${(err as Error).message}`);
  }
}
