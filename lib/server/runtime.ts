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
import type { BoardSnapshot, PointValues, Series, ServiceInfo, ServiceSnapshot } from "../live/protocol";
import type { MetricSource } from "../sources/types";
import { SimulatorSource } from "../sources/simulator-source";
import { SloTracker, type SloStatus } from "../slo/tracker";
import { burnObservations } from "../slo/burn-observations";
import { AlertEngine } from "../alerts/engine";
import { visibleAlerts } from "../alerts/inhibition";
import type { Alert } from "../alerts/model";
import { purgeAlertEventsBefore } from "../store/alerts";
import type { SignalPoint } from "../signals/types";
import type { IncidentCtx } from "../incidents/context";
import { recordAlertChange } from "../incidents/service";
import { IncidentLive } from "./incident-live";
import { RunbookLibrary } from "../runbooks/library";

const SPARK_SECONDS = 120;
const SERVICE_SNAPSHOT_SECONDS = 15 * 60;
const RESUME_HISTORY = 300;
const BACKFILL_MINUTES_MS = 7 * 24 * 3600_000;
const BACKFILL_SECONDS_MS = 3600_000;
const DRILL_RETENTION_MS = 90 * 24 * 3600_000;
const ALERT_EVENT_RETENTION_MS = 90 * 24 * 3600_000;
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
    this.source = new SimulatorSource({
      seed: opts.config.source.seed,
      services: opts.config.services,
      drills: (from) => this.drills.effectiveSince(from),
    });
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
    if (this.opts.backfill !== false) await this.backfill();
    await this.slos.load(this.clock.now(), this.opts.backfill !== false ? (from, to, step) => this.source.backfillMinutes(from, to, step) : undefined);
    this.activeDrillKey = this.drillKey();
    if (this.opts.autoTick !== false) this.scheduleTick();
    this.heartbeatTimer = setInterval(() => this.hub.heartbeat(), this.opts.heartbeatMs ?? 15_000);
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
  }

  stopTimers(): void {
    this.runbooks.close();
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.timer = this.heartbeatTimer = this.purgeTimer = null;
  }

  /** Samples the source at tick time `t`, records it and publishes it. Exposed for tests. */
  async tick(t: number): Promise<void> {
    if (this.lastTick !== null && t <= this.lastTick) return;
    this.lastTick = t;
    const values = await this.source.sampleAll(t);
    const points: Record<string, PointValues> = {};
    for (const [id, v] of Object.entries(values)) {
      if (!this.history.record(id, t, v)) continue;
      const rounded = roundValues(v);
      points[id] = rounded;
      this.hub.publish(`service:${id}`, "tick", { t, point: rounded });
    }
    this.hub.publish("board", "tick", { t, points });
    const key = this.drillKey();
    if (key !== this.activeDrillKey) this.publishDrills();

    await this.slos.record(t, values, this.tickMs / 1000);
    const statuses = this.slos.status(t);
    const latest: Record<string, SignalPoint | null> = {};
    for (const s of this.services) latest[s.id] = this.history.latest(s.id);
    for (const change of await this.alerts.evaluate(t, latest, burnObservations(statuses))) {
      this.hub.publish("alerts", "change", change);
      await recordAlertChange({ ctx: this.incidents, change, at: t }).catch((err: unknown) => this.logger.warn({ err }, "could not record alert on incidents"));
    }
    if (t % SLO_PUBLISH_EVERY_MS < this.tickMs) this.hub.publish("slos", "update", { slos: statuses });
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
    const minutes = await this.source.backfillMinutes(minutesFrom, Math.floor(secondsFrom / 60_000) * 60_000);
    for (const [id, pts] of Object.entries(minutes)) {
      if (!this.history.has(id)) continue;
      for (const p of pts) this.history.recordMinute(id, p.t, p.values);
    }
    for (let t = secondsFrom; t < now; t += this.tickMs) {
      const values = await this.source.sampleAll(t);
      for (const [id, v] of Object.entries(values)) if (this.history.has(id)) this.history.record(id, t, v);
    }
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
      if (drills + sli + alertEvents > 0) this.logger.info({ drills, sli, alertEvents }, "old rows purged");
    } catch (err) {
      this.logger.warn({ err }, "purge failed");
    }
  }
}

function toEffect(d: DrillEffect): DrillEffect {
  return { id: d.id, kind: d.kind, target: d.target, magnitude: d.magnitude, startedAt: d.startedAt, endsAt: d.endsAt, stoppedAt: d.stoppedAt };
}

function roundSeries(s: Series): Series {
  const out = { t: s.t } as Series;
  for (const k of SIGNALS) out[k] = roundArray(s[k]);
  return out;
}
