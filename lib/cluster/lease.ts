import { sql, type Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";

/**
 * The leader lease (docs/architecture.md "Several instances"): one row in PostgreSQL, taken with
 * one conditional upsert on the store's own clock, so instances with skewed clocks agree on when
 * it expires. Each change of holder raises `term`, the fencing token: frames and ticks carry it,
 * and an instance that sees a higher term than its own steps down at once.
 *
 * A crash is noticed faster than the lease runs out: the holder also keeps a PostgreSQL session
 * advisory lock on a connection of its own, which the database drops the moment that
 * connection closes (the process died, even by `kill -9`). An instance that gets the lock knows
 * the holder's session is gone and takes the lease at once, with a new term.
 *
 * The holder counts its lease valid until `ttl - margin` after the renewal it last *sent*
 * (measured on its monotonic clock), so after a pause it knows it may no longer write before any
 * other instance can have taken over.
 */
export type LeaseMode = "cluster" | "single";

export type LeaseState = { role: "leader" | "follower"; term: number | null; holder: string | null };

export type LeaseOptions = {
  store: Store;
  instanceId: string;
  mode: LeaseMode;
  ttlMs?: number;
  renewEveryMs?: number;
  /** Leadership changed (won, lost). */
  onChange?: (s: LeaseState) => void;
  onError?: (err: unknown) => void;
};

const NAME = "leader";
const DB_NOW = sql<number>`cast(extract(epoch from clock_timestamp()) * 1000 as bigint)`;

export class LeaseHeldError extends Error {}

export class LeaderLease {
  private readonly opts: Required<Omit<LeaseOptions, "onChange" | "onError">> & Pick<LeaseOptions, "onChange" | "onError">;
  private term: number | null = null;
  private holder: string | null = null;
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  /** The renewal in flight (at most one), so `stop()` can wait for it instead of racing it. */
  private inFlight: Promise<void> | null = null;
  /** The last renewal failed: the store did not answer. */
  private storeAway = false;
  /** Leadership as last reported to `onChange`. */
  private reported = false;
  /** A pooled connection kept for the advisory lock, and how to give it back. */
  private lockConn: { db: Kysely<Database>; release: () => void } | null = null;
  private haveLock = false;

  constructor(opts: LeaseOptions) {
    this.opts = { ...opts, ttlMs: opts.ttlMs ?? 5_000, renewEveryMs: opts.renewEveryMs ?? 1_000 };
  }

  get state(): LeaseState {
    return { role: this.isLeader() ? "leader" : "follower", term: this.term, holder: this.holder };
  }

  /** Holds the lease and it has not run out by this instance's own (monotonic) reckoning. */
  isLeader(): boolean {
    // One instance on PostgreSQL (no REDIS_URL): nobody else may run, so a slow renewal must not
    // stop its writes; the lease only keeps a second instance from starting.
    if (this.opts.mode === "single") return this.started && !this.stopped;
    return this.holder === this.opts.instanceId && performance.now() < this.validUntil;
  }

  /**
   * This instance held the lease when the store stopped answering. Nobody can take it while the
   * store is away (they need it too), so it carries on sampling and publishing; its writes wait
   * for the store (docs/operations.md "When PostgreSQL is down").
   */
  get heldWhileStoreAway(): boolean {
    return this.holder === this.opts.instanceId && this.storeAway;
  }

  get currentTerm(): number | null {
    return this.term;
  }

  /**
   * First attempt, at start. A `single` instance (no REDIS_URL) refuses to start beside any live
   * holder; a `cluster` instance refuses to join a store a `single` one holds.
   */
  async start(): Promise<void> {
    // A holder killed a moment ago (kill -9, then a restart) has not expired yet: wait it out.
    const deadline = performance.now() + this.opts.ttlMs + 1_000;
    let row = await this.attempt();
    const blocked = (r: typeof row) => r !== null && r.holder !== this.opts.instanceId && (this.opts.mode === "single" || r.mode === "single");
    while (blocked(row) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      row = await this.attempt();
    }
    if (row && blocked(row)) {
      if (this.opts.mode === "single") {
        throw new LeaseHeldError(
          `another War Room instance (${row.holder}) is running on this database. Several instances need REDIS_URL (a shared Redis) on every one of them; without it, run one.`,
        );
      }
      if (row.mode === "single") {
        throw new LeaseHeldError(`a War Room instance without REDIS_URL (${row.holder}) is running on this database; give every instance the same REDIS_URL, then start them.`);
      }
    }
    this.started = true;
    this.schedule();
  }

  /** A higher term was seen on the bus: someone else leads now. */
  observeTerm(term: number, holder: string): void {
    if (this.term !== null && term <= this.term) return;
    this.term = term;
    this.holder = holder;
    if (holder !== this.opts.instanceId) this.validUntil = 0;
    this.changed();
  }

  /** Gives the lease up now (graceful shutdown), so another instance takes over within a renewal. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight?.catch(() => undefined);
    await this.dropLock(true);
    if (this.holder !== this.opts.instanceId || this.term === null) return;
    const was = this.isLeader();
    this.validUntil = 0;
    await this.opts.store.db
      .updateTable("cluster_lease")
      .set({ expires_at: 0 })
      .where("name", "=", NAME)
      .where("holder", "=", this.opts.instanceId)
      .where("term", "=", this.term)
      .execute()
      .catch((err: unknown) => this.opts.onError?.(err));
    if (was) this.opts.onChange?.(this.state);
  }

  private schedule(): void {
    if (this.stopped) return;
    // Followers look twice as often: a crashed holder's lock is free the moment its connection closes.
    this.timer = setTimeout(() => void this.tick(), this.isLeader() ? this.opts.renewEveryMs : this.opts.renewEveryMs / 2);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.inFlight || this.stopped) return;
    try {
      this.inFlight = this.attempt().then(() => undefined);
      await this.inFlight;
      this.storeAway = false;
    } catch (err) {
      this.storeAway = true;
      // The store is away: a holder keeps leading by its own reckoning until the lease runs out,
      // and no one else can take it meanwhile (they need the store too).
      this.opts.onError?.(err);
      this.changed();
    } finally {
      this.inFlight = null;
      this.schedule();
    }
  }

  private changed(): void {
    const now = this.isLeader();
    if (now !== this.reported) {
      this.reported = now;
      this.opts.onChange?.(this.state);
    }
  }

  /** True when this instance holds the advisory lock (taking it now if it is free). */
  private async tryLock(): Promise<boolean> {
    try {
      if (!this.lockConn) this.lockConn = await this.holdConnection();
      if (this.haveLock) {
        await sql`select 1`.execute(this.lockConn.db);
        return true;
      }
      const r = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(current_schema() || '.war-room-leader')) as ok`.execute(this.lockConn.db);
      this.haveLock = r.rows[0]?.ok === true;
      return this.haveLock;
    } catch (err) {
      // The connection broke: whatever lock it had went with it, and another instance may hold
      // the lease already. A holder stops counting itself leader at once (not at its next renewal).
      const had = this.haveLock;
      await this.dropLock(false);
      if (had && this.holder === this.opts.instanceId) this.validUntil = 0;
      throw err;
    }
  }

  private holdConnection(): Promise<{ db: Kysely<Database>; release: () => void }> {
    return new Promise((resolve, reject) => {
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      this.opts.store.db
        .connection()
        .execute(async (db) => {
          resolve({ db, release });
          await done;
        })
        .catch(reject);
    });
  }

  private async dropLock(unlock: boolean): Promise<void> {
    const conn = this.lockConn;
    this.lockConn = null;
    const had = this.haveLock;
    this.haveLock = false;
    if (!conn) return;
    if (unlock && had) await sql`select pg_advisory_unlock_all()`.execute(conn.db).catch(() => undefined);
    conn.release();
  }

  /** Renews a held lease, or takes an expired one; returns the row as it now is. */
  private async attempt(): Promise<{ holder: string; mode: string; term: number } | null> {
    const sent = performance.now();
    const { instanceId, mode, ttlMs } = this.opts;
    // Holding the lock means no other session holds it: the lease is ours whatever its expiry says.
    const locked = await this.tryLock().catch((err: unknown) => {
      this.opts.onError?.(err);
      return false;
    });
    const row = await this.opts.store.db
      .insertInto("cluster_lease")
      .values({ name: NAME, holder: instanceId, mode, term: 1, expires_at: sql<number>`${DB_NOW} + ${ttlMs}` })
      .onConflict((oc) =>
        oc.column("name").doUpdateSet({
          holder: instanceId,
          mode,
          term: sql<number>`case when cluster_lease.holder = ${instanceId} then cluster_lease.term else cluster_lease.term + 1 end`,
          expires_at: sql<number>`${DB_NOW} + ${ttlMs}`,
        }).where((eb) => (locked ? eb.lit(true) : eb.or([eb("cluster_lease.holder", "=", instanceId), eb("cluster_lease.expires_at", "<", DB_NOW)]))),
      )
      .returning(["holder", "mode", "term"])
      .executeTakeFirst();
    let current = row ?? null;
    if (!current) {
      current = (await this.opts.store.db.selectFrom("cluster_lease").select(["holder", "mode", "term"]).where("name", "=", NAME).executeTakeFirst()) ?? null;
    }
    if (current) {
      this.term = Number(current.term);
      this.holder = current.holder;
      // Without the lock another session holds it, and will take the lease at its next look.
      this.validUntil = current.holder === instanceId && locked ? sent + ttlMs - Math.min(1_000, ttlMs / 4) : 0;
    }
    this.changed();
    return current;
  }
}
