import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openStore, type Store } from "../lib/store/store";
import { LeaderLease } from "../lib/cluster/lease";

/**
 * The leader lease on a real PostgreSQL (lib/cluster/lease.ts). A holder killed with its
 * connections is replaced through the advisory lock (kill -9 of real processes:
 * test/cluster-failover.integration.test.ts); here, the lock connection alone is cut.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const TTL = 10_000; // far longer than any wait below: a takeover here comes from the lock, not expiry
/** This schema's leader lock (lib/cluster/lease.ts takes it on `hashtext(current_schema() || '.war-room-leader')`). */
const OUR_LOCK = sql`locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())
  and ((classid::bigint << 32) | objid::bigint) = hashtext(current_schema() || '.war-room-leader')::bigint`;

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 5_000): Promise<number> {
  const began = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - began;
    if (Date.now() - began > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!DATABASE_URL)("leader lease on PostgreSQL", () => {
  const schema = `wr_lease_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const opened: Store[] = [];
  const leases: LeaderLease[] = [];
  const open = async () => {
    const s = await openStore({ databaseUrl: DATABASE_URL, dataDir: "/tmp", pgSchema: schema });
    opened.push(s);
    return s;
  };
  const lease = (store: Store, instanceId: string) => {
    const l = new LeaderLease({ store, instanceId, mode: "cluster", ttlMs: TTL, renewEveryMs: 200 });
    leases.push(l);
    return l;
  };

  afterEach(async () => {
    for (const l of leases.splice(0)) await l.stop().catch(() => undefined);
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    const admin = await openStore({ databaseUrl: DATABASE_URL, dataDir: "/tmp", pgSchema: schema });
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  });

  it("when the holder's lock connection is cut, one instance leads again and both agree which", async () => {
    const storeA = await open();
    const a = lease(storeA, "a");
    await a.start();
    const storeB = await open();
    const b = lease(storeB, "b");
    await b.start();
    expect(a.isLeader()).toBe(true);
    const term = a.currentTerm!;
    // The database ends a's lock session (an operator, or a network cut of that one connection).
    const r = await sql<{ pid: number }>`select pid from pg_locks where ${OUR_LOCK}`.execute(storeB.db);
    expect(r.rows).toHaveLength(1);
    await sql`select pg_terminate_backend(${r.rows[0].pid})`.execute(storeB.db);
    // Either b takes the free lock (a new term), or a takes it back; never both, and a settles within renewals.
    await until("one leader that both agree on, holding the lock again", async () => {
      const locks = await sql<{ n: number }>`select count(*)::int as n from pg_locks where ${OUR_LOCK}`.execute(storeB.db);
      return locks.rows[0].n === 1 && a.isLeader() !== b.isLeader() && a.state.holder === b.state.holder;
    });
    const row = await storeB.db.selectFrom("cluster_lease").selectAll().executeTakeFirstOrThrow();
    expect(row.holder).toBe(a.isLeader() ? "a" : "b");
    expect(Number(row.term)).toBe(row.holder === "a" ? term : term + 1);
  });
});
