import { describe, expect, it } from "vitest";
import { SourceSet } from "./set";
import type { MetricSource } from "./types";
import type { SourceStatus } from "../signals/contract";
import type { SignalValues } from "../signals/types";

const V = { p50: 1, p95: 2, p99: 3, p999: 4, rps: 5, errorPct: 0, error5xxPct: 0, cpuPct: 1, memPct: 1, poolPct: 1 } satisfies SignalValues;

/** A source answering for `ids` (and one service it does not feed), or failing. */
function fake(kind: string, ids: string[], fail = false): MetricSource {
  let status: SourceStatus = { kind, state: "ok", lastSuccessAt: null };
  return {
    kind,
    async sampleAll(t) {
      if (fail) {
        status = { kind, state: "down", error: "cannot reach it", lastSuccessAt: status.lastSuccessAt };
        throw new Error("cannot reach it");
      }
      status = { kind, state: "ok", lastSuccessAt: t };
      return Object.fromEntries([...ids, "stranger"].map((id) => [id, V]));
    },
    backfillMinutes: async () => (fail ? Promise.reject(new Error("down")) : Object.fromEntries(ids.map((id) => [id, [{ t: 0, values: V }]]))),
    backfillTicks: async () => [],
    status: () => status,
  };
}

describe("SourceSet", () => {
  it("keeps each source to its own services, and one failing source fails only its own", async () => {
    const set = new SourceSet({
      pulled: [
        { source: fake("simulator", ["a"]), services: ["a"] },
        { source: fake("prometheus", ["b"], true), services: ["b"] },
      ],
      services: { simulator: ["a"], prometheus: ["b"], push: ["c"] },
    });
    expect(set.kind).toBe("simulator+prometheus+push");
    const { values, failures } = await set.sample(1000);
    expect(Object.keys(values)).toEqual(["a"]);
    expect(failures).toEqual([{ kind: "prometheus", error: "cannot reach it" }]);
    expect(set.status()).toEqual({
      kind: "prometheus",
      state: "down",
      error: "prometheus: cannot reach it",
      lastSuccessAt: null,
      sources: [
        { kind: "simulator", state: "ok", lastSuccessAt: 1000, services: 1 },
        { kind: "prometheus", state: "down", error: "cannot reach it", lastSuccessAt: null, services: 1 },
        { kind: "push", state: "ok", lastSuccessAt: null, services: 1 },
      ],
    });
    // Backfill: the failing source gives nothing, the other still does; push-fed "c" gets nothing.
    const errors: string[] = [];
    const withLog = new SourceSet({
      pulled: [
        { source: fake("simulator", ["a"]), services: ["a"] },
        { source: fake("prometheus", ["b"], true), services: ["b"] },
      ],
      services: { simulator: ["a"], prometheus: ["b"], push: ["c"] },
      onBackfillError: (kind) => errors.push(kind),
    });
    expect(Object.keys(await withLog.backfillMinutes(0, 60_000))).toEqual(["a"]);
    expect(errors).toEqual(["prometheus"]);
  });

  it("is a plain push source with nothing to sample in a push-only deployment", async () => {
    const set = new SourceSet({ pulled: [], services: { simulator: [], prometheus: [], push: ["a", "b"] } });
    expect(await set.sample(1000)).toEqual({ values: {}, failures: [] });
    expect(set.status()).toEqual({ kind: "push", state: "ok", lastSuccessAt: null });
    expect(await set.backfillTicks(0, 10_000, 1000)).toEqual([]);
  });
});
