import type { IncomingMessage } from "node:http";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Refusal } from "./security";

/**
 * Per client address: a generous request budget for /api, stricter ones for sign-in (/auth/*)
 * and token management (/api/v1/tokens*), and a cap on open WebSocket connections. In memory
 * for one instance; the multi-instance work swaps the limiters for RateLimiterRedis.
 */
export type RateLimitOptions = {
  /** Requests to /api per address per window (a burst may use the whole window at once). */
  api: { points: number; durationSeconds: number };
  /** Requests to /auth/* per address per window. */
  auth: { points: number; durationSeconds: number };
  /** Requests to /api/v1/tokens* per address per window (on top of `api`). */
  tokens: { points: number; durationSeconds: number };
  /** Open WebSocket connections per address. */
  socketsPerAddress: number;
};

export const RATE_LIMITS: RateLimitOptions = {
  api: { points: 500, durationSeconds: 10 }, // 50 requests/s on average, bursts up to 500
  auth: { points: 20, durationSeconds: 60 },
  tokens: { points: 30, durationSeconds: 60 },
  socketsPerAddress: 50,
};

/** The peer address, IPv4-mapped IPv6 folded to IPv4. Behind a proxy this is the proxy (no trusted X-Forwarded-For yet). */
export function clientAddress(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? "unknown";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + "/");

export class RateLimits {
  readonly options: RateLimitOptions;
  private readonly api: RateLimiterMemory;
  private readonly auth: RateLimiterMemory;
  private readonly tokens: RateLimiterMemory;
  /** A count, not a rate: a Map is exact in one process (a limiter's window would expire long-lived sockets). */
  private readonly sockets = new Map<string, number>();

  constructor(options: Partial<RateLimitOptions> = {}) {
    this.options = { ...RATE_LIMITS, ...options };
    const limiter = (keyPrefix: string, o: { points: number; durationSeconds: number }) => new RateLimiterMemory({ keyPrefix, points: o.points, duration: o.durationSeconds });
    this.api = limiter("api", this.options.api);
    this.auth = limiter("auth", this.options.auth);
    this.tokens = limiter("tokens", this.options.tokens);
  }

  /** null when the request is within its budgets (or not limited: /health/*, pages, /metrics); else a 429. */
  async checkHttp(req: IncomingMessage, path: string): Promise<Refusal | null> {
    const limiters: RateLimiterMemory[] = [];
    if (underPrefix(path, "/api")) limiters.push(this.api);
    if (path === "/api/v1/tokens" || path.startsWith("/api/v1/tokens/")) limiters.push(this.tokens);
    if (underPrefix(path, "/auth")) limiters.push(this.auth);
    const key = clientAddress(req);
    for (const l of limiters) {
      try {
        await l.consume(key);
      } catch (rej) {
        if (!(rej instanceof RateLimiterRes)) throw rej; // a store failure, not a verdict
        const seconds = Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
        return {
          status: 429,
          body: { error: { code: "rate_limited", message: `too many requests from this address; retry in ${seconds} s` } },
          headers: { "retry-after": String(seconds) },
        };
      }
    }
    return null;
  }

  /** Takes one socket slot for `address`; the returned release frees it exactly once. null when the cap is reached. */
  acquireSocket(address: string): (() => void) | null {
    const open = this.sockets.get(address) ?? 0;
    if (open >= this.options.socketsPerAddress) return null;
    this.sockets.set(address, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.sockets.get(address) ?? 1) - 1;
      if (n <= 0) this.sockets.delete(address);
      else this.sockets.set(address, n);
    };
  }

  /** Open sockets counted for `address` (tests, /health). */
  socketsOf(address: string): number {
    return this.sockets.get(address) ?? 0;
  }
}
