import { describe, expect, it } from "vitest";
import { EventLoopLag, LoadShedder, isShedExempt, type Admission, type Shed } from "./shed";

function shedder(limits: Partial<ConstructorParameters<typeof LoadShedder>[0]["limits"]> = {}) {
  const state = { lag: 0, now: 0 };
  const shed: string[] = [];
  const s = new LoadShedder({ lag: () => state.lag, now: () => state.now, limits: { maxEventLoopDelayMs: 50, maxQueueMs: 100, maxConcurrent: 2, maxQueued: 3, ...limits }, onShed: (r) => shed.push(r) });
  return { s, state, shed };
}

const isShed = (a: Admission | Shed): a is Shed => "shed" in a;
const admitted = async (p: Promise<Admission | Shed>): Promise<Admission> => {
  const a = await p;
  if (isShed(a)) throw new Error(`shed: ${a.shed}`);
  return a;
};

describe("load shedding decision", () => {
  it("sheds with 503 + Retry-After while the event loop is late, and admits again once it is on time", async () => {
    const { s, state, shed } = shedder();
    state.lag = 80;
    const a = await s.admit();
    expect(isShed(a) && a.shed).toBe("event_loop_delay");
    const e = (a as Shed).error;
    expect(e.status).toBe(503);
    expect(e.retryAfterSeconds).toBe(1);
    expect(e.code).toBe("unavailable");
    expect(e.details).toEqual({ reason: "event_loop_delay" });
    expect(e.message).toMatch(/overloaded \(event-loop delay 80 ms\)/);
    state.lag = 20;
    (await admitted(s.admit())).release();
    expect(shed).toEqual(["event_loop_delay"]);
    expect(s.shedCounts.event_loop_delay).toBe(1);
  });

  it("lets requests wait in order for a slot, and sheds those that waited past the bound", async () => {
    const { s, state, shed } = shedder();
    const first = await admitted(s.admit());
    const second = await admitted(s.admit());
    const order: string[] = [];
    const third = s.admit().then((a) => (order.push(isShed(a) ? "third shed" : "third in"), a));
    state.now = 10;
    const fourth = s.admit().then((a) => (order.push(isShed(a) ? "fourth shed" : "fourth in"), a));
    expect(s.waiting).toBe(2);
    first.release();
    await admitted(third);
    expect(order).toEqual(["third in"]);
    // The fourth has now waited 150 ms: past the bound, it is shed rather than served late.
    state.now = 160;
    second.release();
    const f = await fourth;
    expect(isShed(f) && f.shed).toBe("queue_time");
    expect(order).toEqual(["third in", "fourth shed"]);
    expect(shed).toEqual(["queue_time"]);
  });

  it("sheds a newcomer at once when the queue is already slower than the bound or full", async () => {
    const { s, state } = shedder({ maxQueued: 2 });
    await admitted(s.admit());
    await admitted(s.admit());
    void s.admit();
    state.now = 101;
    const late = await s.admit();
    expect(isShed(late) && late.shed).toBe("queue_time");
    state.now = 0;
    const { s: s2 } = shedder({ maxQueued: 1 });
    await admitted(s2.admit());
    await admitted(s2.admit());
    void s2.admit();
    const full = await s2.admit();
    expect(isShed(full) && full.shed).toBe("queue_full");
  });

  it("sheds waiters stuck behind a slot that never frees (a stuck store) when the timer sweeps", async () => {
    const { s, state } = shedder({ maxConcurrent: 1 });
    await admitted(s.admit());
    const waiting = s.admit();
    state.now = 50;
    s.expire();
    expect(s.waiting).toBe(1);
    state.now = 101;
    s.expire();
    const w = await waiting;
    expect(isShed(w) && w.shed).toBe("queue_time");
    expect(s.waiting).toBe(0);
  });

  it("recovers: once the load is gone every request is admitted again", async () => {
    const { s, state } = shedder({ maxConcurrent: 1 });
    const holder = await admitted(s.admit());
    void s.admit();
    state.now = 200;
    expect(isShed(await s.admit())).toBe(true);
    holder.release();
    expect(s.waiting).toBe(0);
    expect(s.active).toBe(0);
    const again = await admitted(s.admit());
    again.release();
    expect(s.active).toBe(0);
  });

  it("never sheds health checks or metrics scrapes; everything else may be shed", () => {
    for (const p of ["/health", "/health/live", "/health/ready", "/metrics", "/sim/metrics"]) expect(isShedExempt(p)).toBe(true);
    for (const p of ["/api/v1/incidents", "/", "/incidents/abc", "/auth/login", "/health/live/x", "/_next/static/a.js"]) expect(isShedExempt(p)).toBe(false);
  });
});

describe("event-loop delay sampler", () => {
  it("follows a loop that stays late, ignores one long task, and returns to zero once on time", () => {
    let now = 0;
    const lag = new EventLoopLag(20, () => now, 4);
    const fire = (afterMs: number) => {
      now += afterMs;
      lag.sample();
    };
    for (let i = 0; i < 4; i++) fire(20);
    expect(lag.ms).toBe(0);
    fire(20 + 500); // one long task (a big render, a GC pause)
    expect(lag.ms).toBe(0);
    for (let i = 0; i < 2; i++) fire(20 + 150); // a loop that becomes busy…
    expect(lag.ms).toBe(0);
    fire(20 + 120); // …and is late at every firing of the window
    expect(lag.ms).toBe(120);
    fire(20); // on time again
    expect(lag.ms).toBe(0);
  });
});
