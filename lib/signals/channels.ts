import type { Hub } from "../live/hub";
import type { BoardSnapshot, PointValues, Series, ServiceSnapshot, SourceStatus } from "./contract";
import type { Clock } from "../time";
import type { DrillService } from "../drills/service";
import { drillEnd, type DrillEffect } from "../drills/types";
import type { ServiceCatalog } from "./catalog";
import type { SignalHistory } from "./history";
import { Freshness } from "./freshness";
import { roundArray, roundValues } from "./round";
import { overallStatus, serviceStates } from "./state";
import { SIGNALS, type SignalValues } from "./types";

const SPARK_SECONDS = 120;
const SERVICE_SNAPSHOT_SECONDS = 15 * 60;
/** Events kept per channel for resume (docs/protocol.md); older cursors get a snapshot. */
const RESUME_HISTORY = 300;

/**
 * The `board` and `service:<id>` channels (docs/protocol.md): their snapshots, built from the
 * signal history, drills and the source's state, and the events published on them.
 */
export class BoardChannels {
  private readonly hub: Hub;
  private readonly clock: Clock;
  private readonly title: string;
  private readonly tickMs: number;
  private readonly catalog: ServiceCatalog;
  private readonly history: SignalHistory;
  private readonly drills: DrillService;
  private readonly sourceStatus: () => SourceStatus;
  private readonly freshness: Freshness;
  private activeDrillKey = "";
  /** `service:<id>` channels that exist (someone subscribed since the last eviction), with since when nobody watches; see publishServiceTick. */
  private readonly watched = new Map<string, number | null>();
  private readonly publishUnwatched: boolean;
  private lastSourceKey: string;

  constructor(opts: { hub: Hub; clock: Clock; title: string; tickMs: number; catalog: ServiceCatalog; history: SignalHistory; drills: DrillService; sourceStatus: () => SourceStatus; freshness?: Freshness; publishUnwatched?: boolean }) {
    this.publishUnwatched = opts.publishUnwatched ?? true;
    this.hub = opts.hub;
    this.clock = opts.clock;
    this.title = opts.title;
    this.tickMs = opts.tickMs;
    this.catalog = opts.catalog;
    this.history = opts.history;
    this.drills = opts.drills;
    this.sourceStatus = opts.sourceStatus;
    this.freshness = opts.freshness ?? new Freshness(opts.tickMs);
    this.lastSourceKey = sourceKey(opts.sourceStatus());
    this.hub.route("board", (name) => (name === "board" ? { historyLimit: RESUME_HISTORY, lossless: false, snapshot: () => this.boardSnapshot() } : null));
    this.hub.route("service:", (name) => {
      const svc = this.catalog.get(name.slice("service:".length));
      if (svc) this.watched.set(svc.id, null);
      return svc ? { historyLimit: RESUME_HISTORY, lossless: false, snapshot: () => this.serviceSnapshot(svc.id) } : null;
    });
  }

  boardSnapshot(): BoardSnapshot {
    const latest: BoardSnapshot["latest"] = {};
    const spark: BoardSnapshot["spark"] = {};
    const since = this.clock.now() - SPARK_SECONDS * 1000;
    for (const s of this.catalog.services) {
      const p = this.history.latest(s.id);
      latest[s.id] = p ? roundValues(p) : null;
      const cols = this.history.recentColumns(s.id, since, ["p99", "rps", "errorPct"] as const);
      spark[s.id] = { t: cols.t, p99: roundArray(cols.p99), rps: roundArray(cols.rps), errorPct: roundArray(cols.errorPct) };
    }
    return {
      title: this.title,
      tickMs: this.tickMs,
      services: [...this.catalog.services],
      latest,
      spark,
      drills: this.recentDrills(),
      source: this.sourceStatus(),
    };
  }

  serviceSnapshot(id: string): ServiceSnapshot {
    const service = this.catalog.get(id)!;
    const series = this.history.recent(id, this.clock.now() - SERVICE_SNAPSHOT_SECONDS * 1000);
    return { service, series: roundSeries(series), drills: this.recentDrills().filter((d) => d.target === id || service.dependsOn.includes(d.target)) };
  }

  /** The metric source's state as viewers see it (on a follower: the leader's). */
  sourceState(): SourceStatus {
    return this.sourceStatus();
  }

  /** Overall status from the newest points (a stale service counts as unknown, lib/signals/freshness.ts), for /health and the banner. */
  overall() {
    const now = this.clock.now();
    const states = this.catalog.services.map((s) => {
      const p = this.history.latest(s.id);
      return p && !this.freshness.isStale(s.id, p.t, now) ? serviceStates(p as SignalValues, s.thresholds).state : null;
    });
    return overallStatus(states);
  }

  /** One board tick: the newest point of each service in `points`. */
  publishBoardTick(t: number, points: Record<string, PointValues>): void {
    this.hub.publish("board", "tick", { t, points });
  }

  /**
   * On one instance a service channel nobody ever subscribed to is not created by its ticks: each
   * would keep its resume history (RESUME_HISTORY frames) for every service of a large estate. Its
   * first subscriber gets a snapshot anyway. With several instances the subscriber may be elsewhere.
   */
  publishServiceTick(id: string, t: number, point: PointValues): void {
    if (!this.publishUnwatched && !this.watched.has(id)) return;
    this.hub.publish(`service:${id}`, "tick", { t, point });
  }

  /** Drops the service channels nobody has watched for `idleMs` (their ticks stop creating them again). */
  evictIdle(idleMs: number): void {
    const now = this.clock.now();
    for (const [id, since] of this.watched) {
      const subscribed = (this.hub.channel(`service:${id}`)?.subscriberCount ?? 0) > 0;
      if (subscribed) this.watched.set(id, null);
      else if (since === null) this.watched.set(id, now);
      else if (now - since >= idleMs) {
        // Whatever its last activity (its ticks keep it active): the hub drops it now. A prefix
        // sibling without viewers (service:ab for service:a) is dropped too, and only recreated.
        this.watched.delete(id);
        this.hub.evictIdle(`service:${id}`, -Infinity);
      }
    }
  }

  /** Tells board viewers when the source's state or error changes (not on every tick). */
  publishSourceStatus(): void {
    const st = this.sourceStatus();
    const key = sourceKey(st);
    if (key === this.lastSourceKey) return;
    this.lastSourceKey = key;
    this.hub.publish("board", "source", st);
  }

  /** Publishes the drills when the set of active ones changed since the last call (a drill ended on its own). */
  publishDrillsIfChanged(): void {
    if (this.drillKey() !== this.activeDrillKey) this.publishDrills();
  }

  /** Remembers the active drills without publishing (at start, before anyone is subscribed). */
  syncDrills(): void {
    this.activeDrillKey = this.drillKey();
  }

  publishDrills(): void {
    this.activeDrillKey = this.drillKey();
    const drills = this.recentDrills();
    this.hub.publish("board", "drills", { drills });
    for (const s of this.catalog.services) {
      const mine = drills.filter((d) => d.target === s.id || s.dependsOn.includes(d.target));
      this.hub.publish(`service:${s.id}`, "drills", { drills: mine });
    }
  }

  private recentDrills(): DrillEffect[] {
    const since = this.clock.now() - 3600_000;
    return this.drills.list(100).filter((d) => drillEnd(d) >= since).map(toEffect);
  }

  private drillKey(): string {
    return this.drills
      .active()
      .map((d) => d.id)
      .join(",");
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
