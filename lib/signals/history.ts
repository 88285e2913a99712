import { Aggregator } from "./aggregate";
import { SeriesRing } from "./ring";
import { SIGNALS, type SignalPoint, type SignalValues } from "./types";
import type { Series } from "./contract";
import { deriveSeries, deriveTicks, type HistoryDeriver } from "./derive";
import { StoreUnavailable } from "../errors";
import { roundTo } from "./round";
import { MemoryMinuteStore, type MinutePoint, type MinuteStore } from "./minute-store";

const MINUTE = 60_000;

export type HistoryOptions = {
  /** Points kept at full (1 s) resolution; default one hour. */
  secondsCapacity?: number;
  /** One-minute points kept by the default in-memory minute store; default 7 days + 1 hour. */
  minutesCapacity?: number;
  /**
   * Where kept services' closed minutes go and long ranges are read from (the war room: the
   * store, lib/signals/minute-store.ts). Without one they are kept in memory.
   */
  minutes?: MinuteStore;
  /**
   * Services whose history is a pure function of time keep only their newest `ticks` points;
   * longer ranges and the part of a recent window before them are derived (lib/signals/derive.ts).
   */
  derive?: { deriver: HistoryDeriver; tickMs: number; ticks: number };
};

export const MAX_SERIES_POINTS = 2000;

/**
 * Closed minutes a kept service holds in memory until the store has them: they are read with what
 * the store returns (newer wins), so a minute being written is never missing from a chart.
 */
const RECENT_MINUTES = 3;
/** Closed minutes waiting to be written, across services, before the oldest are dropped (a store that is never drained). */
const OUTBOX_CAP = 200_000;

type ServiceHistory = {
  seconds: SeriesRing;
  /** False for a derived service (its long ranges are computed on demand). */
  kept: boolean;
  minuteAgg: Aggregator;
  minuteStart: number | null;
  /** The newest closed minutes, oldest first (at most RECENT_MINUTES). */
  recentMinutes: SignalPoint[];
  /** A derived service that started being fed otherwise (pushed samples): before this its history is still derived. */
  derivedUntil: number | null;
};

/**
 * Recent golden signals per service: the last hour at tick resolution in memory, and for kept
 * services one-minute points for seven days in a MinuteStore (the store in the war room), enough
 * for every time range of the service page. Memory per kept service is bounded by its tick ring.
 */
export class SignalHistory {
  private readonly services = new Map<string, ServiceHistory>();
  private readonly derive: HistoryOptions["derive"];
  private readonly minutes: MinuteStore;
  /** Written at once when the minute store is in memory; else handed out by `takeClosedMinutes`. */
  private readonly memoryMinutes: MemoryMinuteStore | null;
  private outbox: MinutePoint[] = [];
  private readonly secondsCapacity: number;

  constructor(serviceIds: readonly string[], opts: HistoryOptions = {}) {
    const secondsCapacity = opts.secondsCapacity ?? 3600;
    this.derive = opts.derive;
    this.minutes = opts.minutes ?? new MemoryMinuteStore(opts.minutesCapacity ?? 7 * 1440 + 60);
    this.memoryMinutes = this.minutes instanceof MemoryMinuteStore ? this.minutes : null;
    for (const id of serviceIds) {
      const derived = this.derive?.deriver.derives(id) ?? false;
      this.services.set(id, {
        // A kept service's hour is compact (float32 values but the newest, lib/signals/ring.ts); a derived one's few ticks are whole, as derived points are.
        seconds: derived ? new SeriesRing(this.derive!.ticks) : new SeriesRing(secondsCapacity, { compact: true }),
        kept: !derived,
        minuteAgg: new Aggregator({ peaks: true }),
        minuteStart: null,
        recentMinutes: [],
        derivedUntil: null,
      });
    }
    this.secondsCapacity = secondsCapacity;
  }

  /**
   * From now on the service's history is kept as recorded (pushed samples are not what the
   * simulator derives, lib/ingest/apply.ts); what came before `t` stays derived.
   */
  keep(serviceId: string, t: number): void {
    const h = this.get(serviceId);
    if (h.kept) return;
    const seconds = new SeriesRing(this.secondsCapacity, { compact: true });
    for (let i = 0; i < h.seconds.size; i++) seconds.push(h.seconds.timeAt(i), h.seconds.pointAt(i));
    this.services.set(serviceId, { seconds, kept: true, minuteAgg: new Aggregator({ peaks: true }), minuteStart: null, recentMinutes: [], derivedUntil: t });
  }

