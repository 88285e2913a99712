import { pageFeedSlot, type PageCaller, type PageFeed } from "../signals/page-feed";
import type { SlosWire } from "./wire";

/** The `slos` snapshot with the channel's position, as the /slos page renders with it (app/slos/page.tsx). */
export type SlosFrame = { epoch: string; seq: number; data: SlosWire };
export type SlosFeed = PageFeed<SlosFrame>;

const slot = pageFeedSlot<SlosFrame>("slos-feed");
export const provideSlosFeed = (feed: SlosFeed | null) => slot.provide(feed);
/** Every SLO as the `slos` channel last told it, with its position; null without a server or without access. */
export const slosForPage = (caller: PageCaller) => slot.read(caller);
