/**
 * The server's clock before the live socket has told it (components/live/LiveProvider.tsx
 * useServerNow). Every API answer carries an HTTP `Date` header; its offset from the local clock
 * stands in until the first timed frame. Without it a page rendered its first seconds on the
 * local clock: an incident open six minutes read "52s" on a laptop five minutes slow (issue #16).
 * `Date` has whole seconds, so the estimate takes the middle of its second (error ≤ 0.5 s + the
 * request's latency).
 */
let httpOffset: number | null = null;

/** Notes a response's `Date` header, received at local time `receivedAt`. */
export function noteServerDate(header: string | null, receivedAt: number): void {
  if (!header) return;
  const t = Date.parse(header);
  if (Number.isFinite(t)) httpOffset = t + 500 - receivedAt;
}

/** The server's time by the newest `Date` header, or null when no API answer has come yet. */
export function httpServerNow(localNow: number): number | null {
  return httpOffset === null ? null : localNow + httpOffset;
}

/** For tests. */
export function resetServerDate(): void {
  httpOffset = null;
}
