import { Redis } from "ioredis";
import type { Logger } from "../log";

/**
 * A Redis connection for work that must never wait on Redis (rate limits): no offline queue
 * (a command while disconnected fails at once), a timeout on connect and on every command, and
 * endless reconnects with a capped delay. Outages are logged once each, without the URL (it may
 * hold a password).
 */
export function connectRedis(url: string, logger: Logger, opts: { commandTimeoutMs?: number; connectTimeoutMs?: number } = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on("error", (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: err.message }, "Redis unreachable: rate limits count on this instance until it is back");
  });
  redis.on("ready", () => {
    if (down) logger.info({}, "Redis is back: rate limits are shared again");
    down = false;
  });
  return redis;
}
