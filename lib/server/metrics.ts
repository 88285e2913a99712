import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BreakerState } from "../sources/prometheus";
import { SHED_REASONS } from "./shed";
import { INGEST_STAGES, type IngestPath, type IngestStats } from "../ingest/stats";

/** What /metrics reads at scrape time (README "Deployment"): kept as callbacks so nothing polls in between. */
export type MetricsSources = {
  wsClients(): number;
  hubStats(): { coalescedFrames: number; subscriptions: number; laggingSubscriptions: number };
  framesSent(): number;
  /** Each pulled source (simulator, Prometheus) with its breaker and error count when it has them. */
  sources(): { kind: string; breaker?: BreakerState; errors?: number }[];
  /** Several instances: whether this one leads, its lease term, whether the broker is up (null on one instance). */
  cluster?(): { leader: boolean; term: number | null; brokerUp: boolean | null } | null;
  /** remote_write: refused samples by reason, series kept in memory. */
  remoteWrite?(): { rejected: ReadonlyMap<string, number>; series: number } | null;
  /** Push ingest and remote_write: samples taken in and CPU seconds per stage. */
  ingest?(): IngestStats | null;
  /** The job scheduler (lib/jobs.ts): slots that ran late and caught up, slots given up after a clock jump. */
  scheduler?(): { late: number; skipped: number } | null;
};

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

/**
 * The war room's own metrics in the Prometheus format (prom-client), one registry per server so
 * several servers in one test process do not share counters. Names are prefixed `warroom_`.
 */
