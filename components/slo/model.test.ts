import { describe, expect, it } from "vitest";
import type { SloStatus } from "@/lib/slo/contract";
import { budgetBesideIdeal, groupWorstFirst, idealNow } from "./model";

const DAY = 86_400_000;
type Firing = "page" | "ticket" | null;

function slo(id: string, service: string, budgetRemaining: number | null, firing: Firing = null): SloStatus {
  const rule = (severity: "page" | "ticket") => ({ id: `${severity}-1h-5m`, severity, longWindow: "1h", shortWindow: "5m", factor: 14.4, budgetConsumedAtAlert: 0.02, exhaustionMs: DAY });
  return {
    id, service, name: id, sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d", windowFrom: 0, windowMs: 30 * DAY,
    good: 0, total: 0, bad: 0, allowedBad: 0, errorRatio: null, budgetConsumed: null, budgetRemaining,
    burnRates: { "5m": null, "30m": null, "1h": null, "2h": null, "6h": null, "1d": null, "3d": null, window: null },
    timeToExhaustionMs: null,
    burnAlerts: [
      { rule: rule("page"), firing: firing === "page", longBurn: null, shortBurn: null },
      { rule: rule("ticket"), firing: firing === "ticket", longBurn: null, shortBurn: null },
    ],
  } as SloStatus;
}

const order = (slos: SloStatus[]) => groupWorstFirst(slos, "").flatMap((g) => g.slos.map((s) => s.id));

describe("/slos worst first", () => {
  it("puts firing page-tier first, then firing ticket-tier, then the lowest budget, then no data", () => {
    const slos = [
      slo("healthy", "auth", 0.9),
      slo("nodata", "auth", null),
      slo("low", "search", 0.05),
      slo("ticket-high", "search", 0.8, "ticket"),
      slo("page-high", "checkout", 0.7, "page"),
      slo("page-low", "payments", 0.3, "page"),
      slo("ticket-low", "payments", 0.1, "ticket"),
    ];
    expect(order(slos)).toEqual(["page-low", "page-high", "ticket-low", "ticket-high", "low", "healthy", "nodata"]);
  });
  it("does not pull a service's healthy SLO up beside its firing one: runs of one service keep the exact order", () => {
    const slos = [slo("checkout-latency", "checkout", 0.95), slo("checkout-avail", "checkout", 0.4, "page"), slo("search-avail", "search", 0.2, "ticket")];
    const runs = groupWorstFirst(slos, "");
    expect(runs.map((g) => [g.service, g.slos.map((s) => s.id)])).toEqual([
      ["checkout", ["checkout-avail"]],
      ["search", ["search-avail"]],
      ["checkout", ["checkout-latency"]],
    ]);
    expect(new Set(runs.map((g) => g.key)).size).toBe(runs.length);
  });
});

describe("a calendar month's budget beside the ideal line", () => {
  const month = { window: "calendar-month" as const, windowFrom: Date.UTC(2026, 11, 1), windowMs: 31 * DAY };
  it("reads 39 % left on the 1st against an ideal of 97 %", () => {
    const now = month.windowFrom + 0.9 * DAY;
    expect(idealNow(month, now)).toEqual({ ideal: 1 - 0.9 / 31, day: 1 });
    expect(budgetBesideIdeal({ ...month, budgetRemaining: 0.39 }, now)).toBe("39 % left · ideal 97 % on day 1");
    expect(budgetBesideIdeal({ ...month, budgetRemaining: 0.39 }, month.windowFrom + 15.5 * DAY)).toBe("39 % left · ideal 50 % on day 16");
  });
  it("has no ideal for a rolling window or without data", () => {
    expect(idealNow({ window: "30d", windowFrom: 0, windowMs: 30 * DAY }, DAY)).toBeNull();
    expect(budgetBesideIdeal({ ...month, budgetRemaining: null }, month.windowFrom)).toBe("no data");
  });
});
