import { Aggregator } from "./aggregate";
import { SeriesRing } from "./ring";
import { SIGNALS, type SignalPoint, type SignalValues } from "./types";
import type { Series } from "./contract";
import { deriveSeries, deriveTicks, type HistoryDeriver } from "./derive";

const MINUTE = 60_000;

export type HistoryOptions = {
  /** Points kept at full (1 s) resolution; default one hour. */
  secondsCapacity?: number;
  /** One-minute rollups kept; default 7 days + 1 hour. */
  minutesCapacity?: number;
  /**
   * Services whose history is a pure function of time keep only their newest `ticks` points;
   * longer ranges and the part of a recent window before them are derived (lib/signals/derive.ts).
   */
  derive?: { deriver: HistoryDeriver; tickMs: number; ticks: number };
};

export const MAX_SERIES_POINTS = 2000;

/** `minutes` is null for a derived service (its long ranges are computed on demand). */
type ServiceHistory = {
  seconds: SeriesRing;
  minutes: SeriesRing | null;
  minuteAgg: Aggregator;
  minuteStart: number | null;
  /** The open minute's aggregate has points `minutes` does not show yet (written by `flushMinute`). */
  minutePending: boolean;
  /** A derived service that started being fed otherwise (pushed samples): before this its history is still derived. */
  derivedUntil: number | null;
};

/** Writes the open minute's aggregate into `minutes` (replacing what it showed of that minute before). */
function flushMinute(h: ServiceHistory): void {
  if (!h.minutePending || !h.minutes || h.minuteStart === null) return;
  h.minutes.push(h.minuteStart, h.minuteAgg.result());
  h.minutePending = false;
}

/**
 * Recent golden signals per service, in memory: the last hour at tick resolution and
 * seven days of one-minute rollups, enough for every time range of the service page.
 */
export class SignalHistory {
  private readonly services = new Map<string, ServiceHistory>();
  private readonly derive: HistoryOptions["derive"];

  constructor(serviceIds: readonly string[], opts: HistoryOptions = {}) {
    const secondsCapacity = opts.secondsCapacity ?? 3600;
    const minutesCapacity = opts.minutesCapacity ?? 7 * 1440 + 60;
    this.derive = opts.derive;
    for (const id of serviceIds) {
      const derived = this.derive?.deriver.derives(id) ?? false;
      this.services.set(id, {
        seconds: new SeriesRing(derived ? this.derive!.ticks : secondsCapacity),
        minutes: derived ? null : new SeriesRing(minutesCapacity),
        minuteAgg: new Aggregator({ peaks: true }),
        minuteStart: null,
        minutePending: false,
        derivedUntil: null,
      });
    }
    this.secondsCapacity = secondsCapacity;
    this.minutesCapacity = minutesCapacity;
  }

  private readonly secondsCapacity: number;
  private readonly minutesCapacity: number;

  /**
   * From now on the service's history is kept as recorded (pushed samples are not what the
   * simulator derives, lib/ingest/apply.ts); what came before `t` stays derived.
   */
  keep(serviceId: string, t: number): void {
    const h = this.get(serviceId);
    if (h.minutes) return;
    const seconds = new SeriesRing(this.secondsCapacity);
    for (let i = 0; i < h.seconds.size; i++) seconds.push(h.seconds.timeAt(i), h.seconds.pointAt(i));
    this.services.set(serviceId, { seconds, minutes: new SeriesRing(this.minutesCapacity), minuteAgg: new Aggregator({ peaks: true }), minuteStart: null, minutePending: false, derivedUntil: t });
  }

  /** True when the service's history before `t` is derived (wholly derived, or before it was fed otherwise). */
  private derivedBefore(serviceId: string, t: number): boolean {
    const h = this.get(serviceId);
    return h.minutes === null || (h.derivedUntil !== null && t <= h.derivedUntil);
  }

  /** True when the service's history beyond its newest ticks is derived, not kept. */
  derived(serviceId: string): boolean {
    return this.get(serviceId).minutes === null;
  }

  ids(): string[] {
    return [...this.services.keys()];
  }

  has(serviceId: string): boolean {
    return this.services.has(serviceId);
  }

