import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveClient, backoffDelay, type ChannelHandlers, type LiveClientOptions } from "./client";

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  // ---- driven by the test, as the server would ----
  accept(hello: Partial<{ heartbeatMs: number; tickMs: number }> = {}) {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ type: "hello", protocol: 1, serverId: "s1", version: "t", heartbeatMs: 15_000, tickMs: 1000, time: 0, ...hello });
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === "string" ? msg : JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
  subscribes() {
    return this.sent.filter((m) => (m as { type: string }).type === "subscribe");
  }
}

const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1];

function makeClient(extra: Partial<LiveClientOptions> = {}) {
  return new LiveClient({
    url: "ws://test/ws",
    WebSocket: FakeSocket,
    random: () => 0.5,
    now: () => Date.now(),
    ...extra,
  });
}

function recorder() {
  const log: string[] = [];
  const handlers: ChannelHandlers = {
    onSnapshot: (_d, m) => log.push(`snapshot ${m.epoch}/${m.seq}`),
    onEvent: (e, _d, m) => log.push(`${e} ${m.epoch}/${m.seq}`),
    onError: (m) => log.push(`error ${m.code}`),
  };
  return { log, handlers };
}

const snap = (seq: number, epoch = "e1") => ({ type: "snapshot", channel: "board", epoch, seq, time: 1, data: {} });
const ev = (seq: number, epoch = "e1") => ({ type: "event", channel: "board", epoch, seq, time: 1, event: "tick", data: {} });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.instances = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("backoffDelay", () => {
  it("is full jitter: between 0 and min(cap, base·2^attempt)", () => {
    expect(backoffDelay(0, () => 0, 500, 10_000)).toBe(0);
    expect(backoffDelay(0, () => 0.999999, 500, 10_000)).toBe(499);
    expect(backoffDelay(3, () => 0.5, 500, 10_000)).toBe(2000);
    expect(backoffDelay(10, () => 0.999999, 500, 10_000)).toBe(9999);
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(10_000, 500 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, Math.random, 500, 10_000);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });
});

describe("LiveClient reconnect", () => {
  it("stops and says signed out when the server ends the session (4401), instead of retrying", () => {
    const c = makeClient();
    c.start();
    latest().accept();
    latest().drop(4401);
    expect(c.getInfo().state).toBe("signed-out");
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    c.stop();
  });

  it("waits longer after each failure, capped, jittered by the injected random", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(c.getInfo().state).toBe("connecting");

    const expected = [250, 500, 1000, 2000, 4000, 5000, 5000];
    for (const [i, delay] of expected.entries()) {
      latest().drop();
      const n = FakeSocket.instances.length;
      expect(c.getInfo().attempt).toBe(i + 1);
      vi.advanceTimersByTime(delay - 1);
      expect(FakeSocket.instances).toHaveLength(n);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.instances).toHaveLength(n + 1);
    }
    expect(c.getInfo().state).toBe("offline"); // more than 6 failed attempts in a row
    c.stop();
  });

  it("reports reconnecting with the attempt number, and resets the backoff after a stable connection", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    latest().accept();
    expect(c.getInfo().state).toBe("live");

    latest().drop();
    expect(c.getInfo()).toMatchObject({ state: "reconnecting", attempt: 1 });
    vi.advanceTimersByTime(250);
    latest().drop();
    expect(c.getInfo()).toMatchObject({ state: "reconnecting", attempt: 2 });
    vi.advanceTimersByTime(500);

    latest().accept();
    vi.advanceTimersByTime(5_000); // stable
    expect(c.getInfo().attempt).toBe(0);
    latest().drop();
    const n = FakeSocket.instances.length;
    vi.advanceTimersByTime(250); // back to the first step
    expect(FakeSocket.instances).toHaveLength(n + 1);
    c.stop();
  });

  it("a flapping connection does not reset the backoff", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    for (let i = 0; i < 3; i++) {
      latest().accept();
      latest().drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(c.getInfo().attempt).toBe(3);
    c.stop();
  });

  it("reconnects when the server says it is restarting (1012)", () => {
    const c = makeClient({ random: () => 0 });
    c.start();
    latest().accept();
    latest().drop(1012);
    vi.advanceTimersByTime(0);
    expect(FakeSocket.instances).toHaveLength(2);
    c.stop();
  });

  it("stop() closes and does not reconnect", () => {
    const c = makeClient();
    c.start();
    latest().accept();
    const s = latest();
    c.stop();
    expect(s.closedWith?.code).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(c.getInfo().state).toBe("offline");
  });
});

