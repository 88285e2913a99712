import type { Config } from "../config/schema";
import { effectiveThresholds } from "../config/load";
import type { Clock } from "../time";
import type { Logger } from "../log";
import type { Store } from "../store/store";
import { purgeDrillsEndedBefore } from "../store/drills";
import { SignalHistory } from "../signals/history";
import { roundArray, roundValues } from "../signals/round";
import { SIGNALS, type SignalValues } from "../signals/types";
import { serviceStates, overallStatus } from "../signals/state";
import { DrillService } from "../drills/service";
import { drillEnd, type DrillEffect } from "../drills/types";
import { Hub } from "../live/hub";
import type { BoardSnapshot, PointValues, Series, ServiceInfo, ServiceSnapshot } from "../signals/contract";
import type { MetricSource } from "../sources/types";
import { SimulatorSource } from "../sources/simulator-source";
import { PrometheusSource, type BreakerState } from "../sources/prometheus";
import { SloTracker, type SloStatus } from "../slo/tracker";
import { burnObservations } from "../slo/burn-observations";
import { AlertEngine } from "../alerts/engine";
import { visibleAlerts } from "../alerts/inhibition";
import type { Alert } from "../alerts/model";
import { purgeAlertEventsBefore } from "../store/alerts";
import type { SignalPoint } from "../signals/types";
import type { IncidentCtx } from "../incidents/context";
import { declareIncident, recordAlertChange } from "../incidents/service";
import { parseWebhook } from "../integrations/alertmanager";
import { ingestKey, parseBatch } from "../ingest/convert";
import { SimExporter } from "../simulator/exposition";
import { Simulator } from "../simulator";
import { insertIngestSamples, purgeIngestSamplesBefore } from "../store/ingest";
import { listIncidents } from "../store/incidents";
import type { Incident } from "../incidents/model";
import { IncidentLive } from "./incident-live";
import { RunbookLibrary } from "../runbooks/library";
import { BUILT_IN_TEMPLATES, loadTemplateDir, type PostmortemTemplate } from "../postmortems/templates";
import type { PostmortemCtx } from "../postmortems/service";
import { MinuteRollup, emptyMinute, addToMinute, type SignalMinute } from "../signals/rollup";
import { latestSignalMinute, purgeSignalMinutesBefore, upsertSignalMinutes } from "../store/signal-minutes";

const SPARK_SECONDS = 120;
const SERVICE_SNAPSHOT_SECONDS = 15 * 60;
const RESUME_HISTORY = 300;
const BACKFILL_MINUTES_MS = 7 * 24 * 3600_000;
const BACKFILL_SECONDS_MS = 3600_000;
const DRILL_RETENTION_MS = 90 * 24 * 3600_000;
const ALERT_EVENT_RETENTION_MS = 90 * 24 * 3600_000;
/** Minute rollups (postmortem impact) are kept as long as SLI counts, plus a margin. */
const SIGNAL_MINUTE_RETENTION_MS = 35 * 24 * 3600_000;
/** An incident channel nobody watched for this long is dropped from memory (reloaded on demand). */
const INCIDENT_CHANNEL_IDLE_MS = 10 * 60_000;
/** Pushed samples are kept for idempotency checks a while after they were applied. */
const INGEST_RETENTION_MS = 2 * 24 * 3600_000;
/** A pushed service stays push-fed (the configured source is ignored for it) this long after its last sample. */
const PUSH_OWNERSHIP_MS = 5 * 60_000;
/** SLO budgets move slowly; the slos channel gets a fresh status every few seconds. */
const SLO_PUBLISH_EVERY_MS = 5_000;

export type RuntimeOptions = {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  serverId: string;
  version: string;
  heartbeatMs?: number;
  /** Skip the seven-day backfill (tests that do not need it start faster). */
  backfill?: boolean;
  /** Tick on the clock (default). Tests turn it off and call tick(t) themselves. */
  autoTick?: boolean;
  /** Absolute runbook folder (lib/config/load.ts runbooksDirOf). */
  runbooksDir: string;
  /** Told how long each tick's source sample took (all signal queries in parallel) and whether it worked. */
  onSourceSample?: (ms: number, ok: boolean) => void;
  /** Absolute team postmortem template folder (postmortemTemplatesDirOf). */
  postmortemTemplatesDir?: string;
};

