/**
 * What the board's aria-live region says (components/board/LiveAnnouncer.tsx): only changes,
 * never every tick. The first snapshot after load says nothing (the page itself is the news).
 */
export type AnnounceSnapshot = {
  /** Overall banner status: HEALTHY, DEGRADED, CRITICAL, STALE, UNKNOWN. */
  status: string;
  /** Service id → name and state (ok, warn, critical, unknown). */
  services: ReadonlyMap<string, { name: string; state: string }>;
  /** Firing alert id → a readable label ("HighLatencyP99 on Search"). */
  firing: ReadonlyMap<string, string>;
};

/** STALE is said in words: "no fresh data" is what it means, and it reads better aloud. */
const STATUS_WORDS: Record<string, string> = { STALE: "no fresh data, the values shown are the last received", UNKNOWN: "unknown, waiting for data" };
const STATE_WORD: Record<string, string> = { ok: "OK", warn: "warning", critical: "critical", unknown: "no data" };
/** More service changes than this in one update are summed up instead of listed. */
const MAX_LISTED = 3;

export function announcements(prev: AnnounceSnapshot | null, next: AnnounceSnapshot): string[] {
  if (!prev) return [];
  const out: string[] = [];
  if (prev.status !== next.status) out.push(`Overall status ${STATUS_WORDS[next.status] ?? next.status}.`);
  // While the data is stale the tiles keep their last values: a state change then is not news.
  if (next.status !== "STALE") {
    const changed: string[] = [];
    for (const [id, s] of next.services) {
      const before = prev.services.get(id);
      if (before && before.state !== s.state) changed.push(`${s.name} is now ${STATE_WORD[s.state] ?? s.state}`);
    }
    if (changed.length > MAX_LISTED) out.push(`${changed.length} services changed state.`);
    else if (changed.length) out.push(`${changed.join("; ")}.`);
  }
  const fired = [...next.firing].filter(([id]) => !prev.firing.has(id)).map(([, label]) => label);
  if (fired.length > MAX_LISTED) out.push(`${fired.length} new alerts firing.`);
  else for (const label of fired) out.push(`Alert firing: ${label}.`);
  return out;
}
