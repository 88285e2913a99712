import { describe, expect, it } from "vitest";
import { computeImpact } from "./impact";
import { impactWindowText } from "./impact-text";

const from = Date.UTC(2026, 10, 23, 12, 1, 7);
const to = from + 45_000;
const points = Array.from({ length: 60 }, (_, i) => ({ t: Date.UTC(2026, 10, 23, 12, 1, 0) + i * 1000, dtMs: 1000, rps: 10, errorPct: 0, error5xxPct: 0, p99: 100 }));
const minute = { service: "checkout", start: Date.UTC(2026, 10, 23, 12, 1), requests: 600, errors: 0, errors5xx: 0, p99Max: 100, errorPctMax: 0 };

describe("the impact window as the postmortem states it", () => {
  it("says the window to the second and that it used per-second data", () => {
    const r = computeImpact({ window: { from, to }, services: ["checkout"], minutes: [minute], slos: [], sliRows: [], seconds: [{ service: "checkout", coveredFrom: points[0].t, points }] });
    expect(impactWindowText(r)).toBe("from 2026-11-23 12:01:07 to 12:01:52 UTC (45s), per-second data");
  });

  it("says when it fell back to pro-rated minutes, and where the seconds began", () => {
    const minutes = computeImpact({ window: { from, to }, services: ["checkout"], minutes: [minute], slos: [], sliRows: [] });
    expect(impactWindowText(minutes)).toBe("from 2026-11-23 12:01:07 to 12:01:52 UTC (45s), per-minute data, pro-rated at the edges");
    const late = points.filter((p) => p.t >= from + 20_000);
    const mixed = computeImpact({ window: { from, to }, services: ["checkout"], minutes: [minute], slos: [], sliRows: [], seconds: [{ service: "checkout", coveredFrom: late[0].t, points: late }] });
    expect(impactWindowText(mixed)).toBe("from 2026-11-23 12:01:07 to 12:01:52 UTC (45s), per-minute data (pro-rated) until 12:01:27, per-second data after");
  });
});
