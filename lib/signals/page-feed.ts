import type { BoardFrame } from "./contract";

/** Who is asking for the page: the request's credentials, checked by the server like a `read` API call. */
export type PageCaller = { cookie?: string; authorization?: string };
export type PageFeed<T> = (caller: PageCaller) => Promise<T | null>;

/**
 * What a server-rendered page starts from (the board, the SLO list), handed from the server to the
 * page. Next renders pages from its own bundle of our modules (docs/architecture.md "Decisions"), so
 * it goes through one process-wide slot per feed instead of a module variable.
 */
export function pageFeedSlot<T>(name: string): { provide(feed: PageFeed<T> | null): void; read(caller: PageCaller): Promise<T | null> } {
  const slot = Symbol.for(`war-room.${name}`);
  const g = globalThis as { [k: symbol]: PageFeed<T> | undefined };
  return {
    /** Called once by the server (lib/server/server.ts) after the war room is built; null on close. */
    provide(feed) {
      if (feed) g[slot] = feed;
      else delete g[slot];
    },
    /** The feed's value for this caller; null without a server or without access. */
    async read(caller) {
      const feed = g[slot];
      return feed ? feed(caller).catch(() => null) : null;
    },
  };
}

const boardSlot = pageFeedSlot<BoardFrame>("board-feed");
export type BoardFeed = PageFeed<BoardFrame>;
export const provideBoardFeed = (feed: BoardFeed | null) => boardSlot.provide(feed);
/** The board's current snapshot with its channel position, for the page to render with (app/page.tsx). */
export const boardForPage = (caller: PageCaller) => boardSlot.read(caller);