/** Counts sockets opened within `ms` of now; the fake clock advances by exactly `ms`. */
function opensWithin(ms: number): number {
  const n = FakeSocket.instances.length;
  vi.advanceTimersByTime(ms);
  return FakeSocket.instances.length - n;
}

/** Drops the newest socket `times` times before it opens, running each scheduled retry; returns the delays. */
function failAttempts(times: number, code = 1006): number[] {
  const delays: number[] = [];
  for (let i = 0; i < times; i++) {
    const n = FakeSocket.instances.length;
    const before = Date.now();
    latest().drop(code);
    let waited = 0;
    while (FakeSocket.instances.length === n && waited < 60_000) {
      vi.advanceTimersByTime(1);
      waited++;
    }
    delays.push(Date.now() - before);
  }
  return delays;
}

describe("LiveClient restart (1012 / 1001: reconnect now)", () => {
  /** A client whose backoff has grown: three connections that opened and dropped at once. */
  function flappedClient(random: () => number) {
    const c = makeClient({ random });
    c.start();
    for (let i = 0; i < 3; i++) {
      latest().accept();
      latest().drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(c.getInfo().attempt).toBe(3);
    return c;
  }

  it.each([1012, 1001])("after a %i close reconnects within the 1 s jitter, not after the grown backoff, and resets the attempts", (code) => {
    const c = flappedClient(() => 0.999);
    latest().accept();
    latest().drop(code);
    expect(c.getInfo()).toMatchObject({ state: "reconnecting", attempt: 0 });
    expect(c.getInfo().nextRetryAt! - Date.now()).toBe(999);
    expect(opensWithin(998)).toBe(0);
    expect(opensWithin(1)).toBe(1); // the backoff would have waited 0.999 × 4 s
    c.stop();
  });

  it("spreads viewers uniformly over [0, 1000) ms by the injected random", () => {
    for (const [r, ms] of [[0, 0], [0.25, 250], [0.7, 700]] as const) {
      FakeSocket.instances = [];
      const c = makeClient({ random: () => r });
      c.start();
      latest().accept();
      latest().drop(1012);
      expect(c.getInfo().nextRetryAt! - Date.now()).toBe(ms);
      c.stop();
    }
  });

  it("while the replacement is not answering, retries every 250–750 ms during the window, and says reconnecting", () => {
    let r = 0.999;
    const c = makeClient({ random: () => r });
    c.start();
    latest().accept();
    latest().drop(1012);
    vi.advanceTimersByTime(999); // the quick attempt: nothing answers
    r = 0.5;
    const delays = failAttempts(20); // 20 × 500 ms = 10 s, inside the 15 s window
    expect(delays.every((d) => d === 500)).toBe(true);
    expect(c.getInfo()).toMatchObject({ state: "reconnecting", attempt: 20 });
    r = 0.999;
    expect(failAttempts(3).every((d) => d === 749)).toBe(true);
    r = 0;
    expect(failAttempts(3).every((d) => d === 250)).toBe(true);

    // the replacement answers: live at once, resumes, no more waiting
    latest().accept();
    expect(c.getInfo().state).toBe("live");
    c.stop();
  });

  it("after the 15 s window falls back to the exponential backoff, from its first step, and reads offline", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    latest().accept();
    latest().drop(1012);
    vi.advanceTimersByTime(500); // the quick attempt
    let sinceClose = 500;
    const failures = failAttempts(40).map((delay) => {
      const f = { inWindow: sinceClose < 15_000, delay };
      sinceClose += delay;
      return f;
    });
    expect(failures.filter((f) => f.inWindow).map((f) => f.delay)).toEqual(Array(29).fill(500));
    const after = failures.filter((f) => !f.inWindow).map((f) => f.delay);
    // 0.5 × 0.5 s · 2^step, capped at 10 s
    expect(after).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000]);
    expect(c.getInfo().state).toBe("offline");
    c.stop();
  });

  it("the window ends once a connection is stable: a later drop backs off normally", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    latest().accept();
    latest().drop(1012);
    vi.advanceTimersByTime(500);
    latest().accept();
    vi.advanceTimersByTime(5_000); // stable
    latest().drop(1006);
    expect(c.getInfo().nextRetryAt! - Date.now()).toBe(250); // backoff step 0, not the restart path
    vi.advanceTimersByTime(250);
    expect(failAttempts(2)).toEqual([500, 1000]);
    // and a new restart later gets the quick path again
    latest().accept();
    vi.advanceTimersByTime(5_000);
    latest().drop(1012);
    expect(c.getInfo()).toMatchObject({ attempt: 0 });
    expect(c.getInfo().nextRetryAt! - Date.now()).toBe(500);
    c.stop();
  });

  it("a server that accepts and at once closes with 1012 gets no tight loop: the window runs out and backoff applies", () => {
    const c = makeClient({ random: () => 0.5 });
    c.start();
    const started = Date.now();
    let opens = 0;
    while (Date.now() - started < 60_000) {
      latest().accept();
      opens++;
      const n = FakeSocket.instances.length;
      latest().drop(1012);
      while (FakeSocket.instances.length === n) vi.advanceTimersByTime(1);
    }
    // 15 s at 500 ms, then the backoff (to 5 s): not the 120 a new window each time would give
    expect(opens).toBeLessThan(60);
    c.stop();
  });

  it.each([1000, 1006, 1011])("a %i close still uses the exponential backoff", (code) => {
    const c = flappedClient(() => 0.999);
    latest().accept();
    latest().drop(code);
    expect(c.getInfo().attempt).toBe(4);
    expect(opensWithin(3_995)).toBe(0); // 0.999 × 4 s (step 3)
    expect(opensWithin(1)).toBe(1);
    c.stop();
  });

  it("4401 still signs out, even during a restart window", () => {
    const c = makeClient({ random: () => 0 });
    c.start();
    latest().accept();
    latest().drop(1012);
    vi.advanceTimersByTime(0);
    latest().accept();
    latest().drop(4401);
    expect(c.getInfo().state).toBe("signed-out");
    expect(opensWithin(60_000)).toBe(0);
    c.stop();
  });
});

