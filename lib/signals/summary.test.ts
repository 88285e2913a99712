import { describe, expect, it } from "vitest";
import { summarizeBoard } from "./summary";
import type { ServiceInfo } from "./contract";
import type { SignalValues } from "./types";

const point = (p99: number): SignalValues => ({ p50: 10, p95: 20, p99, p999: p99, rps: 100, errorPct: 0, error5xxPct: 0, cpuPct: 10, memPct: 10, poolPct: 10 });
const svc = (id: string, warn: number, critical: number): ServiceInfo => ({ id, name: id, dependsOn: [], thresholds: { p99: { warn, critical } } });

describe("the banner's p99 headline", () => {
  it("is the highest p99 in ms, not the one closest to (or furthest past) its threshold", () => {
    // Search at 239 ms is past its tight 200 ms critical limit; Payments at 672 ms is under its 800 ms warn.
    const services = [svc("search", 150, 200), svc("payments", 800, 1500), svc("auth", 300, 800)];
    const p99 = { search: 239, payments: 672, auth: 40 } as Record<string, number>;
    const s = summarizeBoard(services, (id) => point(p99[id]));
    expect(s.worstP99).toMatchObject({ serviceId: "payments", value: 672, state: "ok" });
    // The status still comes from states: search is critical.
    expect(s.status).toBe("CRITICAL");
  });
  it("skips services without a fresh point", () => {
    const s = summarizeBoard([svc("a", 1, 2), svc("b", 1, 2)], (id) => (id === "a" ? null : point(5)));
    expect(s.worstP99).toMatchObject({ serviceId: "b", value: 5 });
  });
});