  /** True when the service's history before `t` is derived (wholly derived, or before it was fed otherwise). */
  private derivedBefore(serviceId: string, t: number): boolean {
    const h = this.get(serviceId);
    return !h.kept || (h.derivedUntil !== null && t <= h.derivedUntil);
  }

  /** True when the service's history beyond its newest ticks is derived, not kept. */
  derived(serviceId: string): boolean {
    return !this.get(serviceId).kept;
  }

  ids(): string[] {
    return [...this.services.keys()];
  }

  has(serviceId: string): boolean {
    return this.services.has(serviceId);
  }

  /** Points held in memory across services: tick rings and the newest closed minutes (bounded by their capacities, whatever the uptime). */
  heldPoints(): number {
    let n = 0;
    for (const h of this.services.values()) n += h.seconds.size + h.recentMinutes.length;
    return n;
  }

  /** Records a tick-resolution point and rolls it up into its minute. Older points are ignored. */
  record(serviceId: string, t: number, values: SignalValues): boolean {
    const h = this.get(serviceId);
    if (!h.seconds.push(t, values)) return false;
    if (!h.kept) return true;
    const minute = Math.floor(t / MINUTE) * MINUTE;
    if (h.minuteStart !== null && minute !== h.minuteStart) {
      this.closeMinute(serviceId, h);
      h.minuteAgg.reset();
    }
    h.minuteStart = minute;
    h.minuteAgg.add(values);
    return true;
  }

  private closeMinute(serviceId: string, h: ServiceHistory): void {
    if (h.minuteStart === null || h.minuteAgg.count === 0) return;
    const values = h.minuteAgg.result();
    h.recentMinutes.push({ t: h.minuteStart, ...values });
    if (h.recentMinutes.length > RECENT_MINUTES) h.recentMinutes.shift();
    const row = { service: serviceId, start: h.minuteStart, values };
    if (this.memoryMinutes) {
      this.memoryMinutes.writeNow([row]);
      return;
    }
    this.outbox.push(row);
    if (this.outbox.length > OUTBOX_CAP) this.outbox.splice(0, this.outbox.length - OUTBOX_CAP);
  }

