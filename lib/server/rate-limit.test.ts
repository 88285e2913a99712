import { createServer, type Server, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RateLimits } from "./rate-limit";

const REDIS_URL = process.env.REDIS_URL;
const small = { api: { points: 3, durationSeconds: 60 }, auth: { points: 2, durationSeconds: 60 }, tokens: { points: 1, durationSeconds: 60 } };

async function until(what: string, cond: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The statuses of `n` requests from `address` to `path` (200 = let through). */
async function statuses(limits: RateLimits, address: string, path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await limits.checkHttp(address, path))?.status ?? 200);
  return out;
}

describe("RateLimits in memory (one instance)", () => {
  it("refuses the (n+1)th request of an address with a Retry-After, and counts each address apart", async () => {
    const limits = new RateLimits({ limits: small });
    expect(limits.shared).toBe("memory");
    expect(await statuses(limits, "198.51.100.1", "/api/v1/services", 4)).toEqual([200, 200, 200, 429]);
    const refused = await limits.checkHttp("198.51.100.1", "/api/v1/services");
    expect(Number(refused?.headers?.["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(await statuses(limits, "198.51.100.2", "/api/v1/services", 1)).toEqual([200]);
    expect(await statuses(limits, "198.51.100.1", "/health/live", 5)).toEqual([200, 200, 200, 200, 200]);
  });

  it("status-page sign-ups (each sends an e-mail) have their own small budget per address and overall; reading the page does not spend it", async () => {
    const limits = new RateLimits({ limits: { subscribe: { points: 2, durationSeconds: 3600 }, subscribeAll: { points: 3, durationSeconds: 3600 } } });
    const signUps = async (address: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await limits.checkHttp(address, "/api/v2/subscriptions", "POST"))?.status ?? 200);
      return out;
    };
    expect(await statuses(limits, "198.51.100.7", "/api/v2/subscriptions", 5)).toEqual([200, 200, 200, 200, 200]);
    expect(await signUps("198.51.100.7", 3)).toEqual([200, 200, 429]);
    // Another address still may, until the overall cap (3) is spent.
    expect(await signUps("198.51.100.8", 2)).toEqual([200, 429]);
    expect(await signUps("198.51.100.9", 1)).toEqual([429]);
  });
});

describe.skipIf(!REDIS_URL)("RateLimits shared through Redis (REDIS_URL)", () => {
  const prefix = `wr-test-rl-${process.pid}-${randomBytes(3).toString("hex")}`;
  const clients: Redis[] = [];
  const connect = async () => {
    const r = new Redis(REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 1_000 });
    clients.push(r);
    await until("Redis ready", () => r.status === "ready");
    return r;
  };
  afterAll(async () => {
    const admin = clients[0];
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    for (const c of clients) c.disconnect();
  });

  it("two instances count together: the budget is reached across both", async () => {
    const a = new RateLimits({ limits: small, redis: await connect(), prefix });
    const b = new RateLimits({ limits: small, redis: await connect(), prefix });
    expect(a.shared).toBe("redis");
    expect(await statuses(a, "203.0.113.1", "/api/v1/services", 2)).toEqual([200, 200]);
    expect(await statuses(b, "203.0.113.1", "/api/v1/services", 2)).toEqual([200, 429]);
    expect(await statuses(a, "203.0.113.1", "/api/v1/services", 1)).toEqual([429]);
    // Another address still has its whole budget, on either instance.
    expect(await statuses(b, "203.0.113.2", "/api/v1/services", 1)).toEqual([200]);
    expect(await statuses(a, "203.0.113.2", "/api/v1/services", 2)).toEqual([200, 200]);
    expect(await statuses(b, "203.0.113.2", "/api/v1/services", 1)).toEqual([429]);
    expect((await clients[0].keys(`${prefix}:rl:api:*`)).sort()).toEqual([`${prefix}:rl:api:203.0.113.1`, `${prefix}:rl:api:203.0.113.2`]);
  });

  it("shares the stricter budgets too (/auth, /api/v1/tokens), IPv6 addresses included", async () => {
    const a = new RateLimits({ limits: small, redis: await connect(), prefix });
    const b = new RateLimits({ limits: small, redis: await connect(), prefix });
    expect(await statuses(a, "2001:db8::1", "/auth/login", 1)).toEqual([200]);
    expect(await statuses(b, "2001:db8::1", "/auth/login", 2)).toEqual([200, 429]);
    expect(await statuses(a, "2001:db8::1", "/api/v1/tokens", 1)).toEqual([200]);
    expect(await statuses(b, "2001:db8::1", "/api/v1/tokens", 1)).toEqual([429]);
  });

  it("a different prefix (another war room on the same Redis) counts apart", async () => {
    const a = new RateLimits({ limits: small, redis: await connect(), prefix });
    const other = new RateLimits({ limits: small, redis: await connect(), prefix: `${prefix}-other` });
    expect(await statuses(a, "203.0.113.9", "/api/v1/services", 3)).toEqual([200, 200, 200]);
    expect(await statuses(other, "203.0.113.9", "/api/v1/services", 1)).toEqual([200]);
    expect(await statuses(a, "203.0.113.9", "/api/v1/services", 1)).toEqual([429]);
  });
});

describe("RateLimits while Redis is away: counted per instance, never blocking, never throwing", () => {
  const clients: Redis[] = [];
  let silent: Server | null = null;
  const held: Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of held.splice(0)) s.destroy();
    if (silent) await new Promise((r) => silent!.close(r));
    silent = null;
  });

  it("with an unreachable Redis, each instance keeps its own count", async () => {
    const down = new Redis("redis://127.0.0.1:1", { enableOfflineQueue: false, connectTimeout: 200, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    down.on("error", () => {}); // connection refused, over and over: expected here
    clients.push(down);
    const a = new RateLimits({ limits: small, redis: down, prefix: "unused", timeoutMs: 100 });
    const b = new RateLimits({ limits: small, redis: down, prefix: "unused", timeoutMs: 100 });
    const began = Date.now();
    expect(await statuses(a, "203.0.113.1", "/api/v1/services", 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(b, "203.0.113.1", "/api/v1/services", 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(a, "203.0.113.1", "/auth/login", 3)).toEqual([200, 200, 429]);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it("with a Redis that accepts but never answers, every call gives up after its timeout", async () => {
    silent = createServer((s) => void held.push(s));
    await new Promise<void>((r) => silent!.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as { port: number }).port;
    // No command timeout of its own, no handshake, no ready check: "ready" at once, and nothing ever comes back.
    const stuck = new Redis({ host: "127.0.0.1", port, protocol: 2, disableClientInfo: true, enableReadyCheck: false, maxRetriesPerRequest: null });
    stuck.on("error", () => {});
    clients.push(stuck);
    await until("the stuck Redis to look ready", () => stuck.status === "ready");
    const a = new RateLimits({ limits: small, redis: stuck, prefix: "unused", timeoutMs: 50 });
    const began = Date.now();
    expect(await statuses(a, "203.0.113.1", "/api/v1/services", 4)).toEqual([200, 200, 200, 429]);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(4 * 45); // each call did wait on Redis, then fell back
    expect(took).toBeLessThan(2_000);
    expect(held.length).toBeGreaterThan(0);
  });
});
