import type { Clock } from "../time";
import type { Logger } from "../log";
import type { Store } from "../store/store";
import type { Job } from "../jobs";
import { resolveChannels, type NotificationsConfig } from "./config";
import { NotificationOutbox, type OutboxOptions } from "./outbox";
import { feedAlerts, feedTimeline, type FeedOptions } from "./feed";

export { NotificationOutbox } from "./outbox";
export { notificationsPurger } from "./repo";
export type { NotificationEvent } from "./events";

/** How often the leader looks for new events and due deliveries. */
export const NOTIFY_EVERY_MS = 1_000;

/**
 * The notifications domain as the composition root (lib/server/root.ts) starts it: channels with
 * their secrets read from `secretsEnv` (start-up refuses on any problem, with path and reason),
 * the outbox, and the job that feeds and drains it (run on the leader only). `problems` non-empty:
 * the caller refuses to start (lib/server/root.ts).
 */
export function createNotifications(opts: { store: Store; clock: Clock; logger: Logger; config: NotificationsConfig; holder: string; secretsEnv: Record<string, string | undefined>; send?: OutboxOptions["send"]; random?: () => number; silenced?: FeedOptions["silenced"]; drill?: FeedOptions["drill"] }) {
  const { channels, problems } = resolveChannels(opts.config, opts.secretsEnv);
  const outbox = new NotificationOutbox({ store: opts.store, clock: opts.clock, logger: opts.logger, config: opts.config, channels, holder: opts.holder, send: opts.send, random: opts.random });
  const feed: FeedOptions = { store: opts.store, outbox, logger: opts.logger, linkBase: opts.config.linkBase, silenced: opts.silenced, drill: opts.drill };
  const job: Job = {
    name: "notifications",
    everyMs: NOTIFY_EVERY_MS,
    run: async () => {
      await feedTimeline(feed, opts.clock.now());
      await feedAlerts(feed, opts.clock.now());
      if (outbox.enabled) await outbox.drain();
    },
  };
  return { outbox, job, problems, channels: channels.map((c) => ({ id: c.id, kind: c.kind, name: c.name })) };
}
