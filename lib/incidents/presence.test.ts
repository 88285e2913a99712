import { describe, expect, it } from "vitest";
import { ClusterPresence, type PresenceBeat } from "./presence";
import type { Viewer } from "./contract";

const BEAT = 1_000;
const INCIDENT = "inc-1";

type Message = { kind: "frame"; origin: string; id: string; data: { viewers: Viewer[] } } | { kind: "beat"; origin: string; data: PresenceBeat };

/** Instances on one simulated broker: one total order of messages, delivered when the test says so. */
class Sim {
  now = 0;
  readonly queue: Message[] = [];
  readonly nodes = new Map<string, SimNode>();
  /** The last `viewers` event, as every viewer on every instance got it. */
  shown = new Map<string, Viewer[]>();

  add(id: string): SimNode {
    const n = new SimNode(this, id);
    this.nodes.set(id, n);
    return n;
  }

  deliver(): void {
    for (let m = this.queue.shift(); m; m = this.queue.shift()) {
      if (m.kind === "frame") this.shown.set(m.id, m.data.viewers);
      for (const n of this.nodes.values()) {
        if (!n.connected) continue;
        if (m.kind === "frame") n.presence.frame(m.origin, m.id, m.data);
        else if (m.origin !== n.id) n.presence.message(m.origin, m.data);
      }
    }
  }

  /** Time passes by whole beats; every connected instance beats each time. */
  beats(n: number): void {
    for (let i = 0; i < n; i++) {
      this.now += BEAT;
      for (const node of this.nodes.values()) if (node.connected) void node.presence.tick();
      this.deliver();
    }
  }

  names(id = INCIDENT): string[] {
    return (this.shown.get(id) ?? []).map((v) => v.name).sort();
  }
}

class SimNode {
  readonly presence: ClusterPresence;
  readonly local = new Map<string, Viewer[]>();
  connected = true;
  publishes = 0;

  constructor(
    private readonly sim: Sim,
    readonly id: string,
  ) {
    this.presence = new ClusterPresence({
      instanceId: id,
      beatMs: BEAT,
      now: () => sim.now,
      local: (inc) => this.local.get(inc) ?? [],
      watched: () => [...this.local.keys()].filter((inc) => (this.local.get(inc)?.length ?? 0) > 0),
      publish: (inc) => this.publish(inc),
      send: async (beat) => {
        if (this.connected) sim.queue.push({ kind: "beat", origin: id, data: beat });
      },
    });
  }

  /** A connection subscribes (or leaves): the instance publishes at once, as IncidentLive does. */
  view(name: string, since = this.sim.now, inc = INCIDENT): void {
    this.local.set(inc, [...(this.local.get(inc) ?? []), { name, since }]);
    this.publish(inc);
  }

  leave(name: string, inc = INCIDENT): void {
    this.local.set(inc, (this.local.get(inc) ?? []).filter((v) => v.name !== name));
    this.publish(inc);
  }

  private publish(inc: string): void {
    if (!this.connected) return;
    this.publishes++;
    const viewers = this.presence.union(inc);
    this.sim.queue.push({ kind: "frame", origin: this.id, id: inc, data: { viewers } });
    this.presence.published(inc, viewers, true);
  }
}

function cluster(...ids: string[]): [Sim, ...SimNode[]] {
  const sim = new Sim();
  return [sim, ...ids.map((id) => sim.add(id))];
}

