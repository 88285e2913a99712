"use client";

import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { LiveClient, defaultLiveUrl, type ChannelHandlers, type ConnectionInfo } from "@/lib/live/client";
import type { Cursor } from "@/lib/live/protocol";
import { httpServerNow } from "./serverClock";

const LiveContext = createContext<LiveClient | null>(null);

/** Holds the one LiveClient of the tab; children subscribe before it connects. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [client] = useState(() => (typeof window === "undefined" ? null : new LiveClient({ url: () => defaultLiveUrl() })));

  useEffect(() => {
    if (!client) return;
    client.start();
    const online = () => client.reconnectNow();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      client.stop();
    };
  }, [client]);

  return <LiveContext.Provider value={client}>{children}</LiveContext.Provider>;
}

export function useLiveClient(): LiveClient | null {
  return useContext(LiveContext);
}

const SERVER_INFO: ConnectionInfo = { state: "connecting", attempt: 0, nextRetryAt: null, hello: null };
const noop = () => () => {};

export function useConnection(): ConnectionInfo {
  const client = useLiveClient();
  return useSyncExternalStore(
    client ? client.onChange : noop,
    client ? client.getInfo : () => SERVER_INFO,
    () => SERVER_INFO,
  );
}

/** Subscribe to a channel for the lifetime of the component; handlers may change freely. */
export function useChannel<S, E = unknown>(channel: string | null, handlers: ChannelHandlers<S, E>, since?: () => Cursor | null): void {
  const client = useLiveClient();
  const ref = useRef(handlers);
  const sinceRef = useRef(since);
  useEffect(() => {
    ref.current = handlers;
    sinceRef.current = since;
  });
  useEffect(() => {
    if (!client || !channel) return;
    return client.subscribe<S, E>(
      channel,
      {
        onSnapshot: (d, m) => ref.current.onSnapshot(d, m),
        onEvent: (e, d, m) => ref.current.onEvent(e, d, m),
        onError: (m) => ref.current.onError?.(m),
      },
      { since: sinceRef.current?.() ?? null },
    );
  }, [client, channel]);
}

/**
 * What a page brought with it (the board, the SLO list) counts as current this long while its
 * socket has not come up; after it the page says its socket is down (components/board/useBoard.ts)
 * or marks the figures stale (components/slo/useSlos.ts).
 */
export const SOCKET_GRACE_MS = 3_000;

/** Local wall-clock time, refreshed every `intervalMs`; null until mounted (no hydration mismatch). */
export function useNow(intervalMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

/**
 * The server's clock as estimated from its frames, refreshed every `intervalMs`; before the first
 * frame, from the API's `Date` header (components/live/serverClock.ts); null while neither has
 * told it, so a duration shows "—" rather than one measured on a wrong local clock.
 */
export function useServerNow(intervalMs = 500): number | null {
  const client = useLiveClient();
  const local = useNow(intervalMs);
  if (local === null) return null;
  if (client?.hasServerTime()) return client.serverNow();
  return httpServerNow(local);
}
