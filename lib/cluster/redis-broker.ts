import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Broker, BrokerFrame, BrokerHistory } from "../live/broker";
import { withTimeout } from "../time";

/**
 * The Redis broker (docs/architecture.md "Several instances"): one Lua script per event numbers it
 * (per-channel epoch + seq in a hash), keeps the newest events in a capped list for resume on any
 * instance, and PUBLISHes it on the cluster's one bus channel, so every instance gets every
 * frame in one total order per publisher. Messages of our own (tick replication, sign-outs) go on
 * the same bus, so a follower sees the tick's values before the frames built from them.
 *
 * Every command has a timeout and nothing queues while Redis is away: the hub falls back to
 * local sequencing at once (lib/live/hub.ts) and comes back by itself.
 */

/** Events of a channel expire from Redis this long after its last one (an idle incident). */
const CHANNEL_TTL_SECONDS = 7 * 24 * 3600;
const COMMAND_TIMEOUT_MS = 1_000;

const PUBLISH_LUA = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
  redis.call('DEL', KEYS[2])
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local frame = '{"type":"event","channel":' .. cjson.encode(ARGV[2]) .. ',"epoch":' .. cjson.encode(epoch) .. ',"seq":' .. seq .. ',"time":' .. ARGV[4] .. ',"event":' .. cjson.encode(ARGV[3]) .. ',"data":' .. ARGV[5] .. '}'
redis.call('RPUSH', KEYS[2], frame)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[6]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[9])
redis.call('PUBLISH', ARGV[7], 'F\\n' .. ARGV[8] .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3] .. '\\n' .. epoch .. '\\n' .. seq .. '\\n' .. frame)
return seq
`;

const POSITION_LUA = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return { epoch, redis.call('HGET', KEYS[1], 'seq') }
`;

/** Only the frames after ARGV[1] (none when the list no longer reaches back that far). */
const HISTORY_LUA = `
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not meta[1] then return { false, 0 } end
local seq = tonumber(meta[2])
local first = seq - redis.call('LLEN', KEYS[2]) + 1
local from = tonumber(ARGV[1]) + 1
if from < first or from > seq then return { meta[1], meta[2] } end
local frames = redis.call('LRANGE', KEYS[2], from - first, -1)
return { meta[1], meta[2], unpack(frames) }
`;

export type BusMessage = { origin: string; kind: string; data: unknown };

export type RedisBrokerOptions = {
  url: string;
  /** Key namespace (WAR_ROOM_CLUSTER_PREFIX), so several war rooms can share one Redis. */
  prefix: string;
  /** This instance (frames it published carry it). */
  origin: string;
  onFrame: (f: BrokerFrame) => void;
  onMessage: (m: BusMessage) => void;
  onState: (up: boolean) => void;
  /** Told why a bus message was dropped (never thrown). */
  onDropped?: (reason: string) => void;
};

type Scripted = Redis & {
  wrPublish(k1: string, k2: string, ...args: (string | number)[]): Promise<number>;
  wrPosition(k1: string, ...args: (string | number)[]): Promise<[string, string]>;
  wrHistory(k1: string, k2: string, afterSeq: number): Promise<(string | null | number)[]>;
};

export class RedisBroker implements Broker {
  readonly kind = "redis";
  private readonly opts: RedisBrokerOptions;
  private readonly cmd: Scripted;
  private readonly sub: Redis;
  private readonly bus: string;
  private up = false;
  private closed = false;
  /** The bus subscription was confirmed once (ioredis subscribes again by itself after a reconnect). */
  private subscribed = false;

