import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Refusal } from "./security";

/**
 * Per client address (lib/server/client-address.ts): a generous request budget for /api, stricter
 * ones for sign-in (/auth/*) and token management (/api/v1/tokens*), and a cap on open WebSocket
 * connections. With Redis the request budgets are shared by every instance; without it (or while
 * Redis is unreachable) each instance counts on its own.
 */
export type RateLimitOptions = {
  /** Requests to /api per address per window (a burst may use the whole window at once). */
  api: { points: number; durationSeconds: number };
  /** Requests to /auth/* per address per window. */
  auth: { points: number; durationSeconds: number };
  /** Requests to /api/v1/tokens* per address per window (on top of `api`). */
  tokens: { points: number; durationSeconds: number };
  /** Status-page e-mail sign-ups (POST /api/v2/subscriptions, public) per address, and from everyone together: each sends a confirmation e-mail. */
  subscribe: { points: number; durationSeconds: number };
  subscribeAll: { points: number; durationSeconds: number };
  /** Open WebSocket connections per address, per instance. */
  socketsPerAddress: number;
};

export const RATE_LIMITS: RateLimitOptions = {
  api: { points: 500, durationSeconds: 10 }, // 50 requests/s on average, bursts up to 500
  auth: { points: 20, durationSeconds: 60 },
  tokens: { points: 30, durationSeconds: 60 },
  subscribe: { points: 5, durationSeconds: 3600 },
  subscribeAll: { points: 300, durationSeconds: 3600 },
  socketsPerAddress: 50,
};

/** A Redis call that takes longer than this counts on the instance instead: a request never waits on a stuck Redis. */
export const REDIS_TIMEOUT_MS = 150;

export type RateLimitsInit = {
  /** Budgets (tests inject small ones); the rest from RATE_LIMITS. */
  limits?: Partial<RateLimitOptions>;
  /** Count in this Redis, shared by every instance that uses the same `prefix`. The caller owns (and closes) it. */
  redis?: Redis;
  /** Key namespace (WAR_ROOM_CLUSTER_PREFIX); keys are `<prefix>:rl:<budget>:<address>`. */
  prefix?: string;
  timeoutMs?: number;
};

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + "/");

/**
 * One budget. In Redis: RateLimiterRedis inside a timeout, with a RateLimiterMemory as the
 * insurance limiter, so a Redis that is down (not "ready": no call at all), failing or slow
 * never blocks or fails a request; it is counted on this instance until Redis answers again.
 * The insurance sits on the timeout wrapper, not on RateLimiterRedis too, so a call that times
 * out and later fails is counted once.
 */
function budget(name: string, o: { points: number; durationSeconds: number }, init: RateLimitsInit): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points: o.points, duration: o.durationSeconds });
  if (!init.redis) return memory;
  const redis = new RateLimiterRedis({ storeClient: init.redis, rejectIfRedisNotReady: true, keyPrefix: `${init.prefix ?? "warroom"}:rl:${name}`, points: o.points, duration: o.durationSeconds });
  return new RLWrapperTimeouts({ limiter: redis, timeoutMs: init.timeoutMs ?? REDIS_TIMEOUT_MS, insuranceLimiter: memory });
}

export class RateLimits {
  readonly options: RateLimitOptions;
  /** "redis" when the request budgets are shared through Redis (falling back per instance while it is away). */
  readonly shared: "redis" | "memory";
  private readonly api: RateLimiterAbstract;
  private readonly auth: RateLimiterAbstract;
  private readonly tokens: RateLimiterAbstract;
  private readonly subscribe: RateLimiterAbstract;
  private readonly subscribeAll: RateLimiterAbstract;
  /**
   * Sockets stay counted per instance, in a Map: a socket is held, not spent in a window, and a
   * shared counter would need every instance to give its slots back, which one that crashes or is
   * cut off from Redis never does. N instances thus allow up to N × socketsPerAddress per address.
   */
  private readonly sockets = new Map<string, number>();

  constructor(init: RateLimitsInit = {}) {
    this.options = { ...RATE_LIMITS, ...init.limits };
    this.shared = init.redis ? "redis" : "memory";
    this.api = budget("api", this.options.api, init);
    this.auth = budget("auth", this.options.auth, init);
    this.tokens = budget("tokens", this.options.tokens, init);
    this.subscribe = budget("subscribe", this.options.subscribe, init);
    this.subscribeAll = budget("subscribe-all", this.options.subscribeAll, init);
  }

  /** null when a request from `address` to `path` is within its budgets (or not limited: /health/*, pages, /metrics); else a 429. */
  async checkHttp(address: string, path: string, method = "GET"): Promise<Refusal | null> {
    const limiters: [RateLimiterAbstract, string][] = [];
    if (underPrefix(path, "/api")) limiters.push([this.api, address]);
    if (path === "/api/v1/tokens" || path.startsWith("/api/v1/tokens/")) limiters.push([this.tokens, address]);
    if (underPrefix(path, "/auth")) limiters.push([this.auth, address]);
    if (path === "/api/v2/subscriptions" && method.toUpperCase() === "POST") limiters.push([this.subscribe, address], [this.subscribeAll, "all"]);
    for (const [l, key] of limiters) {
      try {
        await l.consume(key);
      } catch (rej) {
        if (!(rej instanceof RateLimiterRes)) throw rej; // the in-memory insurance failed: a bug, not a verdict
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
