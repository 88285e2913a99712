import { describe, expect, it } from "vitest";
import { connectionAge, lateAfterMs } from "./age";

const opts = { heartbeatMs: 15_000, tickMs: 1_000 };

describe("the shell's connection age", () => {
  it("is not late on a quiet but live connection (heartbeats every 15 s on /incidents, /slos, /runbooks)", () => {
    // 14 s since the last heartbeat: a healthy idle page, not amber.
    expect(connectionAge(100_000, 114_000, opts)).toMatchObject({ text: "updated 14s ago", late: false });
    expect(connectionAge(100_000, 100_000 + lateAfterMs(opts), opts).late).toBe(false);
  });
  it("is late only once a heartbeat is missed", () => {
    expect(connectionAge(100_000, 100_000 + lateAfterMs(opts) + 1, opts).late).toBe(true);
  });
  it("never says 'no data yet': before the first frame it is connecting", () => {
    expect(connectionAge(null, 5_000, opts)).toEqual({ text: "connecting…", late: false, ageMs: null });
  });
});
