import type { PageCaller } from "../signals/page-feed";
import type { SloStatus } from "./contract";

/** The `slos` snapshot with the channel's position, as the /slos page renders with it (app/slos/page.tsx). */
export type SlosFrame = { epoch: string; seq: number; data: { slos: SloStatus[] } };
export type SlosFeed = (caller: PageCaller) => Promise<SlosFrame | null>;

// One process-wide slot, as lib/signals/page-feed.ts does for the board (Next renders from its own bundle).
const SLOT = Symbol.for("war-room.slos-feed");
type Slot = { [SLOT]?: SlosFeed };

/** Called once by the server (lib/server/server.ts) after the war room is built. */
export function provideSlosFeed(feed: SlosFeed | null): void {
  const g = globalThis as Slot;
  if (feed) g[SLOT] = feed;
  else delete g[SLOT];
}

/** Every SLO as the `slos` channel last told it, with its position; null without a server or without access. */
export async function slosForPage(caller: PageCaller): Promise<SlosFrame | null> {
  const feed = (globalThis as Slot)[SLOT];
  return feed ? feed(caller).catch(() => null) : null;
}
