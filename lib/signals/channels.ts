import type { Hub } from "../live/hub";
import { BoardTickSchema, type BoardFrame, type BoardSnapshot, type BoardSummary, type BoardTick, type PointValues, type Series, type ServiceInfo, type ServiceSnapshot, type SourceStatus } from "./contract";
import type { Clock } from "../time";
import type { DrillService } from "../drills/service";
import { drillEnd, type DrillEffect } from "../drills/types";
import type { ServiceCatalog } from "./catalog";
import type { SignalHistory } from "./history";
import { Freshness, serviceStale } from "./freshness";
import { roundArray, roundSig, roundValues } from "./round";
import { overallStatus, serviceStates } from "./state";
import { SIGNALS, type SignalValues, type Thresholds } from "./types";
import { BoardDelta } from "./board-delta";
import { commonThreshold, summarizeBoard } from "./summary";

const SPARK_SECONDS = 120;
/**
 * Sparkline points in one board snapshot over all services: 8 services get every second of the
 * last 2 minutes, 1,000 get every 20th, so the first page of a large estate stays small (SPEC §11,
 * ≤ 500 KB). Live ticks then add every second.
 */
const SPARK_POINT_BUDGET = 6_000;
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
  private readonly delta = new BoardDelta();
  private readonly errThreshold: ReturnType<typeof commonThreshold>;
  private readonly commonThresholds: Thresholds;

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
    this.errThreshold = commonThreshold(this.catalog.services, "errorPct");
    this.commonThresholds = mostCommonThresholds(this.catalog.services);
    // Ticks another instance published are what viewers hold now: the next diff starts from them.
    this.hub.onRemote("board", (_f, parsed) => {
      const m = parsed();
      if (m?.event !== "tick") return;
      const tick = BoardTickSchema.safeParse(m.data);
      if (tick.success) this.delta.absorb(tick.data.points);
    });
    this.hub.onResync(() => this.delta.reset());
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
    const perService = SPARK_POINT_BUDGET / Math.max(1, this.catalog.services.length);
    const stride = Math.max(1, Math.ceil(SPARK_SECONDS / Math.max(1, perService) / (this.tickMs / 1000)));
    for (const s of this.catalog.services) {
      const p = this.history.latest(s.id);
      latest[s.id] = p ? roundValues(p) : null;
      const cols = this.history.recentColumns(s.id, since, ["p99", "rps", "errorPct"] as const);
      const pick = thin(cols.t.length, stride);
      const t = pick(cols.t);
      spark[s.id] = { dt: t.map((x, i) => (i === 0 ? x : x - t[i - 1])), p99: pick(cols.p99).map(display), rps: pick(cols.rps).map(display), errorPct: pick(cols.errorPct).map(display) };
    }
    return {
      title: this.title,
      tickMs: this.tickMs,
      thresholds: this.commonThresholds,
      services: this.catalog.services.map((s) => (sameThresholds(s.thresholds, this.commonThresholds) ? { ...s, thresholds: undefined } : s)),
      latest,
      spark,
      drills: this.recentDrills(),
      source: this.sourceStatus(),
      summary: this.summary(),
    };
  }

  /** The snapshot with the `board` channel's position, for the page and the polling fallback (GET /api/v1/board). */
  boardFrame(): BoardFrame {
    const ch = this.hub.channel("board");
    return { epoch: ch?.epoch ?? "", seq: ch?.seq ?? 0, data: this.boardSnapshot() };
  }

  /** The banner's aggregates from every service's fresh point (lib/signals/summary.ts), rounded like points. */
  summary(): BoardSummary {
    const now = this.clock.now();
    const source = this.sourceStatus();
    const stale: string[] = [];
    const s = summarizeBoard(this.catalog.services, (id) => {
      const p = this.history.latest(id);
      if (!p) return null;
      if (!serviceStale(this.freshness, source, this.catalog.get(id) ?? { id }, p.t, now)) return p;
      stale.push(id);
      return null;
    }, this.errThreshold);
    const r = <T extends { value: number } | null>(h: T): T => (h ? { ...h, value: roundSig(h.value) } : h);
    return {
      ...s,
      worstP99: r(s.worstP99),
      errorRate: r(s.errorRate),
      saturation: r(s.saturation),
      throughput: s.throughput === null ? null : roundSig(s.throughput),
      ...(stale.length ? { stale } : {}),
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
    const source = this.sourceStatus();
    const states = this.catalog.services.map((s) => {
      const p = this.history.latest(s.id);
      return p && !serviceStale(this.freshness, source, s, p.t, now) ? serviceStates(p as SignalValues, s.thresholds).state : null;
    });
    return overallStatus(states);
  }

  /**
   * One board tick: of the newest points in `points`, only what changed since the last tick
   * (docs/protocol.md), plus the banner's aggregates. `partial`: only these services were sampled
   * (push ingest); their points go in full, so instances that publish in turn never disagree.
   */
  publishBoardTick(t: number, points: Record<string, PointValues>, opts: { partial?: boolean } = {}): void {
    this.hub.publish("board", "tick", this.boardTick(t, points, opts));
  }

  /** The `tick` event for `points` (separate from publishing so a test can read it). */
  boardTick(t: number, points: Record<string, PointValues>, opts: { partial?: boolean } = {}): BoardTick {
    if (opts.partial) {
      this.delta.diff(points);
      return { t, points, partial: true, summary: this.summary() };
    }
    const absent = this.catalog.services.filter((s) => !(s.id in points)).map((s) => s.id);
    return { t, points: this.delta.diff(points, (id) => this.catalog.get(id)?.thresholds), ...(absent.length ? { absent } : {}), summary: this.summary() };
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

/** The thresholds object most services have, so the snapshot names it once. */
function mostCommonThresholds(services: readonly ServiceInfo[]): Thresholds {
  const tally = new Map<string, { t: Thresholds; n: number }>();
  for (const s of services) {
    const k = JSON.stringify(s.thresholds);
    const e = tally.get(k) ?? { t: s.thresholds, n: 0 };
    e.n++;
    tally.set(k, e);
  }
  let best: { t: Thresholds; n: number } | undefined;
  for (const e of tally.values()) if (!best || e.n > best.n) best = e;
  return best?.t ?? {};
}

function sameThresholds(a: Thresholds, b: Thresholds): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** 3 significant digits: what a sparkline can show. */
function display(v: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(3)) : Number.isFinite(v) ? v : 0;
}

/** Every `stride`-th element, always ending with the newest. */
function thin(n: number, stride: number): <T>(a: readonly T[]) => T[] {
  return (a) => {
    if (stride <= 1) return a.slice();
    const out: (typeof a)[number][] = [];
    for (let i = (n - 1) % stride; i < n; i += stride) out.push(a[i]);
    return out;
  };
}

function roundSeries(s: Series): Series {
  const out = { t: s.t } as Series;
  for (const k of SIGNALS) out[k] = roundArray(s[k]);
  return out;
}
