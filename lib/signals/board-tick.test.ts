import { describe, expect, it } from "vitest";
import { Hub } from "../live/hub";
import type { DrillService } from "../drills/service";
import { BoardChannels } from "./channels";
import { ServiceCatalog } from "./catalog";
import { SignalHistory } from "./history";
import { BoardTickSchema, type ServiceInfo } from "./contract";
import type { SignalValues } from "./types";

const T0 = 1_795_000_000_000;
const thresholds = { p99: { warn: 300, critical: 800 }, errorPct: { warn: 1, critical: 5 }, memPct: { warn: 80, critical: 92 } };
const svc = (id: string, team: string): ServiceInfo => ({ id, name: id, team, dependsOn: [], thresholds });
const point = (p99: number, rps = 100, errorPct = 0.1): SignalValues => ({ p50: 10, p95: 50, p99, p999: 400, rps, errorPct, error5xxPct: 0.05, cpuPct: 40, memPct: 50, poolPct: 30 });

function setup(n: number) {
  let now = T0;
  const services = Array.from({ length: n }, (_, i) => svc(`svc-${i}`, `team-${i % 10}`));
  const hub = new Hub({ serverId: "s", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15_000, now: () => now });
  const history = new SignalHistory(services.map((s) => s.id), { secondsCapacity: 120, minutesCapacity: 10 });
  const drills = { list: () => [], active: () => [] } as unknown as DrillService;
  const board = new BoardChannels({ hub, clock: { now: () => now }, title: "t", tickMs: 1000, catalog: new ServiceCatalog(services), history, drills, sourceStatus: () => ({ kind: "simulator", state: "ok", lastSuccessAt: null }) });
  const tick = (t: number, values: Record<string, SignalValues>) => {
    now = t;
    for (const [id, v] of Object.entries(values)) history.record(id, t, v);
    return BoardTickSchema.parse(board.boardTick(t, values));
  };
  return { services, board, tick };
}

describe("board tick", () => {
  it("carries only the services and signals that changed, and the banner aggregates over all of them", () => {
    const { services, tick } = setup(1000);
    const all = (f: (i: number) => SignalValues) => Object.fromEntries(services.map((s, i) => [s.id, f(i)]));
    const first = tick(T0, all(() => point(120)));
    expect(Object.keys(first.points)).toHaveLength(1000);

    // Three services move, one of them past its critical threshold; the others hold still (or move
    // below display precision: 120 → 120.04).
    const second = tick(T0 + 1000, all((i) => (i === 7 ? point(900) : i === 8 ? point(120, 250) : i === 9 ? point(120, 100, 2) : point(120.04))));
    expect(Object.keys(second.points).sort()).toEqual(["svc-7", "svc-8", "svc-9"]);
    expect(second.points["svc-7"]).toEqual({ p99: 900 });
    expect(second.points["svc-8"]).toEqual({ rps: 250 });
    expect(second.absent).toBeUndefined();
    expect(JSON.stringify(second).length).toBeLessThan(2_000);

    expect(second.summary).toMatchObject({ status: "CRITICAL", services: 1000, counts: { ok: 998, warn: 1, critical: 1, unknown: 0 } });
    expect(second.summary?.worstP99).toMatchObject({ serviceId: "svc-7", value: 900, state: "critical" });
    // 999 × 100 + 250 req/s, rounded to 4 significant digits like every figure.
    expect(second.summary?.throughput).toBe(100_200);

    // p50, p95, p999, memory … are not figures on a tile: while they are ok their moves stay home;
    // a breach (and every move during it) and the way back to ok go out.
    const quiet = tick(T0 + 1500, all((i) => ({ ...(i === 7 ? point(900) : i === 8 ? point(120, 250) : i === 9 ? point(120, 100, 2) : point(120.04)), p50: 11, memPct: i === 3 ? 85 : 50 })));
    expect(quiet.points).toEqual({ "svc-3": { memPct: 85 } });
    const back = tick(T0 + 1800, all((i) => (i === 7 ? point(900) : i === 8 ? point(120, 250) : i === 9 ? point(120, 100, 2) : point(120.04))));
    expect(back.points).toEqual({ "svc-3": { memPct: 50 } });

    const third = tick(T0 + 2000, all((i) => (i === 7 ? point(900) : i === 8 ? point(120, 250) : i === 9 ? point(120, 100, 2) : point(120.04))));
    expect(third.points).toEqual({});
  });

  it("names the services that were not sampled, and a push tick lists its services in full", () => {
    const { services, board, tick } = setup(3);
    tick(T0, Object.fromEntries(services.map((s) => [s.id, point(120)])));
    const next = tick(T0 + 1000, { "svc-0": point(120), "svc-1": point(120) });
    expect(next.absent).toEqual(["svc-2"]);
    expect(next.summary?.counts.unknown).toBe(0);
    const pushed = BoardTickSchema.parse(board.boardTick(T0 + 1500, { "svc-1": point(120) }, { partial: true }));
    expect(pushed.partial).toBe(true);
    expect(pushed.points["svc-1"]).toEqual(point(120));
  });

  it("a snapshot still carries every service's newest point and the aggregates", () => {
    const { services, board, tick } = setup(50);
    tick(T0, Object.fromEntries(services.map((s) => [s.id, point(120)])));
    tick(T0 + 1000, Object.fromEntries(services.map((s, i) => [s.id, point(i === 3 ? 400 : 120)])));
    const snap = board.boardSnapshot();
    expect(Object.keys(snap.latest)).toHaveLength(50);
    expect(snap.latest["svc-0"]?.p99).toBe(120);
    expect(snap.latest["svc-3"]?.p99).toBe(400);
    expect(snap.summary?.counts).toEqual({ ok: 49, warn: 1, critical: 0, unknown: 0 });
  });
});

describe("board summary: stale services", () => {
  it("names a service whose newest point is older than two of its update intervals, while the others tick on", () => {
    const { services, tick } = setup(3);
    const all = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, point(120)]));
    const ids = services.map((s) => s.id);
    expect(tick(T0, all(ids)).summary?.stale).toBeUndefined();
    // svc-2 stops (its pushes ended); the others keep coming every second.
    expect(tick(T0 + 2000, all(ids.slice(0, 2))).summary?.stale).toBeUndefined();
    const later = tick(T0 + 2001, all(ids.slice(0, 2)));
    expect(later.summary?.stale).toEqual(["svc-2"]);
    expect(later.summary?.counts).toMatchObject({ ok: 2, unknown: 1 });
    // It comes back: no longer stale.
    expect(tick(T0 + 3000, all(ids)).summary?.stale).toBeUndefined();
  });
});