describe("cluster presence", () => {
  it("every instance's event lists the viewers of all instances, tagged with where they are", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada", 1);
    sim.deliver();
    b.view("Grace", 2);
    sim.deliver();
    expect(sim.shown.get(INCIDENT)).toEqual([
      { name: "Ada", since: 1, instance: "a" },
      { name: "Grace", since: 2, instance: "b" },
    ]);
    expect(a.presence.union(INCIDENT)).toEqual(b.presence.union(INCIDENT));
    b.leave("Grace");
    sim.deliver();
    expect(sim.names()).toEqual(["Ada"]);
    expect(a.publishes + b.publishes).toBe(3);
  });

  it("changes on two instances at once end with the full list: the instance the last event misstates republishes, once", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada");
    b.view("Grace");
    // Broker order: a's event (Ada), then b's (Grace only: b had not seen a's yet).
    sim.deliver();
    expect(sim.names()).toEqual(["Ada", "Grace"]);
    expect([a.publishes, b.publishes]).toEqual([2, 1]);
    sim.beats(2);
    expect([a.publishes, b.publishes]).toEqual([2, 1]);
  });

  it("an instance's own event on its way back makes older stale events need no fix", () => {
    const [sim, a, b] = cluster("a", "b");
    b.view("Grace");
    a.view("Ada");
    a.leave("Ada");
    a.view("Alan");
    sim.deliver();
    expect(sim.names()).toEqual(["Alan", "Grace"]);
    // b's first event (Grace only) came before a's three: a, its own on the way, did not answer it
    // (answering every stale event would have taken seven).
    expect(a.publishes).toBeLessThanOrEqual(4);
  });

  it("drops the viewers of an instance that stopped beating after three beats; one instance publishes it", () => {
    const [sim, a, b, c] = cluster("a", "b", "c");
    a.view("Ada");
    b.view("Grace");
    c.view("Linus");
    sim.deliver();
    sim.beats(1);
    expect(sim.names()).toEqual(["Ada", "Grace", "Linus"]);
    const before = { a: a.publishes, b: b.publishes };
    c.connected = false; // kill -9: no goodbye, no more beats
    sim.beats(3);
    expect(sim.names()).toEqual(["Ada", "Grace", "Linus"]);
    sim.beats(1);
    expect(sim.names()).toEqual(["Ada", "Grace"]);
    expect({ a: a.publishes - before.a, b: b.publishes - before.b }).toEqual({ a: 1, b: 0 });
    expect(b.presence.union(INCIDENT).map((v) => v.name)).toEqual(["Ada", "Grace"]);
  });

  it("when the lowest instance has no viewers there, the next one publishes the expiry", () => {
    const [sim, a, b, c] = cluster("a", "b", "c");
    b.view("Grace");
    c.view("Linus");
    sim.deliver();
    c.connected = false;
    sim.beats(4);
    expect(sim.names()).toEqual(["Grace"]);
    expect(a.publishes).toBe(0);
  });

  it("a goodbye drops an instance at once, and a beat from it brings it back", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada");
    b.view("Grace");
    sim.deliver();
    void b.presence.bye();
    b.connected = false;
    sim.deliver();
    expect(a.presence.union(INCIDENT).map((v) => v.name)).toEqual(["Ada"]);
    // a republished: the last event still listed Grace on an instance that left.
    expect(sim.names()).toEqual(["Ada"]);
    b.connected = true;
    sim.beats(1);
    expect(a.presence.union(INCIDENT).map((v) => v.name)).toEqual(["Ada", "Grace"]);
    expect(sim.names()).toEqual(["Ada", "Grace"]);
  });

  it("an instance that joins late learns everyone's viewers from the answers to its hello", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada");
    b.view("Grace");
    sim.deliver();
    const d = sim.add("d");
    void d.presence.resync();
    sim.deliver();
    expect(d.presence.union(INCIDENT).map((v) => `${v.name}@${v.instance}`)).toEqual(["Ada@a", "Grace@b"]);
  });

  it("an event that never reached the broker is made good at the next beat", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada");
    sim.deliver();
    // b's viewer came while b's event could not reach the broker.
    b.local.set(INCIDENT, [{ name: "Grace", since: 5 }]);
    sim.beats(1);
    expect(sim.names()).toEqual(["Ada", "Grace"]);
    expect([a.publishes, b.publishes]).toEqual([1, 1]);
  });

  it("a beat that contradicts the last event is repaired by the lowest instance watching", () => {
    const [sim, a, b] = cluster("a", "b");
    a.view("Ada");
    b.view("Grace");
    sim.deliver();
    // Cut off from the broker, b lost its viewer and showed the change to its own viewers only:
    // it cannot know everyone else still sees Grace. Its beat, once back, tells a.
    b.connected = false;
    b.local.set(INCIDENT, []);
    b.presence.published(INCIDENT, b.presence.union(INCIDENT), false);
    b.connected = true;
    const before = b.publishes;
    sim.beats(1);
    expect(sim.names()).toEqual(["Ada"]);
    expect(b.publishes).toBe(before);
  });

  it("refuses beats and events that do not parse", () => {
    const [, a] = cluster("a");
    expect(a.presence.message("x", { incidents: "nope" })).toBe(false);
    expect(a.presence.message("x", null)).toBe(false);
    a.presence.frame("x", INCIDENT, { viewers: [{ name: 3 }] });
    expect(a.presence.union(INCIDENT)).toEqual([]);
    expect(a.presence.message("x", { incidents: { [INCIDENT]: [{ name: "Eve", since: 1 }] } })).toBe(true);
    expect(a.presence.union(INCIDENT)).toEqual([{ name: "Eve", since: 1, instance: "x" }]);
  });
});
