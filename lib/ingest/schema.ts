import { z } from "zod";

/**
 * Push ingest (docs/api.md "Push ingest"): batches of samples per service and interval, POST /api/v1/ingest.
 * Counts are over the interval that ENDS at `t`; latency comes as histogram buckets or as
 * quantiles; saturation gauges are percentages. The contract is in docs/api.md.
 */

export const MAX_SAMPLES_PER_BATCH = 10_000;
/** Samples may be at most this far ahead of the server clock (clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;
/** …and at most this old: older data is a backfill, which push ingest does not do. */
export const MAX_AGE_MS = 24 * 3600_000;

const count = (what: string) =>
  z.number({ error: `${what} must be a number` }).finite(`${what} must be finite`).min(0, `${what} must not be negative`).max(1e12, `${what} is implausibly large`);
const pct = (what: string) => z.number({ error: `${what} must be a number` }).finite().min(0, `${what} must be 0–100`).max(100, `${what} must be 0–100`);
const ms = (what: string) => z.number({ error: `${what} must be a number` }).finite(`${what} must be finite`).min(0, `${what} must not be negative`).max(3_600_000, `${what} must be at most one hour`);

const BucketSchema = z
  .object({
    /** Upper bound in milliseconds, or "+Inf" for the last bucket. */
    leMs: z.union([z.number().finite().positive("leMs must be positive"), z.literal("+Inf")], { error: 'leMs must be a positive number or "+Inf"' }),
    /** Cumulative count of requests at or below leMs (as in Prometheus histograms). */
    count: count("count"),
  })
  .strict();

const QuantilesSchema = z
  .object({ p50Ms: ms("p50Ms"), p95Ms: ms("p95Ms"), p99Ms: ms("p99Ms"), p999Ms: ms("p999Ms").optional() })
  .strict()
  .refine((q) => q.p50Ms <= q.p95Ms && q.p95Ms <= q.p99Ms && (q.p999Ms === undefined || q.p99Ms <= q.p999Ms), { message: "quantiles must not decrease (p50 ≤ p95 ≤ p99 ≤ p99.9)" });

const LatencySchema = z.union(
  [
    z.object({ buckets: z.array(BucketSchema).min(2, "at least two buckets").max(100, "at most 100 buckets") }).strict(),
    z.object({ quantiles: QuantilesSchema }).strict(),
  ],
  { error: "latency needs either buckets [{leMs, count}] or quantiles {p50Ms, p95Ms, p99Ms}" },
);

export const SampleSchema = z
  .object({
    service: z.string({ error: "service is required" }).min(1).max(63),
    /** End of the interval: epoch milliseconds or an RFC 3339 time. */
    t: z.union([z.number().int("t must be whole epoch milliseconds").positive(), z.iso.datetime({ offset: true, error: "t must be epoch ms or an RFC 3339 time" })]),
    intervalSeconds: z.number({ error: "intervalSeconds is required" }).int("intervalSeconds must be whole seconds").min(1).max(3600),
    requests: count("requests"),
    errors: count("errors"),
    errors5xx: count("errors5xx").default(0),
    latency: LatencySchema.optional(),
    saturation: z.object({ cpuPct: pct("cpuPct").optional(), memPct: pct("memPct").optional(), poolPct: pct("poolPct").optional() }).strict().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.errors > s.requests) ctx.addIssue({ code: "custom", path: ["errors"], message: "errors must not exceed requests" });
    if (s.errors5xx > s.errors) ctx.addIssue({ code: "custom", path: ["errors5xx"], message: "errors5xx must not exceed errors (5xx responses are errors)" });
    if (s.latency && "buckets" in s.latency && Array.isArray(s.latency.buckets)) {
      const b = s.latency.buckets;
      // Zod runs this refinement even when the array already failed its own checks (e.g. empty).
      if (b.length < 2 || b.some((x) => typeof x !== "object" || x === null)) return;
      for (let i = 1; i < b.length; i++) {
        const prev = b[i - 1];
        const cur = b[i];
        if (prev.leMs === "+Inf" || (cur.leMs !== "+Inf" && cur.leMs <= prev.leMs)) {
          ctx.addIssue({ code: "custom", path: ["latency", "buckets", i, "leMs"], message: "bucket bounds must increase, with +Inf last" });
          return;
        }
        if (cur.count < prev.count) {
          ctx.addIssue({ code: "custom", path: ["latency", "buckets", i, "count"], message: "bucket counts are cumulative and must not decrease" });
          return;
        }
      }
      if (b[b.length - 1].leMs !== "+Inf") ctx.addIssue({ code: "custom", path: ["latency", "buckets"], message: 'the last bucket must be "+Inf"' });
    }
  });
export type Sample = z.output<typeof SampleSchema>;

export const BatchSchema = z
  .object({
    samples: z.array(z.unknown()).min(1, "samples must not be empty").max(MAX_SAMPLES_PER_BATCH, `at most ${MAX_SAMPLES_PER_BATCH} samples per batch`),
  })
  .strict();

/** The batch as the OpenAPI document describes it: the route checks each sample on its own so every problem is listed. */
export const DocumentedBatchSchema = BatchSchema.extend({ samples: z.array(SampleSchema).min(1).max(MAX_SAMPLES_PER_BATCH) });

/** The answer of POST /api/v1/ingest. */
export const IngestResultSchema = z.object({ accepted: z.number().int(), duplicates: z.number().int(), late: z.number().int() });
