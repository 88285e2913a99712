import { z } from "zod";
import { DrillEffectSchema } from "../drills/types";
import { SIGNALS, SIGNAL_STATES, SignalNameSchema, ThresholdSchema, ThresholdsSchema, type SignalName } from "./types";

/**
 * What the signals domain sends: the service list, points, columnar series, and the `board` and
 * `service:<id>` channel payloads. The API, the WebSocket, the OpenAPI document and the browser
 * share these schemas; the types below are inferred from them.
 */

export const ServiceInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    team: z.string().optional(),
    description: z.string().optional(),
    dependsOn: z.array(z.string()),
    thresholds: ThresholdsSchema,
    /** What feeds the service: simulator, prometheus or push (lib/sources/config.ts). */
    source: z.enum(["simulator", "prometheus", "push"]).optional(),
  })
  .meta({ description: "A monitored service with its thresholds per signal" });
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;
export const ServiceListSchema = z.object({ services: z.array(ServiceInfoSchema) });

const signalColumns = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(SIGNALS.map((s) => [s, value])) as Record<SignalName, T>);

/** Signal values without the timestamp. */
export const PointValuesSchema = signalColumns(z.number());
export type PointValues = z.infer<typeof PointValuesSchema>;

/** Columnar series: `t` and each signal are arrays of equal length. */
export const SeriesSchema = signalColumns(z.array(z.number()))
  .extend({ t: z.array(z.number()) })
  .meta({ description: "Columnar series: `t` (epoch ms) and one array per signal, all of equal length" });
export type Series = z.infer<typeof SeriesSchema>;

export const SignalStateSchema = z.enum(SIGNAL_STATES);
export const ServiceStatesSchema = z.object({ state: SignalStateSchema, signals: z.record(SignalNameSchema, SignalStateSchema) });

/** The metric source's state, shown on the board (the simulator, Prometheus …). */
const SourceStateSchema = z.enum(["ok", "degraded", "down"]);

