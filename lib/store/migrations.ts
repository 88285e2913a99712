import { Migrator, SqliteAdapter, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { describeError } from "./errors";
import { commsMigration } from "./migrations-comms";

/**
 * Schema migrations, run in name order. Append only: never edit or rename a migration that
 * has shipped; add a new one. Use the schema builder with portable types (text, bigint,
 * double precision, integer) so each migration runs on SQLite and PostgreSQL alike.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_init": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("drills")
        // SQLite lets a non-INTEGER primary key hold NULL unless told otherwise.
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("magnitude", "double precision", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("ends_at", "bigint", (c) => c.notNull())
        .addColumn("stopped_at", "bigint")
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("note", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("drills_started_at_idx").on("drills").column("started_at").execute();
      await db.schema
        .createTable("meta")
        .addColumn("key", "text", (c) => c.primaryKey().notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0002_slo_alerts": {
    async up(db: Kysely<unknown>) {
      // Good/total events per SLO and bucket (a minute, or ten for older backfilled data).
      await db.schema
        .createTable("sli_counts")
        .addColumn("slo_id", "text", (c) => c.notNull())
        .addColumn("start", "bigint", (c) => c.notNull())
        .addColumn("span_ms", "bigint", (c) => c.notNull())
        .addColumn("good", "double precision", (c) => c.notNull())
        .addColumn("total", "double precision", (c) => c.notNull())
        .addPrimaryKeyConstraint("sli_counts_pk", ["slo_id", "start"])
        .execute();
      await db.schema
        .createTable("alert_events")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("alert_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("alert", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alert_events_at_idx").on("alert_events").column("at").execute();
    },
  },
  "0003_incidents": {
    async up(db: Kysely<unknown>) {
      // Lists (services, roles) and snapshots are JSON text; booleans are 0/1 integers.
      await db.schema
        .createTable("incidents")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("number", "bigint", (c) => c.notNull().unique())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("services", "text", (c) => c.notNull())
        .addColumn("drill", "integer", (c) => c.notNull())
        .addColumn("summary", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("detected_at", "bigint", (c) => c.notNull())
        .addColumn("acknowledged_at", "bigint")
        .addColumn("identified_at", "bigint")
        .addColumn("mitigated_at", "bigint")
        .addColumn("resolved_at", "bigint")
        .addColumn("closed_at", "bigint")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("roles", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("incidents_started_at_idx").on("incidents").column("started_at").execute();
      await db.schema.createIndex("incidents_status_idx").on("incidents").columns(["status", "started_at"]).execute();
      await db.schema
        .createTable("timeline_entries")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("occurred_at", "bigint", (c) => c.notNull())
        .addColumn("recorded_at", "bigint", (c) => c.notNull())
        .addColumn("author", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("pinned", "integer", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("snapshot", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("timeline_entries_incident_idx").on("timeline_entries").columns(["incident_id", "occurred_at"]).execute();
      await db.schema
        .createTable("action_items")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id").onDelete("cascade"))
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("due_at", "bigint")
        .addColumn("priority", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("ticket_url", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("action_items_incident_idx").on("action_items").columns(["incident_id", "created_at"]).execute();
      // Incident numbers (INC-1, INC-2 …) come from one counter row, bumped inside the declaring transaction.
      await db.schema
        .createTable("counters")
        .addColumn("name", "text", (c) => c.primaryKey().notNull())
        .addColumn("value", "bigint", (c) => c.notNull())
        .execute();
      await sql`insert into counters (name, value) values ('incident_number', 0)`.execute(db);
    },
  },
  "0004_runbook_checks": {
    async up(db: Kysely<unknown>) {
      // One row per tick or untick; the newest row per (incident, runbook, step) is the step's state.
      await db.schema
        .createTable("runbook_checks")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id").onDelete("cascade"))
        .addColumn("runbook", "text", (c) => c.notNull())
        .addColumn("step_index", "integer", (c) => c.notNull())
        .addColumn("step_text", "text", (c) => c.notNull())
        .addColumn("checked", "integer", (c) => c.notNull())
        .addColumn("checked_by", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("runbook_checks_incident_idx").on("runbook_checks").columns(["incident_id", "runbook", "step_index"]).execute();
    },
  },
  "0005_postmortems_rollups_ingest": {
    async up(db: Kysely<unknown>) {
      // One postmortem per incident; `version` bumps on every save (compare-and-set).
      await db.schema
        .createTable("postmortems")
        .addColumn("incident_id", "text", (c) => c.primaryKey().notNull().references("incidents.id").onDelete("cascade"))
        .addColumn("template", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("impact", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("updated_by", "text", (c) => c.notNull())
        .addColumn("published_at", "bigint")
        .execute();
      // Per service and minute: what postmortem impact numbers are computed from.
      await db.schema
        .createTable("signal_minutes")
        .addColumn("service", "text", (c) => c.notNull())
        .addColumn("start", "bigint", (c) => c.notNull())
        .addColumn("requests", "double precision", (c) => c.notNull())
        .addColumn("errors", "double precision", (c) => c.notNull())
        .addColumn("errors_5xx", "double precision", (c) => c.notNull())
        .addColumn("p99_max", "double precision", (c) => c.notNull())
        .addColumn("error_pct_max", "double precision", (c) => c.notNull())
        .addPrimaryKeyConstraint("signal_minutes_pk", ["service", "start"])
        .execute();
      await db.schema.createIndex("signal_minutes_start_idx").on("signal_minutes").column("start").execute();
      // Pushed samples, idempotent on (service, t): a repeated batch changes nothing.
      await db.schema
        .createTable("ingest_samples")
        .addColumn("service", "text", (c) => c.notNull())
        .addColumn("t", "bigint", (c) => c.notNull())
        .addColumn("interval_ms", "integer", (c) => c.notNull())
        .addColumn("sample", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("ingest_samples_pk", ["service", "t"])
        .execute();
      await db.schema.createIndex("ingest_samples_t_idx").on("ingest_samples").column("t").execute();
    },
  },
  "0006_auth": {
    async up(db: Kysely<unknown>) {
      // Sessions are looked up by the hash of the cookie value; the raw value is never stored.
      await db.schema
        .createTable("auth_sessions")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("groups", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema.createIndex("auth_sessions_subject_idx").on("auth_sessions").column("subject").execute();
      await db.schema.createIndex("auth_sessions_expires_at_idx").on("auth_sessions").column("expires_at").execute();
      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("scopes", "text", (c) => c.notNull())
        .addColumn("secret_hash", "text", (c) => c.notNull().unique())
        .addColumn("prefix", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .addColumn("last_used_at", "bigint")
        .execute();
      await db.schema.createIndex("api_tokens_prefix_idx").on("api_tokens").column("prefix").execute();
      // An autoincrement sequence orders the log (ids are random UUIDs); the DDL for it differs per dialect.
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      await db.schema
        .createTable("audit_log")
        .addColumn("seq", sqlite ? "integer" : "bigserial", (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor_subject", "text", (c) => c.notNull())
        .addColumn("actor_name", "text", (c) => c.notNull())
        .addColumn("role", "text")
        .addColumn("via", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text")
        .addColumn("address", "text")
        .addColumn("result", "integer", (c) => c.notNull())
        .addColumn("detail", "text")
        .execute();
      await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();
      await db.schema.createIndex("audit_log_actor_idx").on("audit_log").columns(["actor_subject", "seq"]).execute();
    },
  },
  "0007_cluster_lease": {
    async up(db: Kysely<unknown>) {
      // One row per lease (lib/cluster/lease.ts): who holds it, its fencing term, and until when (store clock, ms).
      await db.schema
        .createTable("cluster_lease")
        .addColumn("name", "text", (c) => c.primaryKey().notNull())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("term", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0008_timeline_entry_seq": {
    async up(db: Kysely<unknown>) {
      // A store-assigned, strictly increasing number per timeline entry: the timeline's order among
      // entries with the same occurredAt, whichever instance (and clock) wrote them
      // (docs/incidents-contract.md, "Order"). Existing rows are numbered in their current order.
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      await db.schema.alterTable("timeline_entries").addColumn("seq", "bigint", (c) => (sqlite ? c.notNull().defaultTo(0) : c)).execute();
      await sql`update timeline_entries set seq = r.n
        from (select id, row_number() over (order by occurred_at, recorded_at, id) as n from timeline_entries) as r
        where timeline_entries.id = r.id`.execute(db);
      if (sqlite) {
        // One process writes a SQLite store: the next numbers come from a counter row bumped in the
        // inserting transaction (lib/incidents/repo.ts insertEntries), like incident numbers.
        await sql`insert into counters (name, value) select 'timeline_entry_seq', coalesce(max(seq), 0) from timeline_entries`.execute(db);
      } else {
        // PostgreSQL: a sequence, the column's default, so concurrent writers on any instance never wait on one row.
        await sql`create sequence timeline_entries_seq_seq owned by timeline_entries.seq`.execute(db);
        await sql`select setval('timeline_entries_seq_seq', (select coalesce(max(seq), 0) + 1 from timeline_entries), false)`.execute(db);
        await sql`alter table timeline_entries alter column seq set default nextval('timeline_entries_seq_seq'), alter column seq set not null`.execute(db);
      }
      await db.schema.createIndex("timeline_entries_seq_idx").on("timeline_entries").column("seq").unique().execute();
      // A runbook check carries its entry's seq (lib/incidents/runbook-checks-repo.ts), so the newest
      // check of a step does not depend on which instance's clock was ahead.
      await db.schema.alterTable("runbook_checks").addColumn("seq", "bigint", (c) => c.notNull().defaultTo(0)).execute();
      // The write floor (lib/incidents/context.ts writeTime): the newest recordedAt of one incident.
      await db.schema.createIndex("timeline_entries_incident_recorded_idx").on("timeline_entries").columns(["incident_id", "recorded_at"]).execute();
    },
  },
  "0009_incident_impact_start": {
    async up(db: Kysely<unknown>) {
      // The alert an incident was declared from (lib/incidents/alert-links.ts): a second declare from it while the incident is open is refused.
      await db.schema
        .createTable("incident_alerts")
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id").onDelete("cascade"))
        .addColumn("alert_id", "text", (c) => c.notNull())
        .addColumn("linked_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("incident_alerts_pk", ["incident_id", "alert_id"])
        .execute();
      await db.schema.createIndex("incident_alerts_alert_idx").on("incident_alerts").column("alert_id").execute();
    },
  },
  "0010_timeline_edits_idempotency": {
    async up(db: Kysely<unknown>) {
      // Who last changed an entry's body or time, when, and how many times (the "edited" mark).
      await db.schema.alterTable("timeline_entries").addColumn("edited_at", "bigint").execute();
      await db.schema.alterTable("timeline_entries").addColumn("edited_by", "text").execute();
      await db.schema.alterTable("timeline_entries").addColumn("revisions", "integer", (c) => c.notNull().defaultTo(0)).execute();
      // One row per edit: the body and time the edit replaced, who replaced them and when.
      await db.schema
        .createTable("timeline_entry_revisions")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("entry_id", "text", (c) => c.notNull().references("timeline_entries.id").onDelete("cascade"))
        .addColumn("incident_id", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("occurred_at", "bigint", (c) => c.notNull())
        .addColumn("edited_by", "text", (c) => c.notNull())
        .addColumn("edited_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("timeline_entry_revisions_entry_idx").on("timeline_entry_revisions").columns(["entry_id", "version"]).execute();
      // Idempotency-Key (lib/store/idempotency.ts): the answer to the first request with a key,
      // per client; written in the same transaction as what the request wrote.
      await db.schema
        .createTable("idempotency_keys")
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("fingerprint", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("response", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"])
        .execute();
      await db.schema.createIndex("idempotency_keys_created_at_idx").on("idempotency_keys").column("created_at").execute();
    },
  },
  "0011_alert_acks_silences": {
    async up(db: Kysely<unknown>) {
      // lib/alerts/actions-repo.ts: one acknowledgement per alert episode; silences with JSON matchers.
      await db.schema
        .createTable("alert_acks")
        .addColumn("alert_id", "text", (c) => c.notNull())
        .addColumn("active_at", "bigint", (c) => c.notNull())
        .addColumn("acked_by", "text", (c) => c.notNull())
        .addColumn("acked_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("alert_acks_pk", ["alert_id", "active_at"])
        .execute();
      await db.schema
        .createTable("silences")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("matchers", "text", (c) => c.notNull())
        .addColumn("starts_at", "bigint", (c) => c.notNull())
        .addColumn("ends_at", "bigint", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expired_by", "text")
        .execute();
      await db.schema.createIndex("silences_ends_at_idx").on("silences").column("ends_at").execute();
    },
  },
  "0012_gamedays": {
    async up(db: Kysely<unknown>) {
      // Game-day runs (lib/gamedays/repo.ts): the state is one JSON document, rewritten at each change.
      await db.schema
        .createTable("gameday_runs")
        .addColumn("id", "text", (c) => c.primaryKey().notNull())
        .addColumn("plan", "text", (c) => c.notNull())
        .addColumn("incident_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("gameday_runs_plan_idx").on("gameday_runs").columns(["plan", "started_at"]).execute();
      await db.schema.createIndex("gameday_runs_status_idx").on("gameday_runs").column("status").execute();
      await db.schema.createIndex("gameday_runs_incident_idx").on("gameday_runs").column("incident_id").execute();
    },
  },
  "0013_comms": {
    async up(db: Kysely<unknown>) {
      await commsMigration(db);
    },
  },
  "0014_ingest_samples": {
    async up(db: Kysely<unknown>) {
      // Pushed samples, narrower (BENCHMARKS.md "Push ingest"): on SQLite a WITHOUT ROWID table
      // keyed by (t, service), one B-tree per row instead of three, and a request's samples (sorted
      // by t) go in at its right edge instead of into one place per service; retention deletes
      // a range of that key. The sample is packed as float64s (lib/ingest/packed.ts); rows already
      // stored keep their JSON text (as bytes), which decodeSample still reads.
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      await db.schema
        .createTable("ingest_samples_0014")
        .addColumn("service", "text", (c) => c.notNull())
        .addColumn("t", "bigint", (c) => c.notNull())
        .addColumn("interval_ms", "integer", (c) => c.notNull())
        .addColumn("sample", sqlite ? "blob" : "bytea", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("ingest_samples_0014_pk", ["t", "service"])
        .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      const bytes = sqlite ? sql`cast(sample as blob)` : sql`convert_to(sample, 'UTF8')`;
      await sql`insert into ingest_samples_0014 (service, t, interval_ms, sample, received_at) select service, t, interval_ms, ${bytes}, received_at from ingest_samples`.execute(db);
      await db.schema.dropTable("ingest_samples").execute();
      await db.schema.alterTable("ingest_samples_0014").renameTo("ingest_samples").execute();
    },
  },
  "0015_signal_history": {
    async up(db: Kysely<unknown>) {
      // A week of one-minute points of kept (Prometheus- and push-fed) services, the service page's
      // long ranges (lib/signals/minute-store.ts): the values are float64s in SIGNALS order. On
      // SQLite a WITHOUT ROWID table, one B-tree keyed by (service, start), as ingest_samples.
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      await db.schema
        .createTable("signal_history")
        .addColumn("service", "text", (c) => c.notNull())
        .addColumn("start", "bigint", (c) => c.notNull())
        .addColumn("v", sqlite ? "blob" : "bytea", (c) => c.notNull())
        .addPrimaryKeyConstraint("signal_history_pk", ["service", "start"])
        .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      await db.schema.createIndex("signal_history_start_idx").on("signal_history").column("start").execute();
    },
  },
};

export type MigrateOptions = {
  migrations?: Readonly<Record<string, Migration>>;
  /**
   * Postgres only: the schema that holds Kysely's bookkeeping tables. Without it Kysely looks
   * for `kysely_migration` in every schema and may find another deployment's table.
   */
  migrationTableSchema?: string;
};

/** Brings the database to the latest schema; returns the names of the migrations it applied. */
export async function migrateToLatest<DB>(db: Kysely<DB>, opts: MigrateOptions = {}): Promise<string[]> {
  const migrations = opts.migrations ?? MIGRATIONS;
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };
  const migrator = new Migrator({ db, provider, migrationTableSchema: opts.migrationTableSchema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error");
    const what = failed ? `Database migration "${failed.migrationName}" failed` : "Database migrations could not run";
    throw new Error(`${what}: ${describeError(error)}`, { cause: error });
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
