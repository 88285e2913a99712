import { afterEach, describe, expect, it } from "vitest";
import { httpServerNow, noteServerDate, resetServerDate } from "./serverClock";

afterEach(resetServerDate);

describe("the server's clock from an API answer's Date header", () => {
  it("is unknown before any answer, then the header's time (mid-second) plus the local time since", () => {
    const local = Date.UTC(2026, 11, 2, 6, 0, 0);
    expect(httpServerNow(local)).toBeNull();
    // The laptop is five minutes slow: the server says 06:05:00 when the local clock reads 06:00:00.
    noteServerDate("Wed, 02 Dec 2026 06:05:00 GMT", local);
    const server = httpServerNow(local + 10_000)!;
    expect(Math.abs(server - (Date.UTC(2026, 11, 2, 6, 5, 10)))).toBeLessThanOrEqual(500);
  });
  it("ignores a missing or unreadable header", () => {
    noteServerDate(null, 0);
    noteServerDate("not a date", 0);
    expect(httpServerNow(0)).toBeNull();
  });
});
