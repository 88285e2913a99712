import { z } from "zod";
import { SIGNALS, SignalNameSchema, type SignalName } from "../../signals/types";

/** Same rule as service ids in lib/config/schema.ts (not exported there). */
const SERVICE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Prometheus label and metric names. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A PromQL range duration such as `1m`, `30s`, `1h30m`. */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

const promql = z.string().trim().min(1, "a PromQL query must not be empty").max(10_000, "a PromQL query is at most 10000 characters");
const labelName = (what: string) => z.string().regex(LABEL_NAME, `${what} must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
const metricName = (what: string) => z.string().regex(METRIC_NAME, `${what} must be a Prometheus metric name`);

/** PromQL per signal; any subset may be given. */
export const SignalQueriesSchema = z.partialRecord(SignalNameSchema, promql);

/** Metric and label names the default queries are built from (the SimExporter's names by default). */
export const PrometheusMetricsSchema = z
  .object({
    /** Counter of requests with a status-code label. */
    requests: metricName("metrics.requests").default("http_requests_total"),
    /** Histogram of request durations in seconds (`_bucket`, `_count` are appended). */
    duration: metricName("metrics.duration").default("http_request_duration_seconds"),
    /** Gauges in 0–1; the default queries multiply by 100. */
    cpu: metricName("metrics.cpu").default("process_cpu_usage_ratio"),
    memory: metricName("metrics.memory").default("process_memory_usage_ratio"),
    pool: metricName("metrics.pool").default("db_pool_usage_ratio"),
    /** Label holding the HTTP status code on `requests`. */
    codeLabel: labelName("metrics.codeLabel").default("code"),
    /** Codes counted in errorPct (RE2 regex, fully anchored by Prometheus). */
    errorCodes: z.string().min(1).max(200).default("5..|429"),
    /** Codes counted in error5xxPct. */
    error5xxCodes: z.string().min(1).max(200).default("5.."),
  })
  .strict();

/** Where a secret comes from: a file (trailing newline dropped) or an environment variable. Exactly one. */
export const SecretRefSchema = z
  .object({
    file: z.string().min(1).max(1000).optional(),
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env must be an environment variable name").optional(),
  })
  .strict()
  .refine((r) => (r.file === undefined) !== (r.env === undefined), "give exactly one of file or env");
export type SecretRef = z.output<typeof SecretRefSchema>;

export const BasicAuthSchema = z
  .object({
    username: z.string().min(1).max(200),
    passwordFile: z.string().min(1).max(1000).optional(),
    passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "passwordEnv must be an environment variable name").optional(),
  })
  .strict()
  .refine((b) => (b.passwordFile === undefined) !== (b.passwordEnv === undefined), "give exactly one of passwordFile or passwordEnv");

export const TlsSchema = z
  .object({
    /** PEM bundle of the CAs that sign the server's certificate (default: Node's built-in roots). */
    caFile: z.string().min(1).max(1000).optional(),
    /** Client certificate and key (PEM) for mutual TLS; both or neither. */
    certFile: z.string().min(1).max(1000).optional(),
    keyFile: z.string().min(1).max(1000).optional(),
    /** Name checked against the server certificate (default: the URL's host). */
    serverName: z.string().min(1).max(253).optional(),
    /** Skips certificate verification. Off by default; for test rigs only. */
    insecureSkipVerify: z.boolean().default(false),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), "certFile and keyFile go together");

function hasUserInfo(u: string): boolean {
  try {
    const url = new URL(u);
    return url.username !== "" || url.password !== "";
  } catch {
    return false;
  }
}

export const PrometheusSourceSchema = z
  .object({
    kind: z.literal("prometheus"),
    /** Base URL of the Prometheus (or compatible) HTTP API, e.g. http://prometheus:9090 or https://host/prometheus. */
    url: z
      .url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" })
      // Credentials in the URL would be shown wherever the URL is (health, logs): they go in basicAuth.
      .refine((u) => !hasUserInfo(u), "url must not carry credentials (user:password@); use basicAuth with passwordFile or passwordEnv"),
    /** Label that carries the service id in every default query (`by (<serviceLabel>)`). */
    serviceLabel: labelName("serviceLabel").default("service"),
    /** Per HTTP attempt, including reading the body. */
    timeoutMs: z.number().int().min(50).max(60_000).default(3000),
    /** Extra attempts after a transient failure (full-jitter exponential backoff). */
    retries: z.number().int().min(0).max(5).default(2),
    /**
     * How often Prometheus scrapes the services (as Grafana's Prometheus data source asks): the
     * start-up backfill asks for the live window at this step, not per tick, since finer points
     * carry nothing the scrapes did not (and cost Prometheus one evaluation each).
     */
    scrapeInterval: z.string().regex(DURATION, "scrapeInterval must be a Prometheus duration such as 15s").default("15s"),
    /**
     * How often live ticks ask Prometheus (ticks in between hold the last answer, as the
     * backfilled window holds each scrape): `auto` asks at every tick while a sample takes
     * under a third of a second, and less often as it gets slower — a third of the time at most
     * is spent asking (a sample that takes 800 ms is asked every 3 s) — but never less often
     * than `scrapeInterval`. A duration asks exactly that often (at most once a tick).
     */
    queryInterval: z.union([z.literal("auto"), z.string().regex(DURATION, 'queryInterval must be "auto" or a Prometheus duration such as 5s')]).default("auto"),
    /**
     * Start-up backfill (range queries, which take Prometheus far longer than a tick's instant
     * queries at a large estate): its own per-attempt timeout, its own circuit breaker (a slow
     * backfill never opens the live ticks' breaker) and at most `concurrency` queries at once.
     */
    backfill: z
      .object({
        timeoutMs: z.number().int().min(50).max(600_000).default(30_000),
        concurrency: z.number().int().min(1).max(64).default(2),
      })
      .strict()
      .default({ timeoutMs: 30_000, concurrency: 2 }),
    /** Range used inside rate() of the default queries. */
    rateWindow: z.string().regex(DURATION, "rateWindow must be a Prometheus duration such as 1m").default("1m"),
    /** Largest response body read, in bytes; larger answers are an error. */
    maxResponseBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
    /** Circuit breaker: opens after `failures` consecutive failed queries of any kind (unreachable, error body, over the size cap, garbage), tries again after `halfOpenAfterMs`. */
    breaker: z
      .object({
        failures: z.number().int().min(1).max(1000).default(5),
        halfOpenAfterMs: z.number().int().min(10).max(600_000).default(10_000),
      })
      .strict()
      .default({ failures: 5, halfOpenAfterMs: 10_000 }),
    /** HTTP basic auth; the password comes from a file or an environment variable, never the config. */
    basicAuth: BasicAuthSchema.optional(),
    /** `Authorization: Bearer <token>`, the token from a file or an environment variable. */
    bearerToken: SecretRefSchema.optional(),
    /** TLS for https:// URLs (as Prometheus' own tls_config). */
    tls: TlsSchema.optional(),
    /** Extra request headers (e.g. X-Scope-OrgID). Never logged or reported. */
    headers: z.record(z.string().min(1).max(100), z.string().max(4096)).optional(),
    metrics: PrometheusMetricsSchema.default(PrometheusMetricsSchema.parse({})),
    /** Replace the default query of a signal; must aggregate `by (<serviceLabel>)`. */
    queries: SignalQueriesSchema.optional(),
    /** Per service id: queries for that one service (no `by`), each returning a single series. */
    services: z.record(z.string().regex(SERVICE_ID, "service ids are lower-case letters, digits and dashes"), SignalQueriesSchema).optional(),
  })
  .strict();

export type PrometheusSourceConfig = z.output<typeof PrometheusSourceSchema>;
export type PrometheusSourceInput = z.input<typeof PrometheusSourceSchema>;

/**
 * The default PromQL per signal: one query each, aggregated over all services
 * `by (<serviceLabel>)`. Latency in ms, errors and saturation in percent.
 */
export function defaultQueries(cfg: Pick<PrometheusSourceConfig, "serviceLabel" | "rateWindow" | "metrics">): Record<SignalName, string> {
  const s = cfg.serviceLabel;
  const w = cfg.rateWindow;
  const m = cfg.metrics;
  const reqRate = (matcher = "") => `sum by (${s}) (rate(${m.requests}${matcher}[${w}]))`;
  const ratio = (codes: string) => `100 * ${reqRate(`{${m.codeLabel}=~"${escapeString(codes)}"}`)} / ${reqRate()}`;
  const quantile = (q: number) => `1000 * histogram_quantile(${q}, ${latencyBucketsQuery(cfg)})`;
  const gauge = (name: string) => `100 * avg by (${s}) (${name})`;
  return {
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
    p999: quantile(0.999),
    rps: reqRate(),
    errorPct: ratio(m.errorCodes),
    error5xxPct: ratio(m.error5xxCodes),
    cpuPct: gauge(m.cpu),
    memPct: gauge(m.memory),
    poolPct: gauge(m.pool),
  };
}

/** The quantile each latency signal is (its default query is `1000 * histogram_quantile(q, <buckets>)`). */
export const LATENCY_QUANTILES = { p50: 0.5, p95: 0.95, p99: 0.99, p999: 0.999 } as const satisfies Partial<Record<SignalName, number>>;
export type LatencySignal = keyof typeof LATENCY_QUANTILES;

/**
 * The bucket rates every default latency query aggregates: `sum by (<serviceLabel>, le)`, with
 * an optional extra matcher (`service=~"a|b"`, when the answer is asked for in groups of services).
 */
export function latencyBucketsQuery(cfg: Pick<PrometheusSourceConfig, "serviceLabel" | "rateWindow" | "metrics">, matcher?: string): string {
  const sel = matcher ? `{${matcher}}` : "";
  return `sum by (${cfg.serviceLabel}, le) (rate(${cfg.metrics.duration}_bucket${sel}[${cfg.rateWindow}]))`;
}

/** The latency signals whose query is the default one (not replaced under `queries`): these come from one bucket query. */
export function defaultLatencySignals(cfg: PrometheusSourceConfig): LatencySignal[] {
  return (Object.keys(LATENCY_QUANTILES) as LatencySignal[]).filter((name) => !cfg.queries?.[name]);
}

/** The query of every signal: defaults with `queries` overrides applied. */
export function effectiveQueries(cfg: PrometheusSourceConfig): Record<SignalName, string> {
  const out = defaultQueries(cfg);
  for (const name of SIGNALS) {
    const q = cfg.queries?.[name];
    if (q) out[name] = q;
  }
  return out;
}

/** A string as a PromQL double-quoted string literal body. */
export function escapeString(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
