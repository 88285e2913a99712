"use client";

import { subscribeStoredKey } from "@/components/ui/storedValue";
import { useCallback, useSyncExternalStore } from "react";
import { zoneName, type TimeZoneMode } from "@/lib/signals/format";

const KEY = "war-room:timezone";
const EVENT = "war-room:timezone";

function read(): TimeZoneMode {
  try {
    return window.localStorage.getItem(KEY) === "local" ? "local" : "utc";
  } catch {
    return "utc";
  }
}

const subscribe = subscribeStoredKey(KEY, EVENT);

/** UTC by default; the local-time choice is remembered in localStorage, per browser. */
export function useTimeZone(): [TimeZoneMode, (tz: TimeZoneMode) => void] {
  const tz = useSyncExternalStore(subscribe, read, () => "utc" as const);
  const set = useCallback((next: TimeZoneMode) => {
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    window.dispatchEvent(new Event(EVENT));
  }, []);
  return [tz, set];
}

/** Short name of the browser's zone now, e.g. "CET", for the local-time label (lib/signals/format.ts zoneName). */
export function localZoneName(): string {
  return zoneName(Date.now(), "local");
}
