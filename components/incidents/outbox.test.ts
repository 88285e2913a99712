import { describe, expect, it } from "vitest";
import { OutboxItemSchema, afterFailure, newKey, outboxKey, parseOutbox, updateOutbox, type OutboxItem, type OutboxNote } from "./outbox";

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const note = (over: Partial<OutboxNote> = {}): OutboxNote => ({
  key: newKey(),
  incidentId: "inc-1",
  author: "Ada",
  input: { kind: "note", body: "Failover started", occurredAt: 1_700_000_000_000 },
  queuedAt: 1_700_000_000_000,
  failed: null,
  ...over,
});

describe("outbox", () => {
  it("keeps one list per incident and user, across reads", () => {
    const s = new MemoryStorage();
    const ada = outboxKey("inc-1", "Ada");
    expect(outboxKey("inc-1", "Grace")).not.toBe(ada);
    expect(outboxKey("inc-2", "Ada")).not.toBe(ada);
    const n = note();
    updateOutbox(s, ada, (ns) => [...ns, n]);
    expect(parseOutbox(s.getItem(ada))).toEqual([n]);
    expect(parseOutbox(s.getItem(outboxKey("inc-1", "Grace")))).toEqual([]);
  });

  it("removes the key once the last note is sent, and drops what it cannot read", () => {
    const s = new MemoryStorage();
    const k = outboxKey("inc-1", null);
    const n = note();
    updateOutbox(s, k, (ns) => [...ns, n]);
    updateOutbox(s, k, (ns) => ns.filter((x) => x.key !== n.key));
    expect(s.map.has(k)).toBe(false);
    s.setItem(k, JSON.stringify([n, { key: 1 }, "junk"]));
    expect(parseOutbox(s.getItem(k))).toEqual([n]);
    expect(parseOutbox("{not json")).toEqual([]);
  });

  it("waits on an absent or busy server and gives up on a refusal", () => {
    for (const s of [0, 500, 502, 503, 429, 401, 409]) expect(afterFailure(s)).toBe("wait");
    for (const s of [400, 403, 404, 413, 422]) expect(afterFailure(s)).toBe("refused");
  });

  it("makes a fresh UUID per note", () => {
    const keys = new Set(Array.from({ length: 100 }, newKey));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("the action-item outbox", () => {
  it("keeps items in a list of their own, readable only as items", () => {
    const s = new MemoryStorage();
    const items = outboxKey("inc-1", "Ada", "items");
    expect(items).not.toBe(outboxKey("inc-1", "Ada"));
    const item: OutboxItem = { key: newKey(), incidentId: "inc-1", author: "Ada", input: { title: "Add a canary", type: "detect", priority: "P2", owner: "", dueAt: null }, queuedAt: 1, failed: null };
    updateOutbox(s, items, (ns) => [...ns, item], OutboxItemSchema);
    expect(parseOutbox(s.getItem(items), OutboxItemSchema)).toEqual([item]);
    // Not a note: the notes' reader leaves it out rather than sending it to the timeline.
    expect(parseOutbox(s.getItem(items))).toEqual([]);
  });
});