  /**
   * Minutes closed since the last call, for the caller to write to the minute store (given in the
   * options; none when it is in memory, where they are written at once). lib/ingest/recorder.ts
   * writes them with the minute rollups in one transaction, as the war room's minute store is its
   * store (lib/server/root.ts); a follower, whose leader writes them, drops them.
   */
  takeClosedMinutes(): MinutePoint[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  /** Minutes taken but not written (the store was unavailable): written with the next ones; the oldest are dropped past OUTBOX_CAP. */
  requeueMinutes(rows: readonly MinutePoint[]): void {
    if (rows.length === 0) return;
    this.outbox = [...rows, ...this.outbox];
    if (this.outbox.length > OUTBOX_CAP) this.outbox.splice(0, this.outbox.length - OUTBOX_CAP);
  }

  /** The open minute of every kept service (written at shutdown; a later write of the same minute replaces it). */
  openMinutes(): MinutePoint[] {
    const out: MinutePoint[] = [];
    for (const [service, h] of this.services) if (h.kept && h.minuteStart !== null && h.minuteAgg.count > 0) out.push({ service, start: h.minuteStart, values: h.minuteAgg.result() });
    return out;
  }

  /** Writes ready-made one-minute points (backfill) of kept services to the minute store. */
  async writeMinutes(rows: readonly MinutePoint[]): Promise<void> {
    await this.minutes.write(rows.filter((r) => this.services.get(r.service)?.kept).map((r) => ({ ...r, start: Math.floor(r.start / MINUTE) * MINUTE })));
  }

  /** First and last stored minute of each of the services (backfill asks the source only for what is missing). */
  storedMinuteSpans(services: readonly string[]): Promise<Map<string, { first: number; last: number }>> {
    return this.minutes.spans(services);
  }

  latest(serviceId: string): SignalPoint | null {
    return this.get(serviceId).seconds.latest();
  }

  /** The newest `seconds` worth of tick points, unaggregated. */
  recent(serviceId: string, sinceT: number): Series {
    const ring = this.get(serviceId).seconds;
    const out = emptySeries();
    const first = ring.firstT();
    if (this.derive && first !== null && first > sinceT && this.derivedBefore(serviceId, first)) deriveTicks(this.derive.deriver, serviceId, sinceT, first, this.derive.tickMs, out);
    collect(ring, ring.lowerBound(sinceT), ring.size, out);
    return out;
  }

  /** Only the named signals of recent points (board sparklines). */
  recentColumns<K extends keyof SignalValues>(serviceId: string, sinceT: number, keys: readonly K[]) {
    const ring = this.get(serviceId).seconds;
    const start = ring.lowerBound(sinceT);
    const cols: Record<string, number[]> = { t: [] };
    for (const k of keys) cols[k] = [];
    const first = ring.firstT();
    if (this.derive && first !== null && first > sinceT && this.derivedBefore(serviceId, first)) {
      const d = emptySeries();
      deriveTicks(this.derive.deriver, serviceId, sinceT, first, this.derive.tickMs, d);
      cols.t.push(...d.t);
      for (const k of keys) cols[k].push(...d[k]);
    }
    for (let i = start; i < ring.size; i++) {
      cols.t.push(ring.timeAt(i));
      for (const k of keys) cols[k].push(ring.valueAt(i, k));
    }
    return cols as { t: number[] } & Record<K, number[]>;
  }

  /**
   * Points in [from, to] in buckets of `stepSeconds`, from the tick-resolution ring when it
   * covers `from` and the step is under a minute, else from the one-minute points (the minute
   * store, the newest closed minutes held here, and the open minute).
   */
  async query(serviceId: string, from: number, to: number, stepSeconds: number): Promise<Series> {
    const h = this.get(serviceId);
    const stepMs = stepSeconds * 1000;
    if (!h.kept) return this.queryDerived(h.seconds, serviceId, from, to, stepMs);
    if (h.derivedUntil !== null && from < h.derivedUntil && this.derive) {
      // Derived up to the first bucket the kept points start in, kept from there on.
      const bucketMs = stepMs < MINUTE ? stepMs : Math.max(MINUTE, Math.ceil(stepMs / MINUTE) * MINUTE);
      const seam = Math.floor(h.derivedUntil / bucketMs) * bucketMs;
      const out = emptySeries();
      if (seam > from) deriveSeries(this.derive.deriver, serviceId, from, seam - 1, stepMs, this.derive.tickMs, out);
      const kept = await this.queryKept(serviceId, h, Math.max(from, seam), to, stepMs);
      out.t.push(...kept.t);
      for (const k of SIGNALS) out[k].push(...kept[k]);
      return out;
    }
    return this.queryKept(serviceId, h, from, to, stepMs);
  }

  private async queryKept(serviceId: string, h: ServiceHistory, from: number, to: number, stepMs: number): Promise<Series> {
    const seconds = h.seconds;
    const secondsFrom = seconds.firstT();
    // Fine steps the tick ring covers never wait for the store.
    if (stepMs < MINUTE && secondsFrom !== null && from >= secondsFrom) return bucketed(seconds, from, to, stepMs, emptySeries());
    const bucketMs = Math.max(MINUTE, Math.ceil(stepMs / MINUTE) * MINUTE);
    const minutes = await this.minutePoints(serviceId, h, from, to);
    // A store outage leaves what memory holds: the tick ring's hour (in minute buckets for coarse steps), the live views keep working.
    if (minutes === null) return secondsFrom === null ? emptySeries() : bucketed(seconds, from, to, stepMs < MINUTE ? stepMs : bucketMs, emptySeries());
    const minutesFrom = minutes.length > 0 ? minutes[0].t : null;
    // Fine steps come from the tick ring unless the minutes reach further back than it does.
    const rollupsOlder = minutesFrom !== null && secondsFrom !== null && minutesFrom < secondsFrom - MINUTE;
    if (stepMs < MINUTE && secondsFrom !== null && !rollupsOlder) return bucketed(seconds, from, to, stepMs, emptySeries());
    return bucketed(arrayPoints(minutes), from, to, bucketMs, emptySeries());
  }

  /**
   * Stored minutes in [from, to], oldest first, with the closed minutes held here and the open one
   * in place of the stored ones of the same start (memory is newer). Null during a store outage.
   */
  private async minutePoints(serviceId: string, h: ServiceHistory, from: number, to: number): Promise<SignalPoint[] | null> {
    const fromMinute = Math.floor(from / MINUTE) * MINUTE;
    let stored: SignalPoint[];
    try {
      stored = await this.minutes.list(serviceId, fromMinute, to);
    } catch (err) {
      if (err instanceof StoreUnavailable) return null;
      throw err;
    }
    const held = [...h.recentMinutes];
    if (h.minuteStart !== null && h.minuteAgg.count > 0) held.push({ t: h.minuteStart, ...h.minuteAgg.result() });
    if (held.length === 0) return stored;
    const byT = new Map<number, SignalPoint>();
    for (const p of stored) byT.set(p.t, p);
    for (const p of held) if (p.t >= fromMinute && p.t <= to) byT.set(p.t, p);
    return [...byT.values()].sort((a, b) => a.t - b.t);
  }

  /** Fine steps the tick ring covers come from it; the rest is derived, never past the newest tick. */
  private queryDerived(ring: SeriesRing, serviceId: string, from: number, to: number, stepMs: number): Series {
    const out = emptySeries();
    const last = ring.lastT();
    const first = ring.firstT();
    if (last === null || first === null || !this.derive) return out;
    if (stepMs < MINUTE && from >= first) return bucketed(ring, from, to, stepMs, out);
    deriveSeries(this.derive.deriver, serviceId, from, Math.min(to, last), stepMs, this.derive.tickMs, out);
    return out;
  }

  private get(serviceId: string): ServiceHistory {
    const h = this.services.get(serviceId);
    if (!h) throw new Error(`unknown service ${serviceId}`);
    return h;
  }
}

export function emptySeries(): Series {
  const s = { t: [] as number[] } as Series;
  for (const k of SIGNALS) s[k] = [];
  return s;
}

/** Points by index, oldest first: a tick ring, or minutes read from the store. */
type Points = { size: number; lowerBound(from: number): number; timeAt(i: number): number; pointAt(i: number): SignalValues };

function arrayPoints(points: readonly SignalPoint[]): Points {
  return {
    size: points.length,
    lowerBound(from) {
      let lo = 0;
      let hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (points[mid].t < from) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    timeAt: (i) => points[i].t,
    pointAt: (i) => points[i],
  };
}

/** Buckets of `bucketMs`: latency and error signals at their peak, traffic and saturation as means (lib/signals/aggregate.ts). */
function bucketed(points: Points, from: number, to: number, bucketMs: number, out: Series): Series {
  // A compact ring's values are float32s: shown to the 7 digits they have (0.1, not 0.10000000149011612).
  const digits = points instanceof SeriesRing && points.compact ? 7 : null;
  const agg = new Aggregator({ peaks: true });
  let bucket: number | null = null;
  for (let i = points.lowerBound(from); i < points.size; i++) {
    const t = points.timeAt(i);
    if (t > to) break;
    const b = Math.floor(t / bucketMs) * bucketMs;
    if (bucket !== null && b !== bucket) {
      pushAgg(out, bucket, agg, digits);
      agg.reset();
    }
    bucket = b;
    agg.add(points.pointAt(i));
  }
  if (bucket !== null && agg.count > 0) pushAgg(out, bucket, agg, digits);
  return out;
}

function collect(ring: SeriesRing, start: number, end: number, out: Series): Series {
  for (let i = start; i < end; i++) {
    out.t.push(ring.timeAt(i));
    for (const k of SIGNALS) out[k].push(ring.valueAt(i, k));
  }
  return out;
}

function pushAgg(out: Series, t: number, agg: Aggregator, digits: number | null): void {
  const v = agg.result();
  out.t.push(t);
  for (const k of SIGNALS) out[k].push(digits === null ? v[k] : roundTo(v[k], digits));
}
