/**
 * Row types of the database, as stored (snake_case). Each table gets an interface here and a
 * migration in migrations.ts; the domain types live in lib/<domain> and are mapped per table.
 * Times are epoch milliseconds in bigint columns, read back as JS numbers on both dialects.
 */

export interface DrillsTable {
  id: string;
  /** One of DRILL_KINDS; checked when read back. */
  kind: string;
  target: string;
  magnitude: number;
  started_at: number;
  ends_at: number;
  stopped_at: number | null;
  created_by: string;
  note: string;
  created_at: number;
}

/** Small facts about the deployment, e.g. when it first started. */
export interface MetaTable {
  key: string;
  value: string;
}

/** Good/total events of one SLO over [start, start + span_ms). */
export interface SliCountsTable {
  slo_id: string;
  start: number;
  span_ms: number;
  good: number;
  total: number;
}

/** Every alert state change (pending, firing, resolved, cancelled), the alert as JSON. */
export interface AlertEventsTable {
  id: string;
  alert_id: string;
  type: string;
  at: number;
  alert: string;
}

export interface Database {
  drills: DrillsTable;
  meta: MetaTable;
  sli_counts: SliCountsTable;
  alert_events: AlertEventsTable;
}
