import { formatAge } from "@/lib/signals/format";

/**
 * What the shell's "updated … ago" says (components/shell/ConnectionBadge.tsx). It is the age of
 * the live connection's last frame of any kind — a tick, an event on any channel the page
 * subscribes to, or a heartbeat — not of one channel's data: /incidents and /slos get events only
 * when something changes and /runbooks subscribes to nothing, so a data age went amber (or said
 * "no data yet" forever) on a healthy connection (issue #16). The hub sends a heartbeat to every
 * connection quiet for half a heartbeat interval (lib/live/hub.ts), so a live socket is never
 * silent much longer than `heartbeatMs`; only past that (plus two ticks of slack) is it late.
 * Whether the data itself is current is each page's own mark (STALE on the board and /slos).
 */
export type ConnectionAge = { text: string; late: boolean; ageMs: number | null };

export function connectionAge(lastFrameAt: number | null, now: number | null, opts: { heartbeatMs: number; tickMs: number }): ConnectionAge {
  if (lastFrameAt === null || now === null) return { text: "connecting…", late: false, ageMs: null };
  const ageMs = Math.max(0, now - lastFrameAt);
  return { text: `updated ${formatAge(ageMs)} ago`, late: ageMs > lateAfterMs(opts), ageMs };
}

/** The longest silence a live connection shows: one heartbeat interval, plus two ticks for the queue and the network. */
export function lateAfterMs(opts: { heartbeatMs: number; tickMs: number }): number {
  return opts.heartbeatMs + 2 * opts.tickMs;
}
