/**
 * The server's clock before the live socket has told it (components/live/LiveProvider.tsx
 * useServerNow). Every API answer carries `X-War-Room-Time` (the server's clock in ms when it
 * answered, lib/server/http.ts sendReply) and an HTTP `Date` header; the offset from the local
 * clock stands in until the first timed frame. Without it a page rendered its first seconds on the
 * local clock: an incident open six minutes read "52s" on a laptop five minutes slow (issue #16).
 * `X-War-Room-Time` is taken at the middle of the request's round trip (error ≤ half of it);
 * `Date` alone has whole seconds, so its estimate takes the middle of its second (error ≤ 0.5 s +
 * the request's latency) and is used only where the precise header is missing (a proxy's answer).
 */
let httpOffset: number | null = null;
let precise = false;

/**
 * Notes one answer's clock headers: `time` is `X-War-Room-Time`, `date` the `Date` header, the
 * request having left at local `sentAt` and its answer come at `receivedAt`.
 */
export function noteServerTime(time: string | null, date: string | null, sentAt: number, receivedAt: number): void {
  const ms = time === null ? NaN : Number(time);
  if (Number.isFinite(ms) && ms > 0) {
    httpOffset = ms - (sentAt + receivedAt) / 2;
    precise = true;
    return;
  }
  // A whole-second Date never replaces a precise estimate.
  if (precise || !date) return;
  const t = Date.parse(date);
  if (Number.isFinite(t)) httpOffset = t + 500 - receivedAt;
}

/** The server's time by the newest answer, or null when no API answer has come yet. */
export function httpServerNow(localNow: number): number | null {
  return httpOffset === null ? null : localNow + httpOffset;
}

/** For tests. */
export function resetServerDate(): void {
  httpOffset = null;
  precise = false;
}