/**
 * Everything the war room runs on, without transport: config, metric source, signal
 * history, drills and the live hub. The HTTP/WebSocket adapters call into it.
 */
export class WarRoomRuntime {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tickMs: number;
  readonly hub: Hub;
  readonly history: SignalHistory;
  readonly drills: DrillService;
  readonly source: MetricSource;
  readonly slos: SloTracker;
  readonly alerts: AlertEngine;
  readonly services: ServiceInfo[];
  /** What the incident verbs (lib/incidents/service.ts) run against; their writes feed the live channels. */
  readonly incidents: IncidentCtx;
  /** The runbook folder, indexed and watched. */
  readonly runbooks: RunbookLibrary;
  /** What the postmortem verbs run against. */
  readonly postmortems: PostmortemCtx;
  /** Team templates that failed validation at load, with file:line reasons. */
  invalidTemplates: { file: string; errors: { message: string }[] }[] = [];
  private teamTemplates: PostmortemTemplate[] = [];
  readonly startedAt: number;
  private readonly byId: Map<string, ServiceInfo>;
  private readonly opts: RuntimeOptions;
  private readonly incidentLive: IncidentLive;
  private timer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private lastTick: number | null = null;
  private activeDrillKey = "";
  private ticking = false;
  /** Per-service minute rollups of what was recorded (table signal_minutes). */
  private readonly rollup = new MinuteRollup();
  /** GET /sim/metrics: the simulated services as a Prometheus scrape target, advanced on each scrape. */
  private simExport: { sim: Simulator; exporter: SimExporter; at: number } | null = null;
  private lastSourceError: string | null = null;
  private lastSourceKey = "";
  /** Services fed by push ingest, with when they were last pushed: the source's values for them are ignored for a while. */
  private readonly pushedAt = new Map<string, number>();
  /** Minutes starting before this are already stored; backfill does not rewrite them. */
  private storedMinutesUntil = -Infinity;

  constructor(opts: RuntimeOptions) {
    this.opts = opts;
    this.config = opts.config;
    this.store = opts.store;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.tickMs = opts.config.tickSeconds * 1000;
    this.startedAt = opts.clock.now();
    this.services = opts.config.services.map((s) => ({
      id: s.id,
      name: s.name ?? s.id,
      team: s.team,
      description: s.description,
      dependsOn: s.dependsOn,
      thresholds: effectiveThresholds(opts.config, s.id),
    }));
    this.byId = new Map(this.services.map((s) => [s.id, s]));
    this.history = new SignalHistory(this.services.map((s) => s.id), { secondsCapacity: Math.ceil(BACKFILL_SECONDS_MS / this.tickMs) });
    this.drills = new DrillService({
      store: opts.store,
      clock: opts.clock,
      serviceIds: this.byId.keys(),
      onChange: () => this.publishDrills(),
    });
    const src = opts.config.source;
    if (src.kind === "prometheus") {
      if (!src.url) throw new Error("source.url: the Prometheus source needs a url (in the config or PROMETHEUS_URL)");
      this.source = new PrometheusSource({ config: { ...src, url: src.url }, serviceIds: this.byId.keys() });
    } else {
      this.source = new SimulatorSource({
        seed: src.seed,
        services: opts.config.services,
        drills: (from) => this.drills.effectiveSince(from),
      });
    }
    this.lastSourceKey = sourceKey(this.source.status());
    this.slos = new SloTracker({ store: opts.store, slos: opts.config.slos });
    this.alerts = new AlertEngine({ store: opts.store, rules: opts.config.alerts, staleAfterMs: 2 * this.tickMs });
    this.hub = new Hub({
      serverId: opts.serverId,
      version: opts.version,
      epoch: `${this.startedAt.toString(36)}-${opts.serverId}`,
      tickMs: this.tickMs,
      heartbeatMs: opts.heartbeatMs ?? 15_000,
      now: () => opts.clock.now(),
    });
    this.hub.route("board", (name) =>
      name === "board" ? { historyLimit: RESUME_HISTORY, lossless: false, snapshot: () => this.boardSnapshot() } : null,
    );
    this.hub.route("alerts", (name) =>
      name === "alerts" ? { historyLimit: 1000, lossless: true, snapshot: () => this.alertsSnapshot() } : null,
    );
    this.hub.route("slos", (name) =>
      name === "slos" ? { historyLimit: 60, lossless: false, snapshot: () => ({ slos: this.sloStatus() }) } : null,
    );
    this.hub.route("service:", (name) => {
      const svc = this.byId.get(name.slice("service:".length));
      return svc ? { historyLimit: RESUME_HISTORY, lossless: false, snapshot: () => this.serviceSnapshot(svc.id) } : null;
    });
    this.incidentLive = new IncidentLive({ hub: this.hub, store: opts.store });
    this.runbooks = new RunbookLibrary({ dir: opts.runbooksDir, clock: opts.clock, logger: opts.logger });
    this.incidents = { store: opts.store, clock: opts.clock, hasService: (id) => this.byId.has(id), latest: (id) => this.history.latest(id), events: this.incidentLive };
    this.postmortems = {
      incidents: this.incidents,
      slos: opts.config.slos,
      serviceNames: Object.fromEntries(this.services.map((s) => [s.id, s.name])),
      templates: () => [...BUILT_IN_TEMPLATES, ...this.teamTemplates],
      invalidTemplates: () => this.invalidTemplates,
      openMinutes: (services) => services.map((s) => this.rollup.peek(s)).filter((r): r is SignalMinute => r !== null),
      openSliRows: (ids) => this.slos.openRows(ids),
      changed: (p) => this.incidentLive.postmortem(p),
    };
  }

