"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useAlerts } from "@/components/alerts/useAlerts";
import { announcements, type AnnounceSnapshot } from "./announce";
import type { TileView } from "./groups";

/** Messages kept in the region: a screen reader reads what is added, the rest is context. */
const KEEP = 3;

/**
 * A polite aria-live region for the board: the overall status, services changing state and new
 * firing alerts, each said once when it changes (components/board/announce.ts), never per tick.
 */
export function LiveAnnouncer({ status, views, now }: { status: string | null; views: readonly TileView[]; now: number | null }) {
  // One announcement per alert group (rule and service, lib/alerts/group.ts), not one per tier.
  const { firing, stale: alertsStale } = useAlerts(now);
  const snapshot = useMemo<AnnounceSnapshot | null>(() => {
    if (status === null) return null;
    const names = new Map(views.map((v) => [v.info.id, v.info.name]));
    return {
      status,
      services: new Map(views.map((v) => [v.info.id, { name: v.info.name, state: v.state }])),
      firing: new Map(firing.map((g) => [g.key, `${g.top.name} on ${names.get(g.top.service) ?? g.top.service}`])),
    };
  }, [status, views, firing]);
  const prev = useRef<AnnounceSnapshot | null>(null);
  const [said, setSaid] = useState<{ n: number; text: string }[]>([]);

  useEffect(() => {
    if (!snapshot || (alertsStale && !prev.current)) return;
    // Alerts out of date (socket away): keep the last known firing set, still say status changes.
    const next = alertsStale && prev.current ? { ...snapshot, firing: prev.current.firing } : snapshot;
    const news = announcements(prev.current, next);
    prev.current = next;
    if (news.length) setSaid((old) => [...old, { n: (old.at(-1)?.n ?? 0) + 1, text: news.join(" ") }].slice(-KEEP));
  }, [snapshot, alertsStale]);

  return (
    <div aria-live="polite" aria-relevant="additions" data-testid="live-announcer" className="sr-only">
      {said.map((m) => (
        <p key={m.n}>{m.text}</p>
      ))}
    </div>
  );
}
