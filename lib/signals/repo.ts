import type { SignalMinute } from "./rollup";
import type { Store } from "../store/store";
import { sql } from "kysely";
import { insertHistoryMinutes, type MinutePoint } from "./minute-store";

const BATCH = 300;

/**
 * Writes (or overwrites) minute rows; idempotent on (service, start). `history`: kept services'
 * closed history minutes (SignalHistory.takeClosedMinutes), in the same transaction: push ingest
 * closes minutes in most requests, and a second transaction per request cost ~0.3 µs a sample
 * (BENCHMARKS.md "Kept history per service").
 */
export async function upsertSignalMinutes(store: Store, rows: readonly SignalMinute[], history: readonly MinutePoint[] = []): Promise<void> {
  if (rows.length === 0 && history.length === 0) return;
  await store.db.transaction().execute(async (trx) => {
    await insertHistoryMinutes(trx, history);
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx
        .insertInto("signal_minutes")
        .values(
          rows.slice(i, i + BATCH).map((r) => ({
            service: r.service,
            start: r.start,
            requests: r.requests,
            errors: r.errors,
            errors_5xx: r.errors5xx,
            p99_max: r.p99Max,
            error_pct_max: r.errorPctMax,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["service", "start"]).doUpdateSet((eb) => ({
            requests: eb.ref("excluded.requests"),
            errors: eb.ref("excluded.errors"),
            errors_5xx: eb.ref("excluded.errors_5xx"),
            p99_max: eb.ref("excluded.p99_max"),
            error_pct_max: eb.ref("excluded.error_pct_max"),
          })),
        )
        .execute();
    }
  });
}

/** Minute rows of the given services with start in [from, to), oldest first. */
export async function listSignalMinutes(store: Store, services: readonly string[], from: number, to: number): Promise<SignalMinute[]> {
  if (services.length === 0) return [];
  const rows = await store.db
    .selectFrom("signal_minutes")
    .selectAll()
    .where("service", "in", [...services])
    .where("start", ">=", from)
    .where("start", "<", to)
    .orderBy("start")
    .orderBy("service")
    .execute();
  return rows.map((r) => ({
    service: r.service,
    start: Number(r.start),
    requests: Number(r.requests),
    errors: Number(r.errors),
    errors5xx: Number(r.errors_5xx),
    p99Max: Number(r.p99_max),
    errorPctMax: Number(r.error_pct_max),
  }));
}

/** Start of the newest stored minute of any service, or null. */
export async function latestSignalMinute(store: Store): Promise<number | null> {
  const row = await store.db.selectFrom("signal_minutes").select(sql<number | null>`max(start)`.as("latest")).executeTakeFirst();
  return row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
}

/** Minute rollups (postmortem impact) are kept as long as SLI counts, plus a margin. */
export const SIGNAL_MINUTE_RETENTION_MS = 35 * 24 * 3600_000;

/** Retention (lib/store/retention.ts) of `signal_minutes`. */
export const signalMinutesPurger = (store: Store) => ({ name: "minutes", purge: (now: number) => purgeSignalMinutesBefore(store, now - SIGNAL_MINUTE_RETENTION_MS) });

export async function purgeSignalMinutesBefore(store: Store, t: number): Promise<number> {
  const r = await store.db.deleteFrom("signal_minutes").where("start", "<", t).executeTakeFirst();
  return Number(r.numDeletedRows);
}
