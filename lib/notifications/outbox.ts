import type { Kysely } from "kysely";
import type { Clock } from "../time";
import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { Database } from "../store/schema";
import type { NotificationsConfig, ResolvedChannel } from "./config";
import type { NotificationEvent } from "./events";
import { channelsFor } from "./rules";
import { deliver, type Outcome } from "./send";
import { claimDue, finish, forgetLinks, insertEvent, type Claimed } from "./repo";

/** Deliveries attempted at once per drain. */
const BATCH = 20;

export type OutboxOptions = {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: NotificationsConfig;
  channels: readonly ResolvedChannel[];
  /** The lease holder's name on claimed rows (the instance id). */
  holder: string;
  /** [0, 1): the backoff's jitter (tests pass their own). */
  random?: () => number;
  /** Sends one attempt (tests may wrap it). */
  send?: (channel: ResolvedChannel, event: NotificationEvent, opts: { timeoutMs: number; nowSeconds: number }) => Promise<Outcome>;
};

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random wait in [0, min(cap, base·2^attempt)]. */
export function backoffMs(attempt: number, cfg: Pick<NotificationsConfig, "backoffBaseSeconds" | "backoffCapSeconds">, random: () => number): number {
  const ceiling = Math.min(cfg.backoffCapSeconds, cfg.backoffBaseSeconds * 2 ** attempt) * 1000;
  return Math.floor(random() * ceiling);
}

/**
 * The notification outbox (docs/architecture.md "Notifications"): events are written to the
 * store with the deliveries the rules choose, and `drain` (a leader-only job) sends what is due,
 * retrying with full-jitter backoff up to `maxAttempts`. Delivery is at least once; receivers
 * drop repeats by the `idempotency-key` (= `webhook-id`) header, the same for every attempt.
 */
export class NotificationOutbox {
  private readonly byId: Map<string, ResolvedChannel>;
  private readonly random: () => number;
  private readonly send: NonNullable<OutboxOptions["send"]>;

  constructor(private readonly opts: OutboxOptions) {
    this.byId = new Map(opts.channels.map((c) => [c.id, c]));
    this.random = opts.random ?? Math.random;
    this.send = opts.send ?? deliver;
  }

  get enabled(): boolean {
    return this.opts.channels.length > 0;
  }

  /** The channels `event` would go to. */
  route(event: NotificationEvent): string[] {
    return channelsFor(event, this.opts.config.rules).filter((c) => this.byId.has(c));
  }

  /** Writes the event and its deliveries in `db` (a transaction of the caller's write, or the store). False: already there. */
  enqueue(event: NotificationEvent, db: Kysely<Database> = this.opts.store.db): Promise<boolean> {
    return insertEvent(db, event, this.route(event), this.opts.clock.now());
  }

  /** Sends every due delivery it can claim; resolves with how many attempts it made. */
  async drain(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const now = this.opts.clock.now();
      const timeoutMs = this.opts.config.timeoutSeconds * 1000;
      // The lease outlives an attempt's timeout, so a slow call is never claimed twice.
      const claimed = await claimDue(this.opts.store, { now, holder: this.opts.holder, leaseUntil: now + timeoutMs * 2 + 5_000, limit: BATCH });
      if (claimed.length === 0) return attempts;
      await Promise.all(claimed.map((c) => this.attempt(c)));
      attempts += claimed.length;
      if (claimed.length < BATCH) return attempts;
    }
  }

  private async attempt(c: Claimed): Promise<void> {
    const { store, clock, logger, config, holder } = this.opts;
    const channel = this.byId.get(c.channel);
    const attempts = c.attempts + 1;
    if (!channel) {
      await finish(store, c.id, holder, { state: "failed", attempts: c.attempts, next_at: clock.now(), last_status: null, last_error: `channel "${c.channel}" is no longer configured`, sent_at: null });
      return;
    }
    const outcome = await this.send(channel, c.event, { timeoutMs: config.timeoutSeconds * 1000, nowSeconds: Math.floor(clock.now() / 1000) });
    const now = clock.now();
    const log = { delivery: c.id, channel: c.channel, event: c.event.type, attempt: attempts };
    if (outcome.ok) {
      await finish(store, c.id, holder, { state: "sent", attempts, next_at: now, last_status: outcome.status, last_error: null, sent_at: now });
      await forgetLinks(store, c.event);
      logger.info({ ...log, status: outcome.status }, "notification delivered");
      return;
    }
    if (!outcome.retry) {
      await finish(store, c.id, holder, { state: "rejected", attempts, next_at: now, last_status: outcome.status, last_error: outcome.error, sent_at: null });
      await forgetLinks(store, c.event);
      logger.warn({ ...log, status: outcome.status, error: outcome.error }, "notification refused by the channel; not retried");
      return;
    }
    if (attempts >= config.maxAttempts) {
      await finish(store, c.id, holder, { state: "failed", attempts, next_at: now, last_status: outcome.status, last_error: outcome.error, sent_at: null });
      await forgetLinks(store, c.event);
      logger.error({ ...log, status: outcome.status, error: outcome.error }, "notification failed; giving up after the last attempt");
      return;
    }
    const wait = backoffMs(attempts - 1, config, this.random);
    await finish(store, c.id, holder, { state: "pending", attempts, next_at: now + wait, last_status: outcome.status, last_error: outcome.error, sent_at: null });
    logger.warn({ ...log, status: outcome.status, error: outcome.error, retryInMs: wait }, "notification attempt failed; will retry");
  }
}