export class WarRoomMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly storeWrite: Histogram<"op">;
  readonly sourceQuery: Histogram<"outcome">;
  readonly shed: Counter<"reason">;
  private load: (() => { eventLoopDelayMs: number; active: number; waiting: number }) | null = null;
  readonly tickDuration: Histogram;

  constructor(src: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "warroom_" });
    this.httpDuration = new Histogram({
      name: "warroom_http_request_duration_seconds",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.storeWrite = new Histogram({
      name: "warroom_store_write_duration_seconds",
      help: "Store write statements (insert/update/delete) by kind",
      labelNames: ["op"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.sourceQuery = new Histogram({
      name: "warroom_source_query_duration_seconds",
      help: "Metric source sample per tick (for Prometheus: all signal queries, in parallel) by outcome",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.shed = new Counter({
      name: "warroom_http_shed_total",
      help: "Requests answered 503 + Retry-After by load shedding (lib/server/shed.ts), by reason: event_loop_delay, queue_time, queue_full",
      labelNames: ["reason"],
      registers,
    });
    for (const reason of SHED_REASONS) this.shed.inc({ reason }, 0);
    const load = () => this.load?.();
    new Gauge({
      name: "warroom_event_loop_delay_seconds",
      help: "Event-loop delay kept over the last four 20 ms timer firings, which load shedding compares with WAR_ROOM_SHED_EVENT_LOOP_DELAY_MS",
      registers,
      collect() {
        const l = load();
        if (l) this.set(l.eventLoopDelayMs / 1000);
      },
    });
    new Gauge({
      name: "warroom_http_requests_waiting",
      help: "Requests waiting for a request slot (WAR_ROOM_MAX_CONCURRENT_REQUESTS)",
      registers,
      collect() {
        const l = load();
        if (l) this.set(l.waiting);
      },
    });
    this.tickDuration = new Histogram({
      name: "warroom_tick_duration_seconds",
      help: "One whole tick: source sample, recording, SLO and alert evaluation, board frames",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: "warroom_cluster_leader",
      help: "1 when this instance holds the leader lease (samples, evaluates and writes), else 0",
      registers,
      collect() {
        const c = src.cluster?.();
        if (c) this.set(c.leader ? 1 : 0);
      },
    });
    new Gauge({
      name: "warroom_cluster_lease_term",
      help: "The leader lease term (fencing token) this instance last saw; it grows by one at every change of leader",
      registers,
      collect() {
        const c = src.cluster?.();
        if (c?.term != null) this.set(c.term);
      },
    });
    new Gauge({
      name: "warroom_broker_up",
      help: "1 when the Redis broker is reachable (events go between instances), else 0; absent on one instance",
      registers,
      collect() {
        const c = src.cluster?.();
        if (c && c.brokerUp !== null) this.set(c.brokerUp ? 1 : 0);
      },
    });
    new Gauge({
      name: "warroom_websocket_connections",
      help: "Open WebSocket connections",
      registers,
      collect() {
        this.set(src.wsClients());
      },
    });
    new Gauge({
      name: "warroom_websocket_subscriptions",
      help: "Channel subscriptions over all connections",
      registers,
      collect() {
        this.set(src.hubStats().subscriptions);
      },
    });
    new Counter({
      name: "warroom_websocket_frames_sent_total",
      help: "Frames sent to WebSocket clients",
      registers,
      collect() {
        this.reset();
        this.inc(src.framesSent());
      },
    });
    new Counter({
      name: "warroom_scheduler_late_slots_total",
      help: "Job slots (ticks, evaluations) that ran after their next slot was already due and were caught up, none skipped (lib/jobs.ts)",
      registers,
      collect() {
        this.reset();
        this.inc(src.scheduler?.()?.late ?? 0);
      },
    });
    new Counter({
      name: "warroom_scheduler_skipped_slots_total",
      help: "Job slots given up because the clock jumped more than a minute ahead (lib/jobs.ts MAX_CATCH_UP); 0 unless the host was suspended or its clock was set",
      registers,
      collect() {
        this.reset();
        this.inc(src.scheduler?.()?.skipped ?? 0);
      },
    });
    new Counter({
      name: "warroom_websocket_frames_coalesced_total",
      help: "Metric frames replaced by one snapshot because a client was slow",
      registers,
      collect() {
        this.reset();
        this.inc(src.hubStats().coalescedFrames);
      },
    });
    new Gauge({
      name: "warroom_source_breaker_state",
      help: "Circuit breaker of the metric source: 0 closed, 1 half-open, 2 open (absent for the simulator)",
      labelNames: ["source"],
      registers,
      collect() {
        this.reset();
        for (const s of src.sources()) if (s.breaker) this.set({ source: s.kind }, BREAKER_VALUE[s.breaker]);
      },
    });
    new Counter({
      name: "warroom_ingest_samples_total",
      help: "Samples taken in by push ingest (path json) and remote_write (path remote_write, Prometheus samples)",
      labelNames: ["path"],
      registers,
      collect() {
        this.reset();
        const s = src.ingest?.();
        if (s) for (const [path, p] of Object.entries(s.paths)) this.inc({ path }, p.samples);
      },
    });
    new Counter({
      name: "warroom_ingest_cpu_seconds_total",
      help: "CPU seconds of this process spent on ingest requests, by path and stage (parse, validate, store, apply)",
      labelNames: ["path", "stage"],
      registers,
      collect() {
        this.reset();
        const s = src.ingest?.();
        if (!s) return;
        for (const path of Object.keys(s.paths) as IngestPath[]) for (const stage of INGEST_STAGES) this.inc({ path, stage }, s.paths[path].cpuSeconds[stage]);
      },
    });
    new Counter({
      name: "warroom_remote_write_rejected_total",
      help: "remote_write samples refused, by reason (unknown_service, not_push_fed, cardinality, non_finite, out_of_order, ...)",
      labelNames: ["reason"],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of src.remoteWrite?.()?.rejected ?? []) this.inc({ reason }, n);
      },
    });
    new Gauge({
      name: "warroom_remote_write_series",
      help: "remote_write series whose state is kept (bounded by integrations.remoteWrite.maxSeries)",
      registers,
      collect() {
        const r = src.remoteWrite?.();
        if (r) this.set(r.series);
      },
    });
    new Counter({
      name: "warroom_source_query_errors_total",
      help: "Failed metric source queries (timeouts, HTTP errors, bad responses, open breaker)",
      labelNames: ["source"],
      registers,
      collect() {
        this.reset();
        for (const s of src.sources()) if (s.errors !== undefined) this.inc({ source: s.kind }, s.errors);
      },
    });
  }

  /** The load shedder's state, read at scrape time. */
  watchLoad(read: () => { eventLoopDelayMs: number; active: number; waiting: number }): void {
    this.load = read;
  }

  /** Store statement timing, fed by the store's query log (writes only). */
  observeQuery(sqlText: string, ms: number): void {
    const op = /^\s*(insert|update|delete)/i.exec(sqlText)?.[1]?.toLowerCase();
    if (op) this.storeWrite.observe({ op }, ms / 1000);
  }

  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