describe("LiveClient subscriptions", () => {
  it("subscribes on open and resubscribes with the last processed cursor after a reconnect", () => {
    const c = makeClient({ random: () => 0 });
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    latest().accept();
    expect(latest().subscribes()).toEqual([{ type: "subscribe", channel: "board" }]);

    latest().receive(snap(10));
    latest().receive(ev(11));
    latest().receive(ev(12));
    expect(log).toEqual(["snapshot e1/10", "tick e1/11", "tick e1/12"]);

    latest().drop();
    vi.advanceTimersByTime(0);
    latest().accept();
    expect(latest().subscribes()).toEqual([{ type: "subscribe", channel: "board", since: { epoch: "e1", seq: 12 } }]);

    // the server replays what was missed, then live events continue
    latest().receive(ev(13));
    latest().receive({ type: "resumed", channel: "board", epoch: "e1", seq: 13, replayed: 1 });
    latest().receive(ev(14));
    expect(log.slice(3)).toEqual(["tick e1/13", "tick e1/14"]);
    c.stop();
  });

  it("a seq gap within an epoch triggers one resume request, and out-of-order events are not applied", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    const s = latest();
    s.accept();
    s.receive(snap(10));
    s.receive(ev(11));
    s.receive(ev(13)); // 12 went missing
    s.receive(ev(14));
    expect(log).toEqual(["snapshot e1/10", "tick e1/11"]);
    expect(s.subscribes()).toEqual([
      { type: "subscribe", channel: "board" },
      { type: "subscribe", channel: "board", since: { epoch: "e1", seq: 11 } },
    ]);

    s.receive(ev(12));
    s.receive(ev(13));
    s.receive(ev(14));
    s.receive({ type: "resumed", channel: "board", epoch: "e1", seq: 14, replayed: 3 });
    expect(log.slice(2)).toEqual(["tick e1/12", "tick e1/13", "tick e1/14"]);
    expect(c.cursorOf("board")).toEqual({ epoch: "e1", seq: 14 });
    c.stop();
  });

  it("ignores duplicates and events before the first snapshot", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    const s = latest();
    s.accept();
    s.receive(ev(3));
    s.receive(snap(5));
    s.receive(ev(5));
    s.receive(ev(6));
    s.receive(ev(6));
    expect(log).toEqual(["snapshot e1/5", "tick e1/6"]);
    c.stop();
  });

  it("a snapshot resets the cursor, also to a new epoch (server restarted)", () => {
    const c = makeClient({ random: () => 0 });
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    latest().accept();
    latest().receive(snap(100));
    latest().receive(ev(101));
    latest().receive(snap(3, "e2"));
    expect(c.cursorOf("board")).toEqual({ epoch: "e2", seq: 3 });
    latest().receive(ev(4, "e2"));
    expect(log).toEqual(["snapshot e1/100", "tick e1/101", "snapshot e2/3", "tick e2/4"]);
    expect(latest().subscribes()).toHaveLength(1); // no healing needed

    latest().drop();
    vi.advanceTimersByTime(0);
    latest().accept();
    expect(latest().subscribes()).toEqual([{ type: "subscribe", channel: "board", since: { epoch: "e2", seq: 4 } }]);
    c.stop();
  });

  it("an event from another epoch asks to resume, so the server sends a fresh snapshot", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    latest().accept();
    latest().receive(snap(7));
    latest().receive(ev(1, "e2"));
    expect(log).toEqual(["snapshot e1/7"]);
    expect(latest().subscribes()[1]).toEqual({ type: "subscribe", channel: "board", since: { epoch: "e1", seq: 7 } });
    c.stop();
  });

  it("unsubscribes when the last listener leaves, and forgets the channel", () => {
    const c = makeClient({ random: () => 0 });
    const a = recorder();
    const b = recorder();
    const offA = c.subscribe("service:api", a.handlers);
    c.start();
    latest().accept();
    const offB = c.subscribe("service:api", b.handlers);
    offA();
    expect(latest().sent.filter((m) => (m as { type: string }).type === "unsubscribe")).toHaveLength(0);
    offB();
    expect(latest().sent.at(-1)).toEqual({ type: "unsubscribe", channel: "service:api" });
    latest().drop();
    vi.advanceTimersByTime(0);
    latest().accept();
    expect(latest().subscribes()).toEqual([]);
    c.stop();
  });

  it("passes channel errors to the channel's listeners", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("service:nope", handlers);
    c.start();
    latest().accept();
    latest().receive({ type: "error", code: "unknown_channel", message: "no such service", channel: "service:nope" });
    expect(log).toEqual(["error unknown_channel"]);
    c.stop();
  });
});

