import type { ColumnType, Generated } from "kysely";

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

/** Incidents: services and roles as JSON text, drill as 0/1; `version` bumps on every change. */
export interface IncidentsTable {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  services: string;
  drill: number;
  summary: string;
  started_at: number;
  detected_at: number;
  acknowledged_at: number | null;
  identified_at: number | null;
  mitigated_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
  created_at: number;
  created_by: string;
  roles: string;
  version: number;
  updated_at: number;
}

/** Timeline entries of an incident; `snapshot` is the golden-signal snapshot as JSON. */
export interface TimelineEntriesTable {
  id: string;
  incident_id: string;
  kind: string;
  body: string;
  occurred_at: number;
  recorded_at: number;
  author: string;
  source: string;
  pinned: number;
  version: number;
  snapshot: string;
  /** Store-assigned, strictly increasing (migration 0008): PostgreSQL sequence default, SQLite counter row. */
  seq: Generated<number>;
  /** Migration 0010: the last edit of body or time (null: never edited), and how many there were. */
  edited_at: ColumnType<number | null, number | null | undefined, number | null>;
  edited_by: ColumnType<string | null, string | null | undefined, string | null>;
  revisions: Generated<number>;
}

/** One edit of a timeline entry: what it replaced (migration 0010). */
export interface TimelineEntryRevisionsTable {
  id: string;
  entry_id: string;
  incident_id: string;
  version: number;
  body: string;
  occurred_at: number;
  edited_by: string;
  edited_at: number;
}

/** The first answer to a request with an Idempotency-Key, per client (migration 0010). */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  fingerprint: string;
  status: number;
  response: string;
  created_at: number;
}

export interface ActionItemsTable {
  id: string;
  incident_id: string;
  title: string;
  owner: string;
  due_at: number | null;
  priority: string;
  type: string;
  status: string;
  ticket_url: string | null;
  created_at: number;
  created_by: string;
  version: number;
}

/** Runbook steps ticked or unticked during an incident; the newest row per step is its state. */
/** The alert an incident was declared from (migration 0009). */
export interface IncidentAlertsTable {
  incident_id: string;
  alert_id: string;
  linked_at: number;
}

export interface RunbookChecksTable {
  id: string;
  incident_id: string;
  runbook: string;
  step_index: number;
  step_text: string;
  checked: number;
  checked_by: string;
  at: number;
  /** The `seq` of the check's timeline entry (0 for checks made before migration 0008): orders checks with the same `at`. */
  seq: Generated<number>;
}

/** The postmortem of an incident: Markdown body, review status, the impact numbers (JSON) it was drafted with. */
export interface PostmortemsTable {
  incident_id: string;
  template: string;
  status: string;
  body: string;
  impact: string;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  published_at: number | null;
}

/** One service's traffic, errors and peaks over [start, start + 1 min). */
export interface SignalMinutesTable {
  service: string;
  start: number;
  requests: number;
  errors: number;
  errors_5xx: number;
  p99_max: number;
  error_pct_max: number;
}

/** A kept service's one-minute point (lib/signals/minute-store.ts): `v` is its values as float64s in SIGNALS order. */
export interface SignalHistoryTable {
  service: string;
  start: number;
  v: Uint8Array;
}

/** A pushed sample (POST /api/v1/ingest, /api/v1/write), packed in `sample` (lib/ingest/packed.ts). */
export interface IngestSamplesTable {
  service: string;
  t: number;
  interval_ms: number;
  sample: Uint8Array;
  received_at: number;
}

/** Named monotonic counters (incident numbers). */
export interface CountersTable {
  name: string;
  value: number;
}

/** A signed-in browser session; `id` is the SHA-256 of the cookie value, which is never stored. */
export interface AuthSessionsTable {
  id: string;
  subject: string;
  name: string;
  email: string | null;
  /** One of ROLES (lib/auth/policy.ts); checked when read back. */
  role: string;
  /** The identity provider's groups at sign-in, JSON array. */
  groups: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end, however active the session is. */
  expires_at: number;
  revoked_at: number | null;
}

/** Machine API tokens; only the SHA-256 of the secret is kept, `prefix` is the id part shown in lists. */
export interface ApiTokensTable {
  id: string;
  name: string;
  /** JSON array of TOKEN_SCOPES. */
  scopes: string;
  secret_hash: string;
  prefix: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Append-only record of every write: who, how, what, the HTTP status. `seq` orders it. */
export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor_subject: string;
  actor_name: string;
  role: string | null;
  via: string;
  action: string;
  target: string | null;
  address: string | null;
  result: number;
  /** JSON object with secrets redacted, or null. */
  detail: string | null;
}

/** lib/cluster/lease.ts: the leader lease (and a single instance's claim on a PostgreSQL store). */
export interface ClusterLeaseTable {
  name: string;
  holder: string;
  /** "cluster" (with REDIS_URL) or "single". */
  mode: string;
  /** Fencing token: grows by one at every change of holder. */
  term: number;
  /** Store clock, epoch ms. */
  expires_at: number;
}

import type { NotificationEventsTable, NotificationDeliveriesTable, StatusUpdatesTable, StatusOverridesTable, StatusSubscribersTable } from "./schema-comms";
export type { NotificationEventsTable, NotificationDeliveriesTable, StatusUpdatesTable, StatusOverridesTable, StatusSubscribersTable } from "./schema-comms";

/** lib/alerts/actions-repo.ts: who acknowledged an alert episode (alert id + its activeAt). */
export interface AlertAcksTable {
  alert_id: string;
  active_at: number;
  acked_by: string;
  acked_at: number;
}

/** lib/alerts/actions-repo.ts: silences; `matchers` is JSON text, `ends_at` moves to the expiry time. */
export interface SilencesTable {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
  expired_by: string | null;
}

/** lib/gamedays/repo.ts: game-day runs, the state as JSON (lib/gamedays/model.ts RunSchema). */
export interface GamedayRunsTable {
  id: string;
  plan: string;
  /** The run's drill incident. */
  incident_id: string;
  /** running, completed or stopped. */
  status: string;
  started_at: number;
  ended_at: number | null;
  state: string;
  version: number;
}

export interface Database {
  drills: DrillsTable;
  meta: MetaTable;
  sli_counts: SliCountsTable;
  alert_events: AlertEventsTable;
  incidents: IncidentsTable;
  timeline_entries: TimelineEntriesTable;
  action_items: ActionItemsTable;
  counters: CountersTable;
  runbook_checks: RunbookChecksTable;
  postmortems: PostmortemsTable;
  signal_minutes: SignalMinutesTable;
  signal_history: SignalHistoryTable;
  ingest_samples: IngestSamplesTable;
  auth_sessions: AuthSessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  cluster_lease: ClusterLeaseTable;
  notification_events: NotificationEventsTable;
  notification_deliveries: NotificationDeliveriesTable;
  status_updates: StatusUpdatesTable;
  status_overrides: StatusOverridesTable;
  status_subscribers: StatusSubscribersTable;

  timeline_entry_revisions: TimelineEntryRevisionsTable;
  idempotency_keys: IdempotencyKeysTable;
  alert_acks: AlertAcksTable;
  silences: SilencesTable;
  gameday_runs: GamedayRunsTable;
  incident_alerts: IncidentAlertsTable;
}
