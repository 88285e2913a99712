import type { MetricSource } from "./types";
import type { SourceStatus } from "../signals/contract";
import { SIGNALS, type SignalName, type SignalValues } from "../signals/types";
import type { Sli } from "../slo/schema";
import type { Counts } from "../slo/math";
import { PrometheusClient, type PrometheusClientStats } from "./prometheus/client";
import {
  LATENCY_QUANTILES,
  PrometheusSourceSchema,
  defaultLatencySignals,
  effectiveQueries,
  escapeString,
  latencyBucketsQuery,
  type LatencySignal,
  type PrometheusSourceConfig,
  type PrometheusSourceInput,
} from "./prometheus/config";
import { histogramQuantiles, parseLe, type Bucket } from "./prometheus/quantile";
import { SourceError } from "./prometheus/errors";
import { resolveAuth, type ResolvedAuth } from "./prometheus/auth";
import type { QueryResult } from "./prometheus/response";
import { parseDuration } from "../alerts/duration";

export { PrometheusSourceSchema, defaultQueries, effectiveQueries, type PrometheusSourceConfig, type PrometheusSourceInput } from "./prometheus/config";
export { SourceError } from "./prometheus/errors";
export { PrometheusClient, type BreakerState, type PrometheusClientStats } from "./prometheus/client";
export { parseSampleValue, type QueryResult, type Series } from "./prometheus/response";

/** Prometheus refuses more than 11,000 points per series; stay clear of it. */
export const MAX_POINTS_PER_QUERY = 10_000;
/**
 * Points (series × steps) one range answer may hold: about 35 bytes each in Prometheus' JSON, so
 * well inside the default 8 MiB response cap. A backfill of 1,000 services in one query per
 * signal asked for 6 hours of minutes (360,000 points) and was refused at the cap.
 */
export const POINTS_PER_RESPONSE = 150_000;
/** Services one grouped SLO-count query selects (`service=~"a|b|…"`): the rest go in further queries. */
export const SERVICES_PER_COUNT_QUERY = 250;
/**
 * Series one answer of the bucket rates may hold (instant: ~85 bytes each in Prometheus' JSON,
 * about 4 MB). An estate with more services × buckets ticks with the four quantile queries
 * (instantLatency) and backfills its live window in groups of services. At 5,000 services of 20
 * buckets one answer would be ~8.5 MB, over the default 8 MiB cap.
 */
export const SERIES_PER_BUCKET_QUERY = 50_000;
/** An estate whose services would fit one bucket answer even at this many buckets each is asked at once, without counting its buckets first. */
const BUCKETS_ALWAYS_FIT = 64;
/** A count of the histogram's bounds that failed or found none is asked again after this long. */
const PROBE_RETRY_MS = 60_000;

/** One SLO's SLI on one service, as the grouped SLO backfill asks for it. */
export type SliOfService = { sli: Sli; service: string };
export type SpanCounts = { t: number; good: number; total: number };

export type PrometheusSourceOptions = {
  /** The `source:` block of the config (parsed with PrometheusSourceSchema here). */
  config: PrometheusSourceInput;
  /** When given, only these service ids are returned (others in the results are ignored). */
  serviceIds?: Iterable<string>;
  /** Retry backoff bounds, for tests. */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Credentials and TLS already read (lib/sources/prometheus/auth.ts); by default read here from the settings. */
  auth?: ResolvedAuth;
};

export type PrometheusSourceStats = PrometheusClientStats & {
  state: SourceStatus["state"];
  lastSuccessAt: number | null;
  /** Queries one sampleAll sends: one per signal (one for the four default percentiles when every service's buckets fit one answer) plus one per per-service override. */
  queriesPerSample: number;
  /** Values that were NaN/±Inf (or missing because their query failed) and were replaced. */
  replacedValues: number;
  /** Live samples that asked Prometheus, and ones that held the last answer (config `queryInterval`). */
  liveQueries: number;
  heldSamples: number;
  /** How long the last live sample took to answer (ms), and how long its answer is held (ms; 0: the next tick asks again). */
  lastQueryMs: number | null;
  queryEveryMs: number;
};

/**
 * One query of a sample: a signal for all services, a signal for one service (override), or the
 * bucket rates behind the default latency signals (`buckets`) for `services` services at once.
 */
type Job = { signals: readonly SignalName[]; expr: string; service?: string; buckets?: { services: number } };
/** How latency is asked for: the bucket rates (ticks: one query, percentiles computed here) or one `histogram_quantile` per signal (long ranges: 4 series a service instead of one per bucket). */
type Latency = "buckets" | "quantiles";