  /** Records a tick-resolution point and rolls it up into its minute. Older points are ignored. */
  record(serviceId: string, t: number, values: SignalValues): boolean {
    const h = this.get(serviceId);
    if (!h.seconds.push(t, values)) return false;
    if (!h.minutes) return true;
    const minute = Math.floor(t / MINUTE) * MINUTE;
    if (h.minuteStart !== null && minute !== h.minuteStart) {
      flushMinute(h);
      h.minuteAgg.reset();
    }
    h.minuteStart = minute;
    h.minuteAgg.add(values);
    // The open minute is visible too (long ranges reach up to now), but written to `minutes` only
    // when it closes or is read: push ingest records thousands of points a minute per service.
    h.minutePending = true;
    return true;
  }

  /** Records a ready-made one-minute rollup (backfill). */
  recordMinute(serviceId: string, minute: number, values: SignalValues): void {
    const h = this.get(serviceId);
    flushMinute(h);
    h.minutes?.push(Math.floor(minute / MINUTE) * MINUTE, values);
  }

  /** Records a one-minute rollup older than every minute held (backfill that runs backwards after the war room is live); false when refused. */
  recordMinuteBefore(serviceId: string, minute: number, values: SignalValues): boolean {
    return this.get(serviceId).minutes?.unshift(Math.floor(minute / MINUTE) * MINUTE, values) ?? false;
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
   * covers `from` and the step is under a minute, else from the minute rollups.
   */
  query(serviceId: string, from: number, to: number, stepSeconds: number): Series {
    const h = this.get(serviceId);
    flushMinute(h);
    const stepMs = stepSeconds * 1000;
    const minutes = h.minutes;
    if (!minutes) return this.queryDerived(h.seconds, serviceId, from, to, stepMs);
    if (h.derivedUntil !== null && from < h.derivedUntil && this.derive) {
      // Derived up to the first bucket the kept rings start in, kept from there on.
      const bucketMs = stepMs < MINUTE ? stepMs : Math.max(MINUTE, Math.ceil(stepMs / MINUTE) * MINUTE);
      const seam = Math.floor(h.derivedUntil / bucketMs) * bucketMs;
      const out = emptySeries();
      if (seam > from) deriveSeries(this.derive.deriver, serviceId, from, seam - 1, stepMs, this.derive.tickMs, out);
      const kept = this.queryKept(h.seconds, minutes, Math.max(from, seam), to, stepMs);
      out.t.push(...kept.t);
      for (const k of SIGNALS) out[k].push(...kept[k]);
      return out;
    }
    return this.queryKept(h.seconds, minutes, from, to, stepMs);
  }

  private queryKept(seconds: SeriesRing, minutes: SeriesRing, from: number, to: number, stepMs: number): Series {
    const secondsFrom = seconds.firstT();
    const minutesFrom = minutes.firstT();
    // Fine steps come from the tick ring unless the rollups reach further back than it does.
    const rollupsOlder = minutesFrom !== null && secondsFrom !== null && minutesFrom < secondsFrom - MINUTE;
    const useSeconds = stepMs < MINUTE && secondsFrom !== null && (from >= secondsFrom || !rollupsOlder);
    const ring = useSeconds ? seconds : minutes;
    const bucketMs = useSeconds ? stepMs : Math.max(MINUTE, Math.ceil(stepMs / MINUTE) * MINUTE);
    return bucketed(ring, from, to, bucketMs, emptySeries());
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

/** Buckets of `bucketMs`: latency and error signals at their peak, traffic and saturation as means (lib/signals/aggregate.ts). */
function bucketed(ring: SeriesRing, from: number, to: number, bucketMs: number, out: Series): Series {
  const agg = new Aggregator({ peaks: true });
  let bucket: number | null = null;
  for (let i = ring.lowerBound(from); i < ring.size; i++) {
    const t = ring.timeAt(i);
    if (t > to) break;
    const b = Math.floor(t / bucketMs) * bucketMs;
    if (bucket !== null && b !== bucket) {
      pushAgg(out, bucket, agg);
      agg.reset();
    }
    bucket = b;
    agg.add(ring.pointAt(i));
  }
  if (bucket !== null && agg.count > 0) pushAgg(out, bucket, agg);
  return out;
}

function collect(ring: SeriesRing, start: number, end: number, out: Series): Series {
  for (let i = start; i < end; i++) {
    out.t.push(ring.timeAt(i));
    for (const k of SIGNALS) out[k].push(ring.valueAt(i, k));
  }
  return out;
}

function pushAgg(out: Series, t: number, agg: Aggregator): void {
  const v = agg.result();
  out.t.push(t);
  for (const k of SIGNALS) out[k].push(v[k]);
}
