import { describe, expect, it } from "vitest";
import { Hub } from "../live/hub";
import { SloChannel, worstOf } from "./channel";
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
