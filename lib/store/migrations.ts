import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { describeError } from "./errors";

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
