"use client";

import { subscribeStoredKey } from "@/components/ui/storedValue";
import { useSyncExternalStore } from "react";

/** The display name that attributes writes (`X-War-Room-User`) and presence (`identify`). */
const KEY = "war-room:display-name";
const SKIP_KEY = "war-room:display-name-skipped";
const EVENT = "war-room:display-name";
export const MAX_NAME = 100;

export function readName(): string | null {
  try {
    const v = window.localStorage.getItem(KEY)?.trim();
    return v ? v.slice(0, MAX_NAME) : null;
  } catch {
    return null;
  }
}

export function writeName(name: string): void {
  const v = name.trim().slice(0, MAX_NAME);
  try {
    if (v) window.localStorage.setItem(KEY, v);
    else window.localStorage.removeItem(KEY);
  } catch {
    /* private mode: the name lasts for this page only */
    memory = v || null;
  }
  window.dispatchEvent(new Event(EVENT));
}

let memory: string | null = null;

/** "Not now" in the name dialog: do not ask again in this tab. */
export function skippedName(): boolean {
  try {
    return window.sessionStorage.getItem(SKIP_KEY) === "1";
  } catch {
    return false;
  }
}
export function skipName(): void {
  try {
    window.sessionStorage.setItem(SKIP_KEY, "1");
  } catch {
    /* ignore */
  }
}

const subscribe = subscribeStoredKey(KEY, EVENT);

export function useDisplayName(): string | null {
  return useSyncExternalStore(subscribe, () => readName() ?? memory, () => null);
}

/** Headers for every incident write. Non-ASCII names are URI-encoded: fetch refuses them in headers. */
export function authorHeaders(name: string | null): Record<string, string> {
  if (!name) return {};
  return { "X-War-Room-User": /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name) };
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const a = parts[0][0] ?? "";
  const b = parts.length > 1 ? (parts[parts.length - 1][0] ?? "") : (parts[0][1] ?? "");
  return (a + b).toUpperCase();
}