describe("LiveClient robustness", () => {
  it("ignores malformed frames and keeps working", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("board", handlers);
    c.start();
    const s = latest();
    s.accept();
    s.receive("not json {");
    s.receive({ type: "event", channel: "board" });
    s.receive({ type: "snapshot", channel: "board", epoch: "e1", seq: -1, data: {} });
    s.receive([1, 2, 3]);
    s.receive({ type: "mystery" });
    s.onmessage?.({ data: new ArrayBuffer(4) });
    expect(c.malformedFrames).toBe(6);
    s.receive(snap(1));
    expect(log).toEqual(["snapshot e1/1"]);
    expect(c.getInfo().state).toBe("live");
    c.stop();
  });

  it("a throwing handler does not break other listeners or the connection", () => {
    const errors: unknown[] = [];
    const c = makeClient({ onHandlerError: (e) => errors.push(e) });
    const { log, handlers } = recorder();
    c.subscribe("board", { onSnapshot: () => { throw new Error("boom"); }, onEvent: () => {} });
    c.subscribe("board", handlers);
    c.start();
    latest().accept();
    latest().receive(snap(1));
    latest().receive(ev(2));
    expect(errors).toHaveLength(1);
    expect(log).toEqual(["snapshot e1/1", "tick e1/2"]);
    c.stop();
  });

  it("the watchdog reconnects when nothing arrives for 2 × heartbeat + 5 s", () => {
    const c = makeClient({ random: () => 0 });
    c.start();
    const s = latest();
    s.accept({ heartbeatMs: 1000 });
    vi.advanceTimersByTime(6_000);
    s.receive({ type: "heartbeat", time: 1 }); // feeds the watchdog
    vi.advanceTimersByTime(6_999);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.closedWith?.code).toBe(4000);
    expect(c.getInfo().state).toBe("reconnecting");
    vi.advanceTimersByTime(1); // the fake clock runs a 0 ms timer set inside a timer on the next ms
    expect(FakeSocket.instances).toHaveLength(2);
    c.stop();
  });

  it("tracks the age of the data and the server clock", () => {
    vi.setSystemTime(1_000_000);
    const c = makeClient();
    c.subscribe("board", recorder().handlers);
    c.start();
    // Until a frame tells it (the hello does), the server's time is unknown: useServerNow then falls back to the API's Date header.
    expect(c.hasServerTime()).toBe(false);
    latest().accept();
    expect(c.lastDataAt).toBeNull();
    latest().receive({ ...snap(1), time: 1_003_000 });
    expect(c.lastDataAt).toBe(1_000_000);
    expect(c.hasServerTime()).toBe(true);
    expect(c.serverNow()).toBe(1_003_000);
    vi.advanceTimersByTime(400);
    expect(Date.now() - (c.lastDataAt ?? 0)).toBe(400);
    c.stop();
  });
});