  /** Loads the team postmortem templates; bad files are logged and listed, the others serve. */
  async loadTemplates(): Promise<void> {
    if (!this.opts.postmortemTemplatesDir) return;
    const dir = await loadTemplateDir(this.opts.postmortemTemplatesDir);
    this.teamTemplates = dir.templates;
    this.invalidTemplates = dir.invalid;
    for (const bad of dir.invalid) this.logger.warn({ file: bad.file, problems: bad.errors.map((e) => e.message) }, "invalid postmortem template");
  }

  service(id: string): ServiceInfo | undefined {
    return this.byId.get(id);
  }

  /** Loads drills, backfills history, and starts ticking. */
  async start(): Promise<void> {
    await this.drills.load();
    await this.incidentLive.load();
    await this.runbooks.load();
    this.runbooks.watch();
    await this.loadTemplates();
    await this.alerts.load(this.clock.now() - 7 * 24 * 3600_000, this.clock.now());
    if (this.opts.backfill !== false) {
      // A source that is down at start must not stop the war room: it starts with what the store has.
      await this.backfill().catch((err: unknown) => this.logger.warn({ err: String(err) }, "history backfill failed; starting without it"));
    }
    const src = this.source;
    const countsBackfill =
      src instanceof PrometheusSource
        ? (slo: { id: string; sli: Parameters<PrometheusSource["sloCountsRange"]>[0]; service: string }, from: number, to: number, step: number) =>
            src.sloCountsRange(slo.sli, slo.service, from, to, step).catch((err: unknown) => {
              this.logger.warn({ err: String(err), slo: slo.id }, "SLO backfill from Prometheus failed");
              return [];
            })
        : undefined;
    const valuesBackfill = (from: number, to: number, step: number) =>
      this.source.backfillMinutes(from, to, step).catch((err: unknown) => {
        this.logger.warn({ err: String(err) }, "SLO backfill failed");
        return {};
      });
    await this.slos.load(this.clock.now(), this.opts.backfill !== false ? valuesBackfill : undefined, this.opts.backfill !== false ? countsBackfill : undefined);
    this.activeDrillKey = this.drillKey();
    if (this.opts.autoTick !== false) this.scheduleTick();
    this.heartbeatTimer = setInterval(() => {
      this.hub.heartbeat();
      this.incidentLive.evictIdle(INCIDENT_CHANNEL_IDLE_MS);
    }, this.opts.heartbeatMs ?? 15_000);
    this.purgeTimer = setInterval(() => void this.purge(), 3600_000);
    this.heartbeatTimer.unref();
    this.purgeTimer.unref();
  }

