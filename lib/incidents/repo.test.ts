import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionItem, EntryDraft, Incident } from "./model";
import { openStore, type Store } from "../store/store";
import { commitIncident, getActionItem, getIncident, insertActionItem, insertIncident, listEntries, listIncidents, updateActionItem, updateEntry } from "./repo";
import { assertLocalDatabaseUrl } from "../store/testing/local-database";

const T0 = 1_795_000_000_000;
const MIN = 60_000;

function draft(over: Partial<Incident> = {}): Omit<Incident, "number"> {
  return {
    id: randomUUID(),
    title: "Checkout 500s — zürich 🔥",
    severity: "SEV2",
    status: "investigating",
    services: ["checkout", "payments"],
    drill: false,
    summary: "",
    startedAt: T0,
    detectedAt: T0 + MIN,
    acknowledgedAt: null,
    identifiedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: T0 + MIN,
    createdBy: "ada",
    roles: [{ role: "scribe", name: "Bo" }],
    version: 1,
    ...over,
  };
}

function entry(incidentId: string, over: Partial<EntryDraft> = {}): EntryDraft {
  return {
    id: randomUUID(),
    incidentId,
    kind: "note",
    body: "rolled back **v42**",
    occurredAt: T0 + 2 * MIN,
    recordedAt: T0 + 2 * MIN,
    author: "ada",
    source: "user",
    pinned: false,
    version: 1,
    snapshot: { t: T0, services: { checkout: { p99: 812.5, rps: 1200, errorPct: 4.25, saturationPct: 71 } } },
    ...over,
  };
}

type Backend = { name: string; open(): Promise<Store>; teardown(store: Store | undefined): Promise<void> };