describe("LiveClient presence", () => {
  it("sends identify when set, and again before resubscribing after every reconnect", () => {
    const c = makeClient({ random: () => 0 });
    c.subscribe("incident:a", recorder().handlers);
    c.start();
    latest().accept();
    c.identify("Ada");
    expect(latest().sent).toContainEqual({ type: "identify", name: "Ada" });
    c.identify("Ada"); // unchanged: not sent twice on the same connection
    expect(latest().sent.filter((m) => (m as { type: string }).type === "identify")).toHaveLength(1);

    latest().drop();
    vi.advanceTimersByTime(1);
    latest().accept();
    const types = latest().sent.map((m) => (m as { type: string }).type);
    expect(types.slice(0, 2)).toEqual(["identify", "subscribe"]);
    c.stop();
  });
});

describe("LiveClient subscribe with the page's position", () => {
  it("asks for the events after it and applies them without a snapshot", () => {
    const c = makeClient();
    const { log, handlers } = recorder();
    c.subscribe("board", handlers, { since: { epoch: "e1", seq: 41 } });
    c.start();
    latest().accept();
    expect(latest().subscribes()).toEqual([{ type: "subscribe", channel: "board", since: { epoch: "e1", seq: 41 } }]);
    latest().receive(ev(42));
    latest().receive({ type: "resumed", channel: "board", epoch: "e1", seq: 42, replayed: 1 });
    latest().receive(ev(43));
    expect(log).toEqual(["tick e1/42", "tick e1/43"]);
    expect(c.cursorOf("board")).toEqual({ epoch: "e1", seq: 43 });
  });
});