  constructor(opts: RedisBrokerOptions) {
    this.opts = opts;
    this.bus = `${opts.prefix}:bus`;
    const common = {
      lazyConnect: true,
      connectTimeout: 2_000,
      // Fail fast while Redis is away (the hub falls back); reconnect in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (n: number) => Math.min(200 * n, 2_000),
    };
    this.cmd = new Redis(opts.url, { ...common, commandTimeout: COMMAND_TIMEOUT_MS, connectionName: `war-room:${opts.origin}` }) as Scripted;
    this.cmd.defineCommand("wrPublish", { numberOfKeys: 2, lua: PUBLISH_LUA });
    this.cmd.defineCommand("wrPosition", { numberOfKeys: 1, lua: POSITION_LUA });
    this.cmd.defineCommand("wrHistory", { numberOfKeys: 2, lua: HISTORY_LUA });
    // The subscriber connection must queue its SUBSCRIBE for when it is back.
    this.sub = new Redis(opts.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: `war-room:${opts.origin}:bus` });
    for (const c of [this.cmd, this.sub]) {
      c.on("ready", () => this.refresh());
      c.on("close", () => this.refresh());
      c.on("end", () => this.refresh());
      // Errors surface as state; ioredis reconnects by itself.
      c.on("error", () => this.refresh());
    }
    this.sub.on("messageBuffer", (_channel: Buffer, message: Buffer) => this.dispatch(message.toString("utf8")));
  }

  /** Connects both connections; rejects when Redis cannot be reached at start. */
  async connect(): Promise<void> {
    // Queued on the subscriber connection (its offline queue is on) when Redis is not there yet:
    // it subscribes as soon as Redis answers, and ioredis subscribes again after every reconnect.
    const connected = Promise.all([this.cmd.connect(), this.sub.connect()]);
    const subscribed = this.sub.subscribe(this.bus);
    // Up only once Redis has confirmed the subscription: an instance that started while Redis was
    // away said "up" on the connection's ready, before its queued SUBSCRIBE was answered, and
    // missed the leader's next tick (test/cluster-redis-outage.integration.test.ts).
    subscribed.then(
      () => {
        this.subscribed = true;
        this.refresh();
      },
      () => undefined,
    );
    try {
      await connected;
      await subscribed;
    } finally {
      this.refresh();
    }
  }

  isUp(): boolean {
    return this.up;
  }

  describe(): string {
    const u = new URL(this.opts.url);
    return `redis:${u.hostname}:${u.port || "6379"}${u.pathname && u.pathname !== "/" ? u.pathname : ""}`;
  }

  async publish(msg: { channel: string; event: string; data: string; time: number; historyLimit: number }): Promise<void> {
    await this.cmd.wrPublish(
      this.metaKey(msg.channel),
      this.historyKey(msg.channel),
      newEpoch(),
      msg.channel,
      msg.event,
      String(Math.round(msg.time)),
      msg.data,
      msg.historyLimit,
      this.bus,
      this.opts.origin,
      CHANNEL_TTL_SECONDS,
    );
  }

  async position(channel: string): Promise<{ epoch: string; seq: number }> {
    const [epoch, seq] = await this.cmd.wrPosition(this.metaKey(channel), newEpoch(), CHANNEL_TTL_SECONDS);
    return { epoch, seq: Number(seq) };
  }

  async history(channel: string, afterSeq: number): Promise<BrokerHistory> {
    const r = await this.cmd.wrHistory(this.metaKey(channel), this.historyKey(channel), afterSeq);
    const epoch = typeof r[0] === "string" ? r[0] : "";
    const seq = Number(r[1] ?? 0);
    const frames = r.slice(2).map(String);
    return { epoch, seq, firstSeq: seq - frames.length + 1, frames };
  }

  /** A message of our own on the bus (after every frame this instance published before it). */
  async send(kind: string, data: unknown): Promise<void> {
    await this.cmd.publish(this.bus, `M\n${this.opts.origin}\n${kind}\n${JSON.stringify(data)}`);
  }

  /** A client for other shared state (rate limits); it shares the command connection. */
  get client(): Redis {
    return this.cmd;
  }

  async ping(timeoutMs = 1_000): Promise<void> {
    await withTimeout(this.cmd.ping(), timeoutMs, "redis ping");
  }

  async close(): Promise<void> {
    this.closed = true;
    this.refresh();
    await Promise.allSettled([this.cmd.quit(), this.sub.quit()]);
    this.cmd.disconnect();
    this.sub.disconnect();
  }

  private refresh(): void {
    const up = !this.closed && this.subscribed && this.cmd.status === "ready" && this.sub.status === "ready";
    if (up === this.up) return;
    this.up = up;
    this.opts.onState(up);
  }

  private dispatch(raw: string): void {
    const parts = splitN(raw, raw.startsWith("F\n") ? 7 : 4);
    if (!parts) return this.opts.onDropped?.("malformed bus message");
    if (parts[0] === "F") {
      const seq = Number(parts[5]);
      if (!Number.isSafeInteger(seq) || seq < 1 || !parts[2] || !parts[4]) return this.opts.onDropped?.("malformed frame header");
      this.opts.onFrame({ origin: parts[1], channel: parts[2], event: parts[3], epoch: parts[4], seq, frame: parts[6] });
      return;
    }
    if (parts[0] === "M") {
      let data: unknown;
      try {
        data = JSON.parse(parts[3]);
      } catch {
        return this.opts.onDropped?.("bus message is not JSON");
      }
      this.opts.onMessage({ origin: parts[1], kind: parts[2], data });
      return;
    }
    this.opts.onDropped?.("unknown bus message type");
  }

  private metaKey(channel: string): string {
    return `${this.opts.prefix}:ch:${channel}`;
  }

  private historyKey(channel: string): string {
    return `${this.opts.prefix}:h:${channel}`;
  }
}

/** Splits on the first n-1 newlines; the last part keeps the rest. Null when there are fewer. */
function splitN(s: string, n: number): string[] | null {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < n - 1; i++) {
    const at = s.indexOf("\n", from);
    if (at < 0) return null;
    out.push(s.slice(from, at));
    from = at + 1;
  }
  out.push(s.slice(from));
  return out;
}

function newEpoch(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}
