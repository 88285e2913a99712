import { describe, expect, it } from "vitest";
import { ComponentHysteresis, deriveState } from "./components";

describe("status-page components", () => {
  it("derive their state from their services", () => {
    expect(deriveState(["ok", "ok"])).toBe("operational");
    expect(deriveState(["ok", "warn"])).toBe("degraded_performance");
    expect(deriveState(["critical", "ok"])).toBe("partial_outage");
    expect(deriveState(["critical", "critical", null])).toBe("major_outage");
    expect(deriveState([null])).toBe("operational");
  });

  it("change only after the new state held for the hysteresis time", () => {
    const h = new ComponentHysteresis(60_000);
    expect(h.observe("c", "operational", 0).state).toBe("operational");
    expect(h.observe("c", "major_outage", 1_000).state).toBe("operational");
    // A blip back resets it.
    expect(h.observe("c", "operational", 30_000).state).toBe("operational");
    expect(h.observe("c", "major_outage", 40_000).state).toBe("operational");
    expect(h.observe("c", "major_outage", 99_000).state).toBe("operational");
    expect(h.observe("c", "major_outage", 100_000)).toEqual({ state: "major_outage", since: 40_000 });
  });
});
