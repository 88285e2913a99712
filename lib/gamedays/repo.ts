import { sql } from "kysely";
import { Conflict } from "../errors";
import type { Store } from "../store/store";
import { RunSchema, type Run } from "./model";

/** The SQL of game-day runs: one row per run, its state as JSON (rewritten whole at each change). */

/**
 * Stores a new run unless another running run already touches one of its services (one run per
 * service, SPEC §12). The check and the insert are one transaction: SQLite has a single writer, and
 * on PostgreSQL a transaction-scoped advisory lock makes concurrent starts (other instances) wait.
 */
export async function insertRun(store: Store, run: Run): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    if (store.dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.war-room-gameday-start'))`.execute(trx);
    const rows = await trx.selectFrom("gameday_runs").select("state").where("status", "=", "running").execute();
    for (const other of rows.map((r) => RunSchema.parse(JSON.parse(r.state)))) {
      const shared = other.services.filter((s) => run.services.includes(s));
      if (shared.length > 0) throw new Conflict(`game day "${other.planTitle}" is already running on ${shared.join(", ")}; one run per service`, { run: other.id });
    }
    await trx
      .insertInto("gameday_runs")
      .values({ id: run.id, plan: run.plan, incident_id: run.incidentId, status: run.status, started_at: run.startedAt, ended_at: run.endedAt, state: JSON.stringify(run), version: run.version })
      .execute();
  });
}

/** Writes `run` over the stored version before it (`run.version - 1`); false when another write got there first. */
export async function saveRun(store: Store, run: Run): Promise<boolean> {
  const r = await store.db
    .updateTable("gameday_runs")
    .set({ status: run.status, ended_at: run.endedAt, state: JSON.stringify(run), version: run.version })
    .where("id", "=", run.id)
    .where("version", "=", run.version - 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listRuns(store: Store, f: { plan?: string; running?: boolean; limit?: number } = {}): Promise<Run[]> {
  let q = store.db.selectFrom("gameday_runs").select("state");
  if (f.plan !== undefined) q = q.where("plan", "=", f.plan);
  if (f.running) q = q.where("status", "=", "running");
  const rows = await q.orderBy("started_at", "desc").orderBy("id", "desc").limit(f.limit ?? 100).execute();
  return rows.map((r) => RunSchema.parse(JSON.parse(r.state)));
}

export async function getRun(store: Store, id: string): Promise<Run | null> {
  const row = await store.db.selectFrom("gameday_runs").select("state").where("id", "=", id).executeTakeFirst();
  return row ? RunSchema.parse(JSON.parse(row.state)) : null;
}

/** The run whose drill incident this is, if any. */
export async function runOfIncident(store: Store, incidentId: string): Promise<Run | null> {
  const row = await store.db.selectFrom("gameday_runs").select("state").where("incident_id", "=", incidentId).executeTakeFirst();
  return row ? RunSchema.parse(JSON.parse(row.state)) : null;
}
