import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { BrokerFrame } from "../live/broker";
import { LeaderLease } from "./lease";
import { RedisBroker, type BusMessage } from "./redis-broker";

/**
 * This instance's place among several (docs/architecture.md "Several instances"): the broker
 * connection and the leader lease. `single` on SQLite (no lease: one process), `single` on
 * PostgreSQL without REDIS_URL (a lease that refuses a second instance), `cluster` with both.
 */
export type ClusterMode = "single" | "cluster";

export type ClusterOptions = {
  store: Store;
  logger: Logger;
  instanceId: string;
  redisUrl?: string;
  prefix: string;
  /** Frames for the hub, bus messages for the root, broker state changes. */
  onFrame: (f: BrokerFrame) => void;
  onMessage: (m: BusMessage) => void;
  onBrokerState: (up: boolean) => void;
  leaseTtlMs?: number;
  leaseRenewMs?: number;
};

export class ClusterNode {
  readonly mode: ClusterMode;
  readonly instanceId: string;
  readonly broker: RedisBroker | null;
  private readonly lease: LeaderLease | null;
  private readonly logger: Logger;
  private readonly onBrokerState: (up: boolean) => void;
  private dropped = 0;

  constructor(opts: ClusterOptions) {
    this.instanceId = opts.instanceId;
    this.logger = opts.logger;
    this.onBrokerState = opts.onBrokerState;
    const pg = opts.store.dialect === "postgres";
    if (opts.redisUrl && !pg) {
      opts.logger.warn({}, "REDIS_URL is set but the store is SQLite, which serves one instance: running as a single instance (set DATABASE_URL to run several)");
    }
    this.mode = opts.redisUrl && pg ? "cluster" : "single";
    this.broker =
      this.mode === "cluster"
        ? new RedisBroker({
            url: opts.redisUrl!,
            prefix: opts.prefix,
            origin: opts.instanceId,
            onFrame: opts.onFrame,
            onMessage: opts.onMessage,
            onState: (up) => {
              if (up) opts.logger.info({ broker: this.broker?.describe() }, "broker reachable: events go through Redis");
              else opts.logger.warn({ broker: this.broker?.describe() }, "broker unreachable: serving this instance's viewers on its own until it is back");
              opts.onBrokerState(up);
            },
            onDropped: (reason) => {
              // One line per 100, not one per message: a flood must not flood the log.
              if (this.dropped++ % 100 === 0) opts.logger.warn({ reason, dropped: this.dropped }, "ignored a broker message");
            },
          })
        : null;
    this.lease = pg
      ? new LeaderLease({
          store: opts.store,
          instanceId: opts.instanceId,
          mode: this.mode,
          ttlMs: opts.leaseTtlMs,
          renewEveryMs: opts.leaseRenewMs,
          onChange: (s) => {
            opts.logger.info({ role: s.role, term: s.term, leader: s.holder }, s.role === "leader" ? "this instance leads: it samples, evaluates and writes" : "this instance follows");
          },
          onError: (err) => opts.logger.warn({ err: String(err) }, "could not renew the leader lease"),
        })
      : null;
  }

  /** Connects the broker (a Redis that is down at start is retried in the background) and takes part in the election. */
  async start(): Promise<void> {
    if (this.broker) {
      await this.broker.connect().catch((err: unknown) => {
        this.logger.warn({ err: String(err) }, "Redis unreachable at start: serving on this instance alone until it answers");
        // Counted as an outage: when Redis answers, what others wrote meanwhile is read again.
        this.onBrokerState(false);
      });
    }
    await this.lease?.start();
  }

  isLeader(): boolean {
    return this.lease ? this.lease.isLeader() : true;
  }

  /** Leads, or led when the store went away and nobody could take over since. */
  samples(): boolean {
    return this.isLeader() || (this.lease?.heldWhileStoreAway ?? false);
  }

  get term(): number | null {
    return this.lease?.currentTerm ?? null;
  }

  /** A leader's message with a newer term: this instance steps down if it thought it led. */
  observeTerm(term: number, holder: string): boolean {
    if (!this.lease) return true;
    const mine = this.lease.currentTerm;
    if (mine !== null && term < mine) return false;
    this.lease.observeTerm(term, holder);
    return true;
  }

  brokerUp(): boolean {
    return this.broker?.isUp() ?? false;
  }

  /** For /health. */
  describe() {
    const s = this.lease?.state;
    return {
      mode: this.mode,
      instanceId: this.instanceId,
      role: this.isLeader() ? ("leader" as const) : ("follower" as const),
      term: s?.term ?? null,
      leader: this.lease ? (s?.holder ?? null) : this.instanceId,
    };
  }

  async brokerCheck(): Promise<{ ok: boolean; kind: "redis" | "in-process"; state: "up" | "down"; target?: string; error?: string }> {
    if (!this.broker) return { ok: true, kind: "in-process", state: "up" };
    try {
      await this.broker.ping(1_000);
      return { ok: true, kind: "redis", state: "up", target: this.broker.describe() };
    } catch (err) {
      return { ok: false, kind: "redis", state: "down", target: this.broker.describe(), error: (err as Error).message };
    }
  }

  async send(kind: string, data: unknown): Promise<void> {
    if (!this.broker?.isUp()) return;
    await this.broker.send(kind, data);
  }

  /** Gives up the lease (another instance leads within a renewal) and closes the broker. */
  /** Gives the lease up (shutdown begins): another instance leads within half a renewal. Idempotent. */
  async releaseLease(): Promise<void> {
    await this.lease?.stop();
  }

  async stop(): Promise<void> {
    await this.lease?.stop();
    await this.broker?.close();
  }
}
