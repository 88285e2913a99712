import type { BoardFrame } from "./contract";

/** Who is asking for the page: the request's credentials, checked by the server like a `read` API call. */
export type PageCaller = { cookie?: string; authorization?: string };
export type BoardFeed = (caller: PageCaller) => Promise<BoardFrame | null>;

// Next renders pages from its own bundle of our modules (docs/architecture.md "Decisions"), so the
// server hands the board to the page through one process-wide slot instead of a module variable.
const SLOT = Symbol.for("war-room.board-feed");
type Slot = { [SLOT]?: BoardFeed };

/** Called once by the server (lib/server/server.ts) after the war room is built. */
export function provideBoardFeed(feed: BoardFeed | null): void {
  const g = globalThis as Slot;
  if (feed) g[SLOT] = feed;
  else delete g[SLOT];
}

/** The board's current snapshot with its channel position, for the page to render with; null without a server or without access. */
export async function boardForPage(caller: PageCaller): Promise<BoardFrame | null> {
  const feed = (globalThis as Slot)[SLOT];
  return feed ? feed(caller).catch(() => null) : null;
}