  /** Stops ticking and writes what is only in memory (the open SLO minute). */
  async stop(): Promise<void> {
    this.stopTimers();
    try {
      await this.slos.flush();
    } catch (err) {
      this.logger.warn({ err }, "could not flush SLO counts at shutdown");
    }
    try {
      await upsertSignalMinutes(this.store, this.rollup.flush());
    } catch (err) {
      this.logger.warn({ err }, "could not flush minute rollups at shutdown");
    }
  }

  stopTimers(): void {
    this.runbooks.close();
    if (this.source instanceof PrometheusSource) this.source.close();
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.timer = this.heartbeatTimer = this.purgeTimer = null;
  }

  /** Samples the source at tick time `t`, records it and publishes it. Exposed for tests. */
  async tick(t: number): Promise<void> {
    if (this.lastTick !== null && t <= this.lastTick) return;
    this.lastTick = t;
    let values: Record<string, SignalValues>;
    const began = performance.now();
    try {
      values = await this.source.sampleAll(t);
      this.opts.onSourceSample?.(performance.now() - began, true);
    } catch (err) {
      this.opts.onSourceSample?.(performance.now() - began, false);
      // The board keeps the last data (it turns stale) and says why; the source recovers by itself.
      this.publishSourceStatus();
      if (this.lastSourceError === null) this.logger.warn({ err: String(err) }, "metric source failed; keeping the last data");
      this.lastSourceError = String(err);
      return;
    }
    if (this.lastSourceError !== null) this.logger.info({ after: this.lastSourceError }, "metric source recovered");
    this.lastSourceError = null;
    this.publishSourceStatus();
    for (const [id, at] of this.pushedAt) {
      if (t - at > PUSH_OWNERSHIP_MS) this.pushedAt.delete(id);
      else delete values[id];
    }
    await this.record(t, values);
  }

  /**
   * Push ingest: validates the whole batch (nothing is written when any sample is bad), stores the
   * samples idempotently on (service, t), then applies the new ones in time order exactly as a
   * tick would. A sample not newer than what the service already shows is stored but counted
   * as late and not applied (live state only moves forward).
   */
  async ingest(body: unknown): Promise<{ accepted: number; duplicates: number; late: number }> {
    const now = this.clock.now();
    const samples = parseBatch(body, { now, hasService: (id) => this.byId.has(id), last: (id) => this.history.latest(id) });
    const fresh = await insertIngestSamples(
      this.store,
      samples.map((s) => ({ service: s.service, t: s.t, intervalMs: s.intervalMs, sample: s.raw })),
      now,
    );
    let accepted = 0;
    let late = 0;
    // The board gets one tick per request: each fed service's newest point.
    const newest: Record<string, SignalValues> = {};
    let newestT = -Infinity;
    for (const s of samples) {
      if (!fresh.has(ingestKey(s.service, s.t))) continue;
      const latest = this.history.latest(s.service);
      if (latest && s.t <= latest.t) {
        late++;
        continue;
      }
      this.pushedAt.set(s.service, now);
      await this.record(s.t, { [s.service]: s.values }, s.intervalMs / 1000, { alerts: false, countAt: s.t - s.intervalMs / 2, board: false, ...(s.shareFaster ? { shareFaster: { [s.service]: s.shareFaster } } : {}) });
      newest[s.service] = s.values;
      newestT = s.t; // samples come sorted by t
      accepted++;
    }
    if (accepted > 0) {
      const points: Record<string, PointValues> = {};
      for (const [id, v] of Object.entries(newest)) points[id] = roundValues(v);
      this.hub.publish("board", "tick", { t: newestT, points });
    }
    return { accepted, duplicates: samples.length - fresh.size, late };
  }