/**
 * Golden signals from Prometheus: one instant query per signal for all services (`by (service)`),
 * plus one per per-service override, all in parallel. The four default latency signals share one
 * query, the bucket rates `sum by (service, le)`, and their percentiles are computed here exactly
 * as `histogram_quantile` computes them (lib/sources/prometheus/quantile.ts): Prometheus
 * aggregates the bucket series once a tick instead of four times (up to SERIES_PER_BUCKET_QUERY
 * bucket series; a larger estate ticks with the four quantile queries).
 *
 * Missing data: a service is present when any signal's result names it. A present service
 * without a value for a signal (no series, NaN, ±Inf) gets 0 for it — no series means no events
 * for counters, and no requests means no latency. When some queries fail but others succeed, the
 * failed signals keep each service's last value (0 if none) and status() is `degraded`. When all
 * fail, sampleAll rejects with a SourceError and status() is `down`.
 */
export class PrometheusSource implements MetricSource {
  readonly kind = "prometheus";
  readonly config: PrometheusSourceConfig;
  private readonly client: PrometheusClient;
  /** Range queries of the start-up backfill: own timeout, breaker and concurrency (config `backfill`). */
  private readonly backfillClient: PrometheusClient;
  private readonly scrapeMs: number;
  private readonly queries: Record<SignalName, string>;
  private readonly only: ReadonlySet<string> | null;
  private readonly last = new Map<string, SignalValues>();
  private lastSuccessAt: number | null = null;
  private state: SourceStatus["state"] = "ok";
  private error: string | undefined;
  private replaced = 0;
  /** Buckets per service (at most), from Prometheus' count of bounds or the answers seen; null until known. */
  private buckets: number | null = null;
  /** No count of bounds is asked for before this (epoch ms): one that failed or found no histogram is not repeated every tick. */
  private probeAfter = 0;
  /** Fixed query interval (ms) from `queryInterval`, or null for `auto`. */
  private readonly fixedEveryMs: number | null;
  /** The last live answer (values or the error), when it was asked for and until when it holds. */
  private held: { t: number; until: number; out?: Record<string, SignalValues>; err?: unknown } | null = null;
  private liveQueries = 0;
  private heldSamples = 0;
  private lastQueryMs: number | null = null;
  /** Settles when the live sample in flight has its answer; null when none is. Range queries wait for it. */
  private liveInFlight: Promise<void> | null = null;
  /** Range queries sent and not answered, and backfill workers waiting for a slot (rangeQuery). */
  private rangesInFlight = 0;
  private readonly rangeWaiters: (() => void)[] = [];

