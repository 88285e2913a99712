import { afterEach, describe, expect, it } from "vitest";
import { httpServerNow, noteServerTime, resetServerDate } from "./serverClock";

afterEach(resetServerDate);

describe("the server's clock from an API answer's Date header", () => {
  it("is unknown before any answer, then the header's time (mid-second) plus the local time since", () => {
    const local = Date.UTC(2026, 11, 2, 6, 0, 0);
    expect(httpServerNow(local)).toBeNull();
    // The laptop is five minutes slow: the server says 06:05:00 when the local clock reads 06:00:00.
    noteServerTime(null, "Wed, 02 Dec 2026 06:05:00 GMT", local, local);
    const server = httpServerNow(local + 10_000)!;
    expect(Math.abs(server - (Date.UTC(2026, 11, 2, 6, 5, 10)))).toBeLessThanOrEqual(500);
  });
  it("ignores a missing or unreadable header", () => {
    noteServerTime(null, null, 0, 0);
    noteServerTime(null, "not a date", 0, 0);
    expect(httpServerNow(0)).toBeNull();
  });
});

describe("the server's clock from X-War-Room-Time", () => {
  it("takes the server's ms at the middle of the round trip, so a slow laptop is off by at most half of it", () => {
    const sentAt = Date.UTC(2026, 11, 2, 6, 0, 0);
    // Answered 06:05:00.730 on the server, the round trip taking 40 ms locally.
    noteServerTime(String(Date.UTC(2026, 11, 2, 6, 5, 0, 730)), "Wed, 02 Dec 2026 06:05:00 GMT", sentAt, sentAt + 40);
    expect(httpServerNow(sentAt + 20)).toBe(Date.UTC(2026, 11, 2, 6, 5, 0, 730));
  });
  it("is not replaced by a later whole-second Date without it (a proxy's answer)", () => {
    noteServerTime(String(Date.UTC(2026, 11, 2, 6, 5, 0, 730)), null, 0, 0);
    noteServerTime(null, "Wed, 02 Dec 2026 06:05:00 GMT", 0, 0);
    expect(httpServerNow(0)).toBe(Date.UTC(2026, 11, 2, 6, 5, 0, 730));
  });
  it("ignores an unreadable header and falls back to Date", () => {
    noteServerTime("soon", "Wed, 02 Dec 2026 06:05:00 GMT", 0, 0);
    expect(httpServerNow(0)).toBe(Date.UTC(2026, 11, 2, 6, 5, 0, 500));
  });
});