  /**
   * Records one tick's values (from the source or pushed by ingest): history, board and service
   * channels, minute rollups, SLO counts and alert evaluation.
   */
  async record(
    t: number,
    values: Record<string, SignalValues>,
    dtSeconds = this.tickMs / 1000,
    opts: { alerts?: boolean; countAt?: number; board?: boolean; shareFaster?: Record<string, (thresholdMs: number) => number> } = {},
  ): Promise<void> {
    // Counts go to the minute holding `countAt` (a pushed interval's middle), points to `t`.
    const countAt = opts.countAt ?? t;
    const points: Record<string, PointValues> = {};
    const closed: SignalMinute[] = [];
    for (const [id, v] of Object.entries(values)) {
      if (!this.history.record(id, t, v)) continue;
      const done = this.rollup.add(id, countAt, v, dtSeconds);
      if (done) closed.push(done);
      const rounded = roundValues(v);
      points[id] = rounded;
      this.hub.publish(`service:${id}`, "tick", { t, point: rounded });
    }
    // Ingest publishes one board tick per batch (newest point per service) instead of one per sample.
    if (opts.board !== false) this.hub.publish("board", "tick", { t, points });
    const key = this.drillKey();
    if (key !== this.activeDrillKey) this.publishDrills();
    if (closed.length) await upsertSignalMinutes(this.store, closed).catch((err: unknown) => this.logger.warn({ err }, "could not store minute rollups"));

    await this.slos.record(countAt, values, dtSeconds, opts.shareFaster);
    // Pushed samples do not evaluate alerts: the next tick does, over every service's newest point.
    if (opts.alerts === false) return;
    const statuses = this.slos.status(t);
    const latest: Record<string, SignalPoint | null> = {};
    for (const s of this.services) latest[s.id] = this.history.latest(s.id);
    for (const change of await this.alerts.evaluate(t, latest, burnObservations(statuses))) {
      this.hub.publish("alerts", "change", change);
      await recordAlertChange({ ctx: this.incidents, change, at: t }).catch((err: unknown) => this.logger.warn({ err }, "could not record alert on incidents"));
    }
    if (t % SLO_PUBLISH_EVERY_MS < this.tickMs) this.hub.publish("slos", "update", { slos: statuses });
  }

  /**
   * An Alertmanager webhook (payload v4): new and resolved alerts go to the alerts channel and to
   * the timelines of open incidents of their service; a page-tier alert may declare an incident.
   */
  async receiveAlertmanager(body: unknown): Promise<{ changes: number; declared: Incident[]; truncatedAlerts: number }> {
    const payload = parseWebhook(body);
    const cfg = this.config.integrations.alertmanager;
    const now = this.clock.now();
    const changes = await this.alerts.receive(payload, cfg, now);
    const declared: Incident[] = [];
    for (const change of changes) {
      this.hub.publish("alerts", "change", change);
      const { alert } = change;
      if (change.type === "firing" && cfg.autoDeclare && cfg.autoDeclare.tiers.includes(alert.tier) && this.byId.has(alert.service)) {
        const open = await listIncidents(this.store, { status: "active", service: alert.service, limit: 1 });
        if (open.length === 0) {
          const title = `${alert.name} on ${this.byId.get(alert.service)!.name}`.slice(0, 200);
          const incident = await declareIncident({
            ctx: this.incidents,
            input: { title, severity: cfg.autoDeclare.severity, services: [alert.service], summary: alert.annotations.summary.slice(0, 2000) },
            writer: { author: "alertmanager", source: "api" },
          });
          declared.push(incident);
        }
      }
      await recordAlertChange({ ctx: this.incidents, change, at: change.type === "resolved" ? (alert.resolvedAt ?? now) : alert.activeAt });
    }
    if (payload.truncatedAlerts) this.logger.warn({ truncatedAlerts: payload.truncatedAlerts, groupKey: payload.groupKey }, "Alertmanager dropped alerts from a webhook (max_alerts)");
    return { changes: changes.length, declared, truncatedAlerts: payload.truncatedAlerts ?? 0 };
  }

  /**
   * The simulated services (same seed and drills as the simulator source) in the Prometheus text
   * format. Counters start at the first scrape and advance one tick at a time up to now.
   */
  simMetrics(): string {
    const now = Math.floor(this.clock.now() / this.tickMs) * this.tickMs;
    if (!this.simExport) {
      this.simExport = { sim: new Simulator({ seed: this.simSeed(), services: this.config.services }), exporter: new SimExporter(), at: now - this.tickMs };
    }
    const ex = this.simExport;
    // After a long pause only the last hour is counted (rates stay right; the gap is not replayed).
    for (let t = Math.max(ex.at, now - 3600_000) + this.tickMs; t <= now; t += this.tickMs) {
      ex.exporter.advance(t, ex.sim.sampleAll(t, this.drills.effectiveSince(t - 60_000)), this.tickMs / 1000);
    }
    ex.at = now;
    return ex.exporter.render();
  }