function sqliteBackend(): Backend {
  let dir = "";
  return {
    name: "sqlite",
    open: async () => openStore({ dataDir: (dir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-inc-"))) }),
    teardown: async () => void (dir && (await fs.rm(dir, { recursive: true, force: true }))),
  };
}

function postgresBackend(databaseUrl: string): Backend {
  const pgSchema = `wr_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  return {
    name: "postgres",
    open: async () => {
      assertLocalDatabaseUrl(databaseUrl);
      return openStore({ databaseUrl, dataDir: os.tmpdir(), pgSchema });
    },
    teardown: async (store) => void (store && (await sql`drop schema if exists ${sql.id(pgSchema)} cascade`.execute(store.db))),
  };
}

function incidentSuite(backend: Backend): void {
  describe(`incident store on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => void (store = await backend.open()));
    afterAll(async () => {
      await backend.teardown(store);
      await store?.close();
    });
    beforeEach(async () => {
      await store.db.deleteFrom("incidents").execute();
    });

    it("stores an incident with its first entries and reads both back unchanged", async () => {
      const d = draft();
      const first = entry(d.id, { kind: "status-change", source: "system", pinned: true });
      const { incident: created, entries } = await insertIncident(store, d, [first], T0);
      expect(entries).toStrictEqual([{ ...first, seq: entries[0].seq }]);
      expect(await getIncident(store, d.id)).toStrictEqual(created);
      expect(await listEntries(store, d.id)).toStrictEqual(entries);
      expect(await getIncident(store, "nope")).toBeNull();
    });

    it("numbers incidents 1, 2, 3 … without gaps or repeats, even when declared together", async () => {
      const before = (await insertIncident(store, draft(), [], T0)).incident.number;
      const made = await Promise.all(Array.from({ length: 8 }, () => insertIncident(store, draft(), [], T0)));
      expect(made.map((i) => i.incident.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, k) => before + 1 + k));
    });

    it("compare-and-set: of two writers holding the same version exactly one wins; the loser writes nothing", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      const a = { ...created, severity: "SEV1" as const };
      const b = { ...created, title: "renamed" };
      const results = await Promise.all([
        commitIncident(store, { expectedVersion: 1, next: a, entries: [entry(created.id, { kind: "severity-change" })], now: T0 }),
        commitIncident(store, { expectedVersion: 1, next: b, entries: [entry(created.id, { kind: "status-change" })], now: T0 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.find(Boolean)!.incident;
      expect(winner.version).toBe(2);
      const stored = await getIncident(store, created.id);
      expect(stored).toStrictEqual(winner);
      expect(await listEntries(store, created.id)).toHaveLength(1);
      expect(await commitIncident(store, { expectedVersion: 1, next: { ...created, summary: "late" }, entries: [], now: T0 })).toBeNull();
      expect((await getIncident(store, created.id))?.summary).toBe("");
    });

    it("edits an entry only from the version it was read at", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      const [e] = (await commitIncident(store, { expectedVersion: 1, next: created, entries: [entry(created.id)], now: T0 }))!.entries;
      const edited = await updateEntry(store, 1, { ...e, body: "edited", pinned: true });
      expect(edited).toMatchObject({ body: "edited", pinned: true, version: 2 });
      expect(await updateEntry(store, 1, { ...e, body: "stale" })).toBeNull();
      expect((await listEntries(store, created.id))[0]).toStrictEqual(edited);
    });

    it("orders the timeline by when things happened", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      const late = entry(created.id, { occurredAt: T0 + 9 * MIN, recordedAt: T0 + 3 * MIN });
      const early = entry(created.id, { occurredAt: T0 + MIN, recordedAt: T0 + 4 * MIN });
      await commitIncident(store, { expectedVersion: 1, next: created, entries: [late, early], now: T0 });
      expect((await listEntries(store, created.id)).map((x) => x.id)).toEqual([early.id, late.id]);
    });

    it("numbers entries in the order they were written, and orders same-time entries by that number, not by id or recordedAt", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      // Ids and recordedAt that sort the other way: as written by two instances whose clocks disagree.
      const first = entry(created.id, { id: "zz-first", recordedAt: T0 + 5 * MIN });
      const second = entry(created.id, { id: "aa-second", recordedAt: T0 + 2 * MIN });
      const [a] = (await commitIncident(store, { expectedVersion: 1, next: created, entries: [first], now: T0 }))!.entries;
      const b = (await commitIncident(store, { expectedVersion: 2, next: { ...created, version: 2 }, entries: [second, entry(created.id, { id: "mm-third" })], now: T0 }))!.entries;
      expect([a.seq, ...b.map((e) => e.seq)]).toEqual([a.seq, a.seq + 1, a.seq + 2]);
      expect((await listEntries(store, created.id)).map((x) => [x.id, x.seq])).toEqual([
        ["zz-first", a.seq],
        ["aa-second", a.seq + 1],
        ["mm-third", a.seq + 2],
      ]);
    });

    it("stores action items and compare-and-sets them", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      const item: ActionItem = { id: randomUUID(), incidentId: created.id, title: "Alert on pool", owner: "", dueAt: null, priority: "P2", type: "detect", status: "open", ticketUrl: "https://t.example/1", createdAt: T0, createdBy: "ada", version: 1 };
      await insertActionItem(store, item);
      expect(await getActionItem(store, created.id, item.id)).toStrictEqual(item);
      expect(await getActionItem(store, "other", item.id)).toBeNull();
      const [x, y] = await Promise.all([updateActionItem(store, 1, { ...item, status: "done" }), updateActionItem(store, 1, { ...item, owner: "bo" })]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      expect((await getActionItem(store, created.id, item.id))?.version).toBe(2);
    });

    it("filters the list by status, severity, service and drill, newest first", async () => {
      const { incident: a } = await insertIncident(store, draft({ startedAt: T0, severity: "SEV1" }), [], T0);
      const { incident: b } = await insertIncident(store, draft({ startedAt: T0 + MIN, services: ["auth"], drill: true }), [], T0);
      const { incident: c } = await insertIncident(store, draft({ startedAt: T0 + 2 * MIN, status: "resolved", resolvedAt: T0 + 3 * MIN }), [], T0);
      const ids = (xs: Incident[]) => xs.map((x) => x.id);
      expect(ids(await listIncidents(store, { status: "all", limit: 10 }))).toEqual([c.id, b.id, a.id]);
      expect(ids(await listIncidents(store, { status: "active", limit: 10 }))).toEqual([b.id, a.id]);
      expect(ids(await listIncidents(store, { status: "resolved", limit: 10 }))).toEqual([c.id]);
      expect(ids(await listIncidents(store, { status: "all", severity: "SEV1", limit: 10 }))).toEqual([a.id]);
      expect(ids(await listIncidents(store, { status: "all", service: "auth", limit: 10 }))).toEqual([b.id]);
      expect(ids(await listIncidents(store, { status: "all", service: "pay", limit: 10 }))).toEqual([]);
      expect(ids(await listIncidents(store, { status: "all", drill: false, limit: 1 }))).toEqual([c.id]);
    });

    it("deletes an incident's timeline and action items with it", async () => {
      const { incident: created } = await insertIncident(store, draft(), [], T0);
      await commitIncident(store, { expectedVersion: 1, next: created, entries: [entry(created.id)], now: T0 });
      await store.db.deleteFrom("incidents").where("id", "=", created.id).execute();
      expect(await listEntries(store, created.id)).toEqual([]);
    });
  });
}

incidentSuite(sqliteBackend());
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) incidentSuite(postgresBackend(databaseUrl));
