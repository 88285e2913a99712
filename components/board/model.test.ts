import { describe, expect, it } from "vitest";
import type { BoardSnapshot, PointValues } from "@/lib/signals/contract";
import { applyBoardEvent, boardFromSnapshot } from "./model";
import { groupTiles, tileViews } from "./groups";

const T0 = 1_795_000_000_000;
const p = (p99: number, rps = 100): PointValues => ({ p50: 10, p95: 50, p99, p999: 400, rps, errorPct: 0.1, error5xxPct: 0.05, cpuPct: 40, memPct: 50, poolPct: 30 });
const thresholds = { p99: { warn: 300, critical: 800 } };

function snapshot(): BoardSnapshot {
  const ids = ["a", "b", "c"];
  return {
    title: "t",
    tickMs: 1000,
    thresholds,
    services: ids.map((id, i) => ({ id, name: `svc ${id}`, team: i === 2 ? "red" : "blue", dependsOn: [] })),
    latest: Object.fromEntries(ids.map((id) => [id, p(100)])),
    spark: Object.fromEntries(ids.map((id) => [id, { dt: [T0, 1000], p99: [100, 100], rps: [100, 100], errorPct: [0.1, 0.1] }])),
    drills: [],
    source: { kind: "simulator", state: "ok", lastSuccessAt: null },
  };
}

describe("the board in the browser", () => {
  it("unpacks the snapshot: sparkline times from deltas, thresholds from the shared set", () => {
    const b = boardFromSnapshot(snapshot());
    expect(b.spark.a.t).toEqual([T0, T0 + 1000]);
    expect(b.services[0].thresholds).toEqual(thresholds);
    expect(b.lastTickAt).toBe(T0 + 1000);
  });

  it("a changed-only tick patches the services it names; the others hold their values and still get a sparkline point", () => {
    const b = applyBoardEvent(boardFromSnapshot(snapshot()), "tick", { t: T0 + 2000, points: { b: { p99: 900 } } });
    expect(b.latest.b).toEqual(p(900));
    expect(b.latest.a).toEqual(p(100));
    expect(b.spark.a.p99).toEqual([100, 100, 100]);
    expect(b.spark.b.p99).toEqual([100, 100, 900]);
    // The critical service's team comes first, the service at its top.
    const groups = groupTiles(tileViews(b.services, b.latest), "team", "");
    expect(groups.map((g) => g.key)).toEqual(["blue", "red"]);
    expect(groups[0].tiles[0].info.id).toBe("b");
    expect(groupTiles(tileViews(b.services, b.latest), "state", "").map((g) => g.label)).toEqual(["Critical", "OK"]);
    expect(groupTiles(tileViews(b.services, b.latest), "team", "blue crit").flatMap((g) => g.tiles.map((t) => t.info.id))).toEqual(["b"]);
  });

  it("absent services and push ticks add no point for services that were not sampled; old ticks change nothing", () => {
    let b = applyBoardEvent(boardFromSnapshot(snapshot()), "tick", { t: T0 + 2000, points: {}, absent: ["c"] });
    expect(b.spark.c.t).toHaveLength(2);
    expect(b.spark.a.t).toHaveLength(3);
    b = applyBoardEvent(b, "tick", { t: T0 + 2500, points: { c: p(120) }, partial: true });
    expect(b.spark.a.t).toHaveLength(3);
    expect(b.latest.c?.p99).toBe(120);
    const before = b;
    b = applyBoardEvent(b, "tick", { t: T0 + 1000, points: { a: { p99: 5 } } });
    expect(b.latest.a).toEqual(before.latest.a);
  });
});