  private simSeed(): number {
    return this.config.source.kind === "simulator" ? this.config.source.seed : 1;
  }

  /** Source facts for /metrics: breaker state and query/error counts when the source has them. */
  sourceMetrics(): { kind: string; breaker?: BreakerState; errors?: number } {
    if (!(this.source instanceof PrometheusSource)) return { kind: this.source.kind };
    const st = this.source.stats();
    return { kind: this.source.kind, breaker: st.breaker, errors: st.errors };
  }

  /** Circuit breakers for /health. */
  breakers(): Record<string, string> {
    const m = this.sourceMetrics();
    return m.breaker ? { [`source:${m.kind}`]: m.breaker } : {};
  }

  sloStatus(): SloStatus[] {
    return this.slos.status(this.clock.now());
  }

  /** Pending and firing alerts (lower tiers hidden while a higher tier of the same rule fires), and recent resolved ones. */
  alertsSnapshot(): { alerts: Alert[]; resolved: Alert[] } {
    return { alerts: visibleAlerts(this.alerts.current()), resolved: this.alerts.recentResolved(50) };
  }

  boardSnapshot(): BoardSnapshot {
    const latest: BoardSnapshot["latest"] = {};
    const spark: BoardSnapshot["spark"] = {};
    const since = this.clock.now() - SPARK_SECONDS * 1000;
    for (const s of this.services) {
      const p = this.history.latest(s.id);
      latest[s.id] = p ? roundValues(p) : null;
      const cols = this.history.recentColumns(s.id, since, ["p99", "rps", "errorPct"] as const);
      spark[s.id] = { t: cols.t, p99: roundArray(cols.p99), rps: roundArray(cols.rps), errorPct: roundArray(cols.errorPct) };
    }
    return {
      title: this.config.title,
      tickMs: this.tickMs,
      services: this.services,
      latest,
      spark,
      drills: this.recentDrills(),
      source: this.source.status(),
    };
  }

  serviceSnapshot(id: string): ServiceSnapshot {
    const series = this.history.recent(id, this.clock.now() - SERVICE_SNAPSHOT_SECONDS * 1000);
    return { service: this.byId.get(id)!, series: roundSeries(series), drills: this.recentDrills().filter((d) => d.target === id || this.byId.get(id)!.dependsOn.includes(d.target)) };
  }

  /** Overall status from the newest points, for /health and the banner. */
  overall() {
    const states = this.services.map((s) => {
      const p = this.history.latest(s.id);
      return p && this.clock.now() - p.t <= 2 * this.tickMs ? serviceStates(p as SignalValues, s.thresholds).state : null;
    });
    return overallStatus(states);
  }

  private recentDrills(): DrillEffect[] {
    const since = this.clock.now() - 3600_000;
    return this.drills.list(100).filter((d) => drillEnd(d) >= since).map(toEffect);
  }

  /** Tells board viewers when the source's state or error changes (not on every tick). */
  private publishSourceStatus(): void {
    const st = this.source.status();
    const key = sourceKey(st);
    if (key === this.lastSourceKey) return;
    this.lastSourceKey = key;
    this.hub.publish("board", "source", st);
  }

  private publishDrills(): void {
    this.activeDrillKey = this.drillKey();
    const drills = this.recentDrills();
    this.hub.publish("board", "drills", { drills });
    for (const s of this.services) {
      const mine = drills.filter((d) => d.target === s.id || s.dependsOn.includes(d.target));
      this.hub.publish(`service:${s.id}`, "drills", { drills: mine });
    }
  }

  private drillKey(): string {
    return this.drills
      .active()
      .map((d) => d.id)
      .join(",");
  }