  constructor(opts: PrometheusSourceOptions) {
    this.config = PrometheusSourceSchema.parse(opts.config);
    this.queries = effectiveQueries(this.config);
    this.only = opts.serviceIds ? new Set(opts.serviceIds) : null;
    let auth = opts.auth;
    if (!auth) {
      const r = resolveAuth(this.config, "prometheus");
      if (r.problems.length > 0) throw new SourceError(r.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
      auth = r.auth;
    }
    this.client = new PrometheusClient({ ...this.config, backoff: opts.backoff, auth });
    this.backfillClient = new PrometheusClient({ ...this.config, timeoutMs: this.config.backfill.timeoutMs, concurrency: this.config.backfill.concurrency, backoff: opts.backoff, auth });
    this.scrapeMs = parseDuration(this.config.scrapeInterval);
    this.fixedEveryMs = this.config.queryInterval === "auto" ? null : parseDuration(this.config.queryInterval);
  }

  /**
   * Steps per range query so that an answer stays within POINTS_PER_RESPONSE (and the configured
   * response cap): `series` is how many series each answer may hold.
   */
  private stepsPerQuery(series: number): number {
    const budget = Math.min(POINTS_PER_RESPONSE, Math.floor(this.config.maxResponseBytes / 50));
    return Math.max(1, Math.min(MAX_POINTS_PER_QUERY, Math.floor(budget / Math.max(1, series))));
  }

  /**
   * Every service's signals at `t`. Asks Prometheus when the last answer is due (config
   * `queryInterval`); a sample in between holds the last answer (its values, or its error), as
   * the backfilled window holds each scrape — Prometheus has nothing newer than its last scrape
   * anyway, and a tick that waits 800 ms for 5,000 services' answers every second delays every
   * other source's services and starves the start-up backfill (BENCHMARKS.md, "Live query
   * cadence").
   */
  async sampleAll(t: number): Promise<Record<string, SignalValues>> {
    const held = this.held;
    if (held && t >= held.t && t < held.until) {
      this.heldSamples++;
      if (held.out) return { ...held.out };
      throw held.err;
    }
    const started = performance.now();
    let answer: { out?: Record<string, SignalValues>; err?: unknown };
    const asked = this.query(t);
    this.liveInFlight = asked.then(
      () => undefined,
      () => undefined,
    );
    try {
      answer = { out: await asked };
    } catch (err) {
      answer = { err };
    } finally {
      this.liveInFlight = null;
    }
    this.liveQueries++;
    const took = performance.now() - started;
    this.lastQueryMs = Math.round(took);
    this.held = { t, until: t + this.holdFor(took), ...answer };
    if (answer.out) return { ...answer.out };
    throw answer.err;
  }

  /**
   * How long a live answer that took `tookMs` is held: the fixed `queryInterval`, or (`auto`)
   * three times as long as it took — a third of the time at most is spent asking — but never
   * longer than one scrape interval, and not at all while that is under one tick (1 s).
   */
  private holdFor(tookMs: number): number {
    if (this.fixedEveryMs !== null) return this.fixedEveryMs;
    const hold = Math.min(3 * tookMs, this.scrapeMs);
    return hold < 1000 ? 0 : hold;
  }

  /**
   * A range query of the backfill, sent once no live sample is waiting for its answer (live
   * first): the week of minutes is asked for after the war room is live, and at 5,000 services
   * its range queries alongside a tick's instant queries pushed those past their timeout until
   * the live breaker opened (BENCHMARKS.md, "Live query cadence"). Range queries already sent
   * run on, and once the source has been asked for live samples only one runs at a time.
   */
  private async rangeQuery(expr: string, start: number, end: number, stepMs: number): Promise<QueryResult> {
    // Once live samples are asked for, one range query at a time: the other `backfill.concurrency` slots are the live ticks' room.
    for (;;) {
      if (this.liveInFlight) await this.liveInFlight;
      else if (this.liveQueries > 0 && this.rangesInFlight >= 1) await new Promise<void>((resolve) => this.rangeWaiters.push(resolve));
      else break;
    }
    this.rangesInFlight++;
    try {
      return await this.backfillClient.queryRange(expr, start, end, stepMs);
    } finally {
      this.rangesInFlight--;
      this.rangeWaiters.shift()?.();
    }
  }

  /** How long the last live answer is held (ms; 0 before any, and while every tick asks). */
  private get queryEveryMs(): number {
    return this.held ? this.held.until - this.held.t : 0;
  }

  private async query(t: number): Promise<Record<string, SignalValues>> {
    const buckets = await this.bucketCount(this.client, t);
    const jobs = this.jobs(this.instantLatency(buckets), buckets);
    const settled = await Promise.allSettled(jobs.map((j) => this.client.query(j.expr, t)));
    const failed = new Map<SignalName, string>();
    const got = new Map<string, Partial<Record<SignalName, number>>>();
    let failures = 0;
    const failJob = (job: Job, err: unknown) => {
      failures++;
      for (const signal of job.signals) failed.set(signal, job.service ? `(${job.service}) ${messageOf(err)}` : messageOf(err));
    };
    settled.forEach((s, i) => {
      const job = jobs[i];
      if (s.status === "rejected") return failJob(job, s.reason);
      try {
        for (const [service, , signal, v] of this.pointsOf(job, s.value, true)) (got.get(service) ?? got.set(service, {}).get(service)!)[signal] = v;
      } catch (err) {
        failJob(job, err);
      }
    });

    if (failures === jobs.length) throw new SourceError(this.fail(summarize(failed)), { transient: true });
    const out: Record<string, SignalValues> = {};
    for (const [service, partial] of got) {
      const prev = this.last.get(service);
      const values = {} as SignalValues;
      for (const name of SIGNALS) {
        const v = partial[name];
        if (v !== undefined && Number.isFinite(v)) values[name] = v;
        else {
          if (v !== undefined || failed.has(name)) this.replaced++;
          values[name] = failed.has(name) ? (prev?.[name] ?? 0) : 0;
        }
      }
      this.last.set(service, values);
      out[service] = values;
    }
    this.lastSuccessAt = t;
    if (failed.size > 0) {
      this.state = "degraded";
      this.error = withoutCountdown(summarize(failed));
    } else if (got.size === 0) {
      this.state = "degraded";
      this.error = `no series carry the label "${this.config.serviceLabel}": check serviceLabel and the metric names`;
    } else {
      this.state = "ok";
      this.error = undefined;
    }
    return out;
  }

  /**
   * Points every `stepMs` in [from, to): the point at `t` stands for [t, t + step) and is the
   * query evaluated at `t + step` (so rates cover the step's end; with the default 1m window and
   * 1m step, exactly the step). Range queries are chunked to ≤ 10,000 points a series and answers
   * of ≤ POINTS_PER_RESPONSE points. Latency comes from one `histogram_quantile` per signal here:
   * over hours of steps the bucket rates would be one series per bucket (~5× the points). Any
   * failure rejects.
   */
  backfillMinutes(from: number, to: number, stepMs = 60_000): Promise<Record<string, { t: number; values: SignalValues }[]>> {
    return this.rangePoints(from, to, stepMs, "quantiles");
  }

  private async rangePoints(from: number, to: number, stepMs: number, latency: Latency): Promise<Record<string, { t: number; values: SignalValues }[]>> {
    if (!(stepMs > 0) || !(to > from)) return {};
    const count = Math.ceil((to - from) / stepMs);
    // Half the instant budget of series per answer: a range answer carries every series' labels and its points.
    const jobs = this.jobs(latency, latency === "buckets" ? await this.bucketCount(this.backfillClient, to) : 1, Math.floor(this.seriesBudget() / 2));
    const tasks: { job: Job; start: number; end: number }[] = [];
    for (const job of jobs) {
      const steps = this.stepsPerQuery(this.seriesOf(job));
      for (let first = 0; first < count; first += steps) {
        const last = Math.min(count, first + steps) - 1;
        tasks.push({ job, start: from + (first + 1) * stepMs, end: from + (last + 1) * stepMs });
      }
    }
    const points = new Map<string, Map<number, Partial<Record<SignalName, number>>>>();
    // As many workers as the backfill may have queries in flight; the first failure stops them all.
    let next = 0;
    let failure: { err: unknown } | null = null;
    const worker = async () => {
      while (next < tasks.length && !failure) {
        const { job, start, end } = tasks[next++];
        try {
          const r = await this.rangeQuery(job.expr, start, end, stepMs);
          for (const [service, evalT, signal, v] of this.pointsOf(job, r, false)) {
            const t = evalT - stepMs;
            if (t < from || t >= to) continue;
            const byT = points.get(service) ?? points.set(service, new Map()).get(service)!;
            (byT.get(t) ?? byT.set(t, {}).get(t)!)[signal] = v;
          }
        } catch (err) {
          failure ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(tasks.length, this.config.backfill.concurrency) }, worker));
    if (failure) throw (failure as { err: unknown }).err;
    const out: Record<string, { t: number; values: SignalValues }[]> = {};
    for (const [service, byT] of points) {
      out[service] = [...byT.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([t, partial]) => {
          const values = {} as SignalValues;
          for (const name of SIGNALS) values[name] = finiteOr0(partial[name]);
          return { t, values };
        });
    }
    return out;
  }

  /**
   * Good and total events of a service's SLI over [from, to], from the counters themselves
   * (`increase(...[to − from])` at `to`): ratio SLIs count requests minus 5xx (non-5xx) or minus
   * errorCodes (non-error); latency SLIs count the histogram bucket `le = thresholdMs / 1000`,
   * which must be one of the exported bucket bounds. No traffic gives {0, 0}.
   */
  async sloCounts(sli: Sli, service: string, from: number, to: number): Promise<Counts> {
    const windowS = Math.round((to - from) / 1000);
    if (windowS <= 0) return { good: 0, total: 0 };
    const m = this.config.metrics;
    const sel = (extra = "") => `{${this.config.serviceLabel}="${escapeString(service)}"${extra}}`;
    const inc = (metric: string, extra?: string) => `sum(increase(${metric}${sel(extra)}[${windowS}s]))`;
    if (sli.kind === "ratio") {
      const codes = sli.good === "non-5xx" ? m.error5xxCodes : m.errorCodes;
      const bad = inc(m.requests, `,${m.codeLabel}=~"${escapeString(codes)}"`);
      const total = inc(m.requests);
      const { good, total: all } = await this.windowCounts(`${total} - (${bad} or vector(0))`, total, to);
      return { good, total: all };
    }
    const le = formatLe(sli.thresholdMs / 1000);
    const c = await this.windowCounts(inc(`${m.duration}_bucket`, `,le="${le}"`), inc(`${m.duration}_count`), to);
    if (c.total > 0 && c.missingGood) {
      throw new SourceError(`no histogram bucket le="${le}" for service "${service}": a latency SLI threshold (${sli.thresholdMs} ms) must be a bucket bound`);
    }
    return { good: c.good, total: c.total };
  }

  /**
   * Ticks `from, from + stepMs, …` before `to`, regrouped by tick time: one range query per signal
   * at the scrape interval (`scrapeInterval`, a whole number of ticks), each point held for the
   * ticks of its interval. Finer steps would only repeat what the scrapes said, at one Prometheus
   * evaluation each: at 1,000 services a 10-minute chunk at 1 s steps took Prometheus over 4 s per
   * latency signal and its answer was over the 8 MiB cap.
   */
  async backfillTicks(from: number, to: number, stepMs: number): Promise<{ t: number; values: Record<string, SignalValues> }[]> {
    const coarse = Math.max(1, Math.round(this.scrapeMs / stepMs)) * stepMs;
    // A few steps over every service: the bucket rates cost Prometheus one aggregation, not four.
    const byService = await this.rangePoints(from, to, coarse, "buckets");
    const byT = new Map<number, Record<string, SignalValues>>();
    for (const [id, pts] of Object.entries(byService)) {
      for (const p of pts) {
        const until = Math.min(to, p.t + coarse);
        for (let t = p.t; t < until; t += stepMs) (byT.get(t) ?? byT.set(t, {}).get(t)!)[id] = p.values;
      }
    }
    return [...byT.keys()].sort((a, b) => a - b).map((t) => ({ t, values: byT.get(t)! }));
  }

  /**
   * Good/total per span of `stepMs` for [from, to): `increase(...[step])` evaluated at each span's
   * end over query_range, so each row counts exactly the events of its span (SLO backfill for
   * time War Room was not running). Rows start at `from + k·step`.
   */
  async sloCountsRange(sli: Sli, service: string, from: number, to: number, stepMs: number): Promise<{ t: number; good: number; total: number }[]> {
    if (to - from < stepMs) return [];
    const stepS = Math.round(stepMs / 1000);
    const m = this.config.metrics;
    const sel = (extra = "") => `{${this.config.serviceLabel}="${escapeString(service)}"${extra}}`;
    const inc = (metric: string, extra?: string) => `sum(increase(${metric}${sel(extra)}[${stepS}s]))`;
    let goodExpr: string;
    let totalExpr: string;
    if (sli.kind === "ratio") {
      const codes = sli.good === "non-5xx" ? m.error5xxCodes : m.errorCodes;
      totalExpr = inc(m.requests);
      goodExpr = `${totalExpr} - (${inc(m.requests, `,${m.codeLabel}=~"${escapeString(codes)}"`)} or vector(0))`;
    } else {
      totalExpr = inc(`${m.duration}_count`);
      goodExpr = inc(`${m.duration}_bucket`, `,le="${formatLe(sli.thresholdMs / 1000)}"`);
    }
    const rows = new Map<number, { t: number; good: number; total: number }>();
    const spans = Math.floor((to - from) / stepMs);
    for (let k = 0; k < spans; k += MAX_POINTS_PER_QUERY) {
      const firstEnd = from + (k + 1) * stepMs;
      const lastEnd = from + Math.min(spans, k + MAX_POINTS_PER_QUERY) * stepMs;
      const [g, tt] = await Promise.all([this.rangeQuery(goodExpr, firstEnd, lastEnd, stepMs), this.rangeQuery(totalExpr, firstEnd, lastEnd, stepMs)]);
      for (const p of tt.series[0]?.samples ?? []) {
        const total = Math.max(0, finiteOr0(p.v));
        if (total > 0) rows.set(p.t - stepMs, { t: p.t - stepMs, good: 0, total });
      }
      for (const p of g.series[0]?.samples ?? []) {
        const row = rows.get(p.t - stepMs);
        if (row) row.good = Math.min(row.total, Math.max(0, finiteOr0(p.v)));
      }
    }
    return [...rows.values()].sort((a, b) => a.t - b.t);
  }

  /**
   * sloCountsRange for many SLIs at once (start-up of a large estate: one query per SLO and span
   * was 9,000 queries in a row for 1,500 SLOs, two minutes before the war room went live). SLIs of
   * the same shape (ratio with the same codes, latency with the same bucket) are counted together,
   * `sum by (<serviceLabel>)` over `SERVICES_PER_COUNT_QUERY` services a query. Rows per item, in
   * the order given, as sloCountsRange gives them.
   */
  async sloCountsRangeMany(items: readonly SliOfService[], from: number, to: number, stepMs: number): Promise<SpanCounts[][]> {
    const out: SpanCounts[][] = items.map(() => []);
    const spans = Math.floor((to - from) / stepMs);
    if (spans <= 0) return out;
    const stepS = Math.round(stepMs / 1000);
    const m = this.config.metrics;
    const label = this.config.serviceLabel;
    // Items by shape, then by service: SLOs of one service with the same shape share their rows.
    const inc = (metric: string, sel: string) => `sum by (${label}) (increase(${metric}{${sel}}[${stepS}s]))`;
    const shapes = new Map<string, { good: (sel: string) => string; total: (sel: string) => string; services: Map<string, number[]> }>();
    items.forEach((item, i) => {
      const { sli } = item;
      let key: string;
      let good: (sel: string) => string;
      let total: (sel: string) => string;
      if (sli.kind === "ratio") {
        const codes = sli.good === "non-5xx" ? m.error5xxCodes : m.errorCodes;
        key = `ratio:${codes}`;
        total = (sel) => inc(m.requests, sel);
        // Bad events, subtracted here (a service without any has no series, so it counts 0).
        good = (sel) => inc(m.requests, `${sel},${m.codeLabel}=~"${escapeString(codes)}"`);
      } else {
        const le = formatLe(sli.thresholdMs / 1000);
        key = `latency:${le}`;
        total = (sel) => inc(`${m.duration}_count`, sel);
        good = (sel) => inc(`${m.duration}_bucket`, `${sel},le="${le}"`);
      }
      const shape = shapes.get(key) ?? shapes.set(key, { good, total, services: new Map() }).get(key)!;
      (shape.services.get(item.service) ?? shape.services.set(item.service, []).get(item.service)!).push(i);
    });
    for (const [key, shape] of shapes) {
      const services = [...shape.services.keys()];
      const subtract = key.startsWith("ratio:");
      for (let s = 0; s < services.length; s += SERVICES_PER_COUNT_QUERY) {
        const group = services.slice(s, s + SERVICES_PER_COUNT_QUERY);
        const sel = this.servicesMatcher(group);
        const rows = new Map<string, Map<number, SpanCounts>>();
        const steps = this.stepsPerQuery(group.length);
        for (let k = 0; k < spans; k += steps) {
          const firstEnd = from + (k + 1) * stepMs;
          const lastEnd = from + Math.min(spans, k + steps) * stepMs;
          const [g, tt] = await Promise.all([this.rangeQuery(shape.good(sel), firstEnd, lastEnd, stepMs), this.rangeQuery(shape.total(sel), firstEnd, lastEnd, stepMs)]);
          for (const series of tt.series) {
            const service = series.metric[label];
            if (!service || !shape.services.has(service)) continue;
            const byT = rows.get(service) ?? rows.set(service, new Map()).get(service)!;
            for (const p of series.samples) {
              const total = Math.max(0, finiteOr0(p.v));
              if (total > 0) byT.set(p.t - stepMs, { t: p.t - stepMs, good: subtract ? total : 0, total });
            }
          }
          for (const series of g.series) {
            const byT = rows.get(series.metric[label] ?? "");
            if (!byT) continue;
            for (const p of series.samples) {
              const row = byT.get(p.t - stepMs);
              if (!row) continue;
              const v = Math.max(0, finiteOr0(p.v));
              row.good = Math.min(row.total, Math.max(0, subtract ? row.total - v : v));
            }
          }
        }
        for (const service of group) {
          const list = [...(rows.get(service)?.values() ?? [])].sort((a, b) => a.t - b.t);
          for (const i of shape.services.get(service)!) out[i] = list;
        }
      }
    }
    return out;
  }

  /**
   * Evaluates two scalar-like queries at `at` (epoch ms) and returns them as counts; an empty
   * result or NaN is 0 and `good` is clamped into [0, total].
   */
  async windowCounts(goodExpr: string, totalExpr: string, at: number): Promise<Counts & { missingGood: boolean }> {
    const [g, t] = await Promise.all([this.client.query(goodExpr, at), this.client.query(totalExpr, at)]);
    const total = Math.max(0, finiteOr0(t.series[0]?.samples[0]?.v));
    const goodRaw = g.series[0]?.samples[0]?.v;
    const good = Math.min(total, Math.max(0, finiteOr0(goodRaw)));
    return { good, total, missingGood: goodRaw === undefined };
  }

  status(): SourceStatus {
    return { kind: this.kind, state: this.state, ...(this.error ? { error: this.error } : {}), lastSuccessAt: this.lastSuccessAt };
  }

  stats(): PrometheusSourceStats {
    return {
      ...this.client.stats(),
      state: this.state,
      lastSuccessAt: this.lastSuccessAt,
      queriesPerSample: this.jobs(this.instantLatency(this.buckets ?? 1), this.buckets ?? 1).length,
      replacedValues: this.replaced,
      liveQueries: this.liveQueries,
      heldSamples: this.heldSamples,
      lastQueryMs: this.lastQueryMs,
      queryEveryMs: this.queryEveryMs,
    };
  }

  /** Aborts in-flight queries; the source answers no more. */
  close(): void {
    this.client.close();
    this.backfillClient.close();
  }

  /** Marks the source down; returns the error to throw (the status keeps it without the breaker's countdown). */
  private fail(message: string): string {
    const breaker = this.client.breakerState;
    const full = breaker === "closed" || /circuit breaker/i.test(message) ? message : `${message} [circuit ${breaker}]`;
    this.state = "down";
    this.error = withoutCountdown(full);
    return full;
  }

  /**
   * The queries of a sample. With `latency: "buckets"` the default latency signals are one query
   * of bucket rates, in groups of services when `bucketsPerService` × services would not fit one
   * answer (SERIES_PER_BUCKET_QUERY).
   */
  private jobs(latency: Latency, bucketsPerService: number, seriesBudget = this.seriesBudget()): Job[] {
    const fromBuckets = new Set<SignalName>(latency === "buckets" ? defaultLatencySignals(this.config) : []);
    const jobs: Job[] = SIGNALS.filter((signal) => !fromBuckets.has(signal)).map((signal) => ({ signals: [signal], expr: this.queries[signal] }));
    if (fromBuckets.size > 0) {
      const signals = [...fromBuckets];
      const ids = this.only ? [...this.only] : null;
      const perGroup = Math.max(1, Math.floor(seriesBudget / Math.max(1, bucketsPerService)));
      // Always scoped to our services when we know them: a Prometheus shared with other teams
      // may hold many more, and their buckets would come too (8.5 MB for 5,000 services).
      if (!ids) jobs.push({ signals, expr: latencyBucketsQuery(this.config), buckets: { services: 1 } });
      else {
        for (let i = 0; i < ids.length; i += perGroup) {
          const group = ids.slice(i, i + perGroup);
          jobs.push({ signals, expr: latencyBucketsQuery(this.config, this.servicesMatcher(group)), buckets: { services: group.length } });
        }
      }
    }
    for (const [service, overrides] of Object.entries(this.config.services ?? {})) {
      if (this.only && !this.only.has(service)) continue;
      for (const signal of SIGNALS) {
        const expr = overrides[signal];
        if (expr) jobs.push({ signals: [signal], expr, service });
      }
    }
    return jobs;
  }

  /**
   * How a tick asks for latency: the bucket rates when every service's buckets fit one answer,
   * else one `histogram_quantile` per signal. Measured at 5,000 services (BENCHMARKS.md "Estate
   * size"): the bucket rates in two answers of 4.3 MB each cost this process ~0.5 s of decoding a
   * tick and, with the week's backfill running, took Prometheus past the 3 s timeout, so ticks
   * took 4–8 s; the four quantile queries answer 0.4 MB.
   */
  private instantLatency(bucketsPerService: number): Latency {
    return (this.only?.size ?? 1) * bucketsPerService <= this.seriesBudget() ? "buckets" : "quantiles";
  }

  /** A matcher selecting exactly these services: `<serviceLabel>=~"a|b|…"`. */
  private servicesMatcher(ids: readonly string[]): string {
    return `${this.config.serviceLabel}=~"${escapeString(ids.map(escapeRegex).join("|"))}"`;
  }

  /** Series in one answer of the bucket rates' budget: SERIES_PER_BUCKET_QUERY, less under a smaller response cap. */
  private seriesBudget(): number {
    return Math.max(1, Math.min(SERIES_PER_BUCKET_QUERY, Math.floor(this.config.maxResponseBytes / 170)));
  }

  /** Series an answer of `job` may hold per step. */
  private seriesOf(job: Job): number {
    if (job.buckets) return job.buckets.services * (this.buckets ?? BUCKETS_ALWAYS_FIT);
    return job.service ? 1 : (this.only?.size ?? 1);
  }

  /**
   * Buckets per service, as far as grouping the bucket query needs it: an estate that fits one
   * answer at BUCKETS_ALWAYS_FIT buckets each is not asked; a larger one asks Prometheus once how
   * many bounds the histogram has (`count(count by (le) (…))`, over all services, so at least any
   * one service's). Without an answer it assumes BUCKETS_ALWAYS_FIT and asks again after PROBE_RETRY_MS.
   */
  private async bucketCount(client: PrometheusClient, at: number): Promise<number> {
    if (this.buckets !== null) return this.buckets;
    if ((this.only?.size ?? 1) * BUCKETS_ALWAYS_FIT <= this.seriesBudget()) return 1;
    // Nothing would use the count (every percentile replaced), or it was asked for lately without an answer.
    if (defaultLatencySignals(this.config).length === 0 || Date.now() < this.probeAfter) return BUCKETS_ALWAYS_FIT;
    this.probeAfter = Date.now() + PROBE_RETRY_MS;
    try {
      const r = await client.query(`count(count by (le) (${this.config.metrics.duration}_bucket))`, at);
      const n = r.series[0]?.samples[0]?.v;
      // No histogram yet (nothing scraped): assume the most, and ask again after PROBE_RETRY_MS.
      if (n === undefined || !Number.isFinite(n) || n < 1) return BUCKETS_ALWAYS_FIT;
      this.buckets = Math.max(this.buckets ?? 0, Math.ceil(n));
      return this.buckets;
    } catch {
      return BUCKETS_ALWAYS_FIT;
    }
  }

  /**
   * (service, evaluation time, signal, value) of an answer. `strict` (instant samples): an
   * override query answering several series is an error; in a range answer it is skipped.
   */
  private *pointsOf(job: Job, r: QueryResult, strict: boolean): Generator<[string, number, SignalName, number]> {
    if (job.buckets) return yield* this.quantilesOf(job, r);
    const signal = job.signals[0];
    if (strict && job.service && r.series.length > 1) {
      throw new SourceError(`the ${signal} query of service "${job.service}" returned ${r.series.length} series; it must return one`);
    }
    for (const s of r.series) {
      const service = this.serviceOf(job, s.metric, r.series.length);
      if (!service) continue;
      if (strict) {
        const sample = s.samples[s.samples.length - 1];
        if (sample) yield [service, sample.t, signal, sample.v];
      } else for (const { t, v } of s.samples) yield [service, t, signal, v];
    }
  }

  /** The job's latency signals per service and time, from the bucket rates (`le` per series); a service's override of a signal wins. */
  private *quantilesOf(job: Job, r: QueryResult): Generator<[string, number, SignalName, number]> {
    const label = this.config.serviceLabel;
    const byService = new Map<string, Map<number, Bucket[]>>();
    for (const s of r.series) {
      const service = s.metric[label];
      if (!service || (this.only && !this.only.has(service))) continue;
      const le = parseLe(s.metric.le);
      if (Number.isNaN(le)) continue;
      const byT = byService.get(service) ?? byService.set(service, new Map()).get(service)!;
      for (const { t, v } of s.samples) (byT.get(t) ?? byT.set(t, []).get(t)!).push({ le, count: v });
    }
    const overrides = this.config.services;
    for (const [service, byT] of byService) {
      const own = overrides?.[service];
      const signals = own ? job.signals.filter((signal) => !own[signal]) : job.signals;
      if (signals.length === 0) continue;
      const qs = signals.map((signal) => LATENCY_QUANTILES[signal as LatencySignal]);
      for (const [t, buckets] of byT) {
        if (buckets.length > (this.buckets ?? 0)) this.buckets = buckets.length;
        const values = histogramQuantiles(qs, buckets);
        for (let i = 0; i < signals.length; i++) yield [service, t, signals[i], 1000 * values[i]];
      }
    }
  }

  /** The service a series belongs to, or null when it is not ours or an override owns it. */
  private serviceOf(job: Job, metric: Record<string, string>, seriesCount: number): string | null {
    if (job.service) return seriesCount === 1 ? job.service : null;
    const service = metric[this.config.serviceLabel];
    if (!service) return null;
    if (this.only && !this.only.has(service)) return null;
    if (this.config.services?.[service]?.[job.signals[0]]) return null;
    return service;
  }
}

/** A bucket bound as Prometheus client libraries write `le` (shortest round-trip form). */
export function formatLe(seconds: number): string {
  return seconds === Infinity ? "+Inf" : String(seconds);
}

/** A service id as a literal inside a PromQL regex matcher (before escapeString). */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function finiteOr0(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The status error without the open breaker's "next try in N s": the board (lib/signals/channels.ts) tells viewers
 * whenever state or error change, and a countdown would change it on every tick of an outage.
 */
function withoutCountdown(message: string): string {
  return message.replace(/; next try in \d+ s/g, "");
}

/** "p99: <message>" lines of failed signals, the same message once. */
function summarize(failed: Map<SignalName, string>): string {
  const bySignal = new Map<string, SignalName[]>();
  for (const [signal, message] of failed) (bySignal.get(message) ?? bySignal.set(message, []).get(message)!).push(signal);
  // One cause for every signal (Prometheus unreachable) reads better without the list of signals.
  if (bySignal.size === 1 && failed.size === SIGNALS.length) return [...bySignal.keys()][0];
  return [...bySignal].map(([message, signals]) => `${signals.join(", ")}: ${message}`).join("; ");
}