export const SourceStatusSchema = z.object({
  kind: z.string(),
  state: SourceStateSchema,
  error: z.string().optional(),
  lastSuccessAt: z.number().nullable(),
  /** With services fed by more than one source: each source, the services it feeds (lib/sources/set.ts). */
  sources: z
    .array(z.object({ kind: z.string(), state: SourceStateSchema, error: z.string().optional(), lastSuccessAt: z.number().nullable(), services: z.number() }))
    .optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const SparkSchema = z.object({ t: z.array(z.number()), p99: z.array(z.number()), rps: z.array(z.number()), errorPct: z.array(z.number()) });
export type Spark = z.infer<typeof SparkSchema>;

/**
 * A sparkline as the board snapshot sends it: `dt` holds the first time (epoch ms) and then the gap to
 * each next point (1000, 1000 …: a fifth of the bytes of whole timestamps); values at 3 significant digits.
 */
export const PackedSparkSchema = z.object({ dt: z.array(z.number()), p99: z.array(z.number()), rps: z.array(z.number()), errorPct: z.array(z.number()) });
export type PackedSpark = z.infer<typeof PackedSparkSchema>;

/** A service in the board snapshot: `thresholds` only where they differ from the snapshot's `thresholds`. */
export const BoardServiceSchema = ServiceInfoSchema.extend({ thresholds: ThresholdsSchema.optional() });

/** One headline figure of the banner: its value and state, and the service (and signal) it comes from. */
export const BoardHeadlineSchema = z.object({
  value: z.number(),
  state: SignalStateSchema,
  signal: SignalNameSchema,
  serviceId: z.string().optional(),
  threshold: ThresholdSchema.optional(),
});
export type BoardHeadline = z.infer<typeof BoardHeadlineSchema>;

/**
 * The banner's aggregates over every service, computed on the server (lib/signals/summary.ts) so a
 * viewer of 1,000 services gets them without the 1,000 points. Services whose newest point is older
 * than two of their own update intervals (lib/signals/freshness.ts) count as `unknown`.
 */
export const BoardSummarySchema = z.object({
  status: z.enum(["HEALTHY", "DEGRADED", "CRITICAL", "UNKNOWN"]),
  services: z.number(),
  counts: z.object({ ok: z.number(), warn: z.number(), critical: z.number(), unknown: z.number() }),
  worstP99: BoardHeadlineSchema.nullable(),
  errorRate: BoardHeadlineSchema.nullable(),
  throughput: z.number().nullable(),
  saturation: BoardHeadlineSchema.nullable(),
  /** Services that have data but whose newest point is older than their staleness bound (lib/signals/freshness.ts): their tiles say STALE. */
  stale: z.array(z.string()).optional(),
});
export type BoardSummary = z.infer<typeof BoardSummarySchema>;

/** `board` snapshot. `spark` holds the last 2 minutes of p99, rps and errorPct per service (thinned for large estates). */
export const BoardSnapshotSchema = z.object({
  title: z.string(),
  tickMs: z.number(),
  /** The thresholds most services have (the config defaults); a service without its own has these. */
  thresholds: ThresholdsSchema,
  services: z.array(BoardServiceSchema),
  latest: z.record(z.string(), PointValuesSchema.nullable()),
  spark: z.record(z.string(), PackedSparkSchema),
  drills: z.array(DrillEffectSchema),
  source: SourceStatusSchema,
  summary: BoardSummarySchema.optional(),
});
export type BoardSnapshot = z.infer<typeof BoardSnapshotSchema>;

/** GET /api/v1/board and the page's first board: the snapshot and the `board` channel position it includes. */
export const BoardFrameSchema = z.object({ epoch: z.string(), seq: z.number(), data: BoardSnapshotSchema });
export type BoardFrame = z.infer<typeof BoardFrameSchema>;

/**
 * `board` event `tick` (docs/protocol.md): only what changed since the previous tick on the channel.
 * `points` holds, per service whose values moved at display precision (3 significant digits), only the
 * signals that moved; a service sampled at `t` but absent from `points` still holds its values.
 * `partial`: only the services in `points` were sampled at `t` (push ingest); otherwise every service
 * was, except those in `absent`. `summary`: the banner's aggregates after this tick.
 */
export const BoardTickSchema = z.object({
  t: z.number(),
  points: z.record(z.string(), PointValuesSchema.partial()),
  partial: z.boolean().optional(),
  absent: z.array(z.string()).optional(),
  summary: BoardSummarySchema.optional(),
});
export type BoardTick = z.infer<typeof BoardTickSchema>;

/** `board` and `service:<id>` event `drills`: the active and recent drills changed. */
export const BoardDrillsSchema = z.object({ drills: z.array(DrillEffectSchema) });
export type BoardDrills = z.infer<typeof BoardDrillsSchema>;

/** `service:<id>` snapshot: the service, its last 15 minutes at 1 s, its drills. */
export const ServiceSnapshotSchema = z.object({ service: ServiceInfoSchema, series: SeriesSchema, drills: z.array(DrillEffectSchema) });
export type ServiceSnapshot = z.infer<typeof ServiceSnapshotSchema>;

/** `service:<id>` event `tick`. */
export const ServiceTickSchema = z.object({ t: z.number(), point: PointValuesSchema });
export type ServiceTick = z.infer<typeof ServiceTickSchema>;

/** GET /api/v1/services/{id}: the service, its newest point (rounded) and its states. */
export const ServiceDetailSchema = z.object({
  service: ServiceInfoSchema,
  latest: PointValuesSchema.extend({ t: z.number() }).nullable(),
  /** Null without a point, and while stale: old values have no state (the board greys them, STALE). */
  state: ServiceStatesSchema.nullable(),
  /** The board's rule (lib/signals/freshness.ts): no point yet, the newest older than two update intervals, or its source down. */
  stale: z.boolean(),
});

/** GET /api/v1/services/{id}/signals. */
export const SignalHistorySchema = z.object({ serviceId: z.string(), from: z.number(), to: z.number(), step: z.number(), series: SeriesSchema });