  private async backfill(): Promise<void> {
    const began = Date.now();
    const now = Math.floor(this.clock.now() / this.tickMs) * this.tickMs;
    const secondsFrom = now - BACKFILL_SECONDS_MS;
    const minutesFrom = Math.floor((now - BACKFILL_MINUTES_MS) / 60_000) * 60_000;
    const latestStored = await latestSignalMinute(this.store);
    this.storedMinutesUntil = latestStored === null ? -Infinity : latestStored + 60_000;
    const rows: SignalMinute[] = [];
    const minutes = await this.source.backfillMinutes(minutesFrom, Math.floor(secondsFrom / 60_000) * 60_000);
    for (const [id, pts] of Object.entries(minutes)) {
      if (!this.history.has(id)) continue;
      for (const p of pts) {
        this.history.recordMinute(id, p.t, p.values);
        if (p.t >= this.storedMinutesUntil) {
          const row = emptyMinute(id, p.t);
          addToMinute(row, p.values, 60);
          rows.push(row);
        }
      }
    }
    // The simulator is sampled tick by tick; a real source answers one range query per signal.
    const secondPoints: { t: number; values: Record<string, SignalValues> }[] = [];
    if (this.source.kind === "simulator") {
      for (let t = secondsFrom; t < now; t += this.tickMs) secondPoints.push({ t, values: await this.source.sampleAll(t) });
    } else {
      const byService = await this.source.backfillMinutes(secondsFrom, now, this.tickMs);
      const byT = new Map<number, Record<string, SignalValues>>();
      for (const [id, pts] of Object.entries(byService)) for (const p of pts) (byT.get(p.t) ?? byT.set(p.t, {}).get(p.t)!)[id] = p.values;
      for (const t of [...byT.keys()].sort((a, b) => a - b)) secondPoints.push({ t, values: byT.get(t)! });
    }
    for (const { t, values } of secondPoints) {
      for (const [id, v] of Object.entries(values)) {
        if (!this.history.has(id)) continue;
        this.history.record(id, t, v);
        if (t >= this.storedMinutesUntil) {
          const done = this.rollup.add(id, t, v, this.tickMs / 1000);
          if (done) rows.push(done);
        }
      }
    }
    await upsertSignalMinutes(this.store, rows);
    this.lastTick = now - this.tickMs;
    this.logger.info({ ms: Date.now() - began, services: this.services.length }, "history backfilled");
  }

  private scheduleTick(): void {
    const now = this.clock.now();
    const next = Math.floor(now / this.tickMs) * this.tickMs + this.tickMs;
    this.timer = setTimeout(() => void this.runTick(next), Math.max(0, next - now));
  }

  private async runTick(t: number): Promise<void> {
    if (this.ticking) return this.scheduleTick();
    this.ticking = true;
    try {
      await this.tick(t);
    } catch (err) {
      this.logger.error({ err }, "tick failed");
    } finally {
      this.ticking = false;
      if (this.timer !== null) this.scheduleTick();
    }
  }

  private async purge(): Promise<void> {
    try {
      const now = this.clock.now();
      const drills = await purgeDrillsEndedBefore(this.store, now - DRILL_RETENTION_MS);
      this.drills.prune();
      const sli = await this.slos.purge(now);
      const alertEvents = await purgeAlertEventsBefore(this.store, now - ALERT_EVENT_RETENTION_MS);
      const minutes = await purgeSignalMinutesBefore(this.store, now - SIGNAL_MINUTE_RETENTION_MS);
      const pushed = await purgeIngestSamplesBefore(this.store, now - INGEST_RETENTION_MS);
      if (drills + sli + alertEvents + minutes + pushed > 0) this.logger.info({ drills, sli, alertEvents, minutes, pushed }, "old rows purged");
    } catch (err) {
      this.logger.warn({ err }, "purge failed");
    }
  }
}

function sourceKey(st: { state: string; error?: string }): string {
  return `${st.state}|${st.error ?? ""}`;
}

function toEffect(d: DrillEffect): DrillEffect {
  return { id: d.id, kind: d.kind, target: d.target, magnitude: d.magnitude, startedAt: d.startedAt, endsAt: d.endsAt, stoppedAt: d.stoppedAt };
}

function roundSeries(s: Series): Series {
  const out = { t: s.t } as Series;
  for (const k of SIGNALS) out[k] = roundArray(s[k]);
  return out;
}
