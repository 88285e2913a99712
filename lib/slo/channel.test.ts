import { describe, expect, it } from "vitest";
import { Hub } from "../live/hub";
import { frameText, type Frame } from "../live/frame";
import { SloChannel, worstOf } from "./channel";
import { mergeSlos } from "./merge";
import { unpackSlos } from "./wire";
import type { SloStatus, SloTracker } from "./tracker";

const slo = (id: string, budgetRemaining: number | null) => ({ id, service: "s", name: id, budgetRemaining }) as unknown as SloStatus;

describe("slos:worst", () => {
  it("is the SLO with the least budget left, with the count, as a channel of its own", () => {
    const all = [slo("a", 0.8), slo("b", null), slo("c", -0.2), slo("d", 0.1)];
    expect(worstOf(all)).toEqual({ worst: all[2], total: 4 });
    expect(worstOf([slo("x", null)])).toEqual({ worst: expect.objectContaining({ id: "x" }), total: 1 });
    expect(worstOf([])).toEqual({ worst: null, total: 0 });

    const hub = new Hub({ serverId: "s", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15_000, now: () => 0 });
    new SloChannel({ hub, clock: { now: () => 0 }, slos: { status: () => all } as unknown as SloTracker });
    const frames: string[] = [];
    const viewer = { id: "v", send: (f: string) => void frames.push(f), bufferedAmount: () => 0 };
    hub.connect(viewer);
    hub.receive(viewer, JSON.stringify({ type: "subscribe", channel: "slos:worst" }));
    const snap = frames.map((f) => JSON.parse(f)).find((m) => m.type === "snapshot");
    expect(snap?.data).toEqual({ worst: expect.objectContaining({ id: "c" }), total: 4 });
  });
});

describe("slos updates", () => {
  const full = (id: string, budgetRemaining: number, bad: number) =>
    ({ id, service: "s", name: id, windowFrom: 1_795_000_000_000, budgetRemaining, bad, burnRates: { "5m": 0.5 }, burnAlerts: [] }) as unknown as SloStatus;

  it("carry only the SLOs whose shown figures moved, the snapshot every SLO, and the client merges them", () => {
    let all = [full("a", 0.81234, 10), full("b", 0.5, 20), full("c", -0.2, 30)];
    const hub = new Hub({ serverId: "s", version: "1", epoch: "e", tickMs: 1000, heartbeatMs: 15_000, now: () => 0 });
    const channel = new SloChannel({ hub, clock: { now: () => 0 }, slos: { status: () => all } as unknown as SloTracker });
    const frames: string[] = [];
    const viewer = { id: "v", send: (f: Frame) => void frames.push(frameText(f)), bufferedAmount: () => 0 };
    hub.connect(viewer);
    hub.receive(viewer, JSON.stringify({ type: "subscribe", channel: "slos" }));
    const messages = () => frames.map((f) => JSON.parse(f));
    expect(messages().find((m) => m.type === "snapshot")?.data.slos.map((s: SloStatus) => s.id)).toEqual(["a", "b", "c"]);

    channel.maybePublish(0, 1000, all);
    const updates = () => messages().filter((m) => m.channel === "slos" && m.event === "update").map((m) => m.data);
    expect(updates()[0].slos.map((s: SloStatus) => s.id)).toEqual(["a", "b", "c"]);

    // a moves below display precision (0.81234 → 0.81236: 81.2 % either way), b's bad count moves, c stays.
    all = [full("a", 0.81236, 10), full("b", 0.5, 21), full("c", -0.2, 30)];
    channel.maybePublish(5000, 1000, all);
    expect(unpackSlos(updates()[1])).toEqual([all[1]]);
    expect(updates()[1].removed).toBeUndefined();

    // Nothing moved: an empty update (the page still learns its figures are current); c removed from the config.
    channel.maybePublish(10_000, 1000, all.slice(0, 2));
    expect(updates()[2]).toEqual({ policies: [], slos: [], removed: ["c"] });

    const held = [full("a", 0.81234, 10), full("b", 0.5, 20), full("c", -0.2, 30)];
    const merged = mergeSlos(mergeSlos(held, { slos: unpackSlos(updates()[1]) }), updates()[2]);
    expect(merged.map((s) => [s.id, s.bad])).toEqual([["a", 10], ["b", 21]]);
    expect(merged[0]).toBe(held[0]);
    // A late subscriber's snapshot is what the channel told, so the next delta applies to it.
    hub.receive(viewer, JSON.stringify({ type: "unsubscribe", channel: "slos" }));
    frames.length = 0;
    hub.receive(viewer, JSON.stringify({ type: "subscribe", channel: "slos" }));
    expect(messages().find((m) => m.type === "snapshot")?.data.slos.map((s: SloStatus) => [s.id, s.bad])).toEqual([["a", 10], ["b", 21]]);
  });
});
