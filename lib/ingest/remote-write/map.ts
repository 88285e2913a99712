import { MAX_AGE_MS, MAX_FUTURE_MS, type Sample } from "../schema";
import { codeClass, type RemoteWriteRules } from "./config";
import type { DecodedSeries } from "./proto";

/** Why a remote_write sample was refused (`warroom_remote_write_rejected_total{reason}`, docs/api.md). */
export const REJECT_REASONS = ["unknown_service", "not_push_fed", "no_service_label", "bad_label", "cardinality", "non_finite", "out_of_range", "out_of_order", "too_old", "too_new"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const REQUESTS = 0;
const BUCKET = 1;
const CPU = 2;
const MEM = 3;
const POOL = 4;
/** A series older than this does not count toward a service's point (Prometheus' default lookback delta). */
const LOOKBACK_MS = 5 * 60_000;
const MAX_BUCKETS = 100;

/** One series' state: its last value and time, and the per-second rate of its last interval (counters). */
type Series = { kind: number; err: boolean; err5: boolean; leMs: number; t: number; v: number; rate: number; dtS: number; seen: number; stale: boolean };
type ServiceState = { id: string; series: Map<string, Series>; lastEmit: number };

export type Mapped = {
  /** One push sample per service and scrape time, as JSON push would send it (lib/ingest/schema.ts). */
  samples: Sample[];
  /** remote_write samples that changed a series (the throughput unit of bench/ingest). */
  points: number;
  duplicates: number;
  /** Samples of metrics the war room does not use (Prometheus forwards everything it has). */
  ignored: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Services named by refused series (at most 20). */
  rejectedServices: string[];
  /** Makes the series state of this request the current one; called once the samples are stored. */
  commit(): void;
};

/**
 * Turns remote_write series into push samples, the way the Prometheus source's default queries
 * read the same metrics (lib/sources/prometheus/config.ts): per service, the request counter's
 * per-second rate summed over its series (errors by the code classes), the histogram's bucket
 * rates summed by `le`, and the gauges' mean ×100. Counters become rates from the previous value
 * of the same series; a value below the previous one is a reset (the counter restarted from 0).
 * A service gets a point at each scrape time once it has a rate: the sum of every fresh series'
 * latest rate (as `sum(rate(…))`), times the interval since its previous point.
 *
 * Nothing here changes until `commit()`: a request whose samples are not stored leaves the state
 * as it was, so Prometheus' retry computes the same points.
 */
export class RemoteWriteMapper {
  private readonly services = new Map<string, ServiceState>();
  private total = 0;
  private lastSweep = 0;
  private readonly errRe: RegExp;
  private readonly err5Re: RegExp;
  private readonly names: Map<string, number>;

  constructor(
    private readonly rules: RemoteWriteRules,
    /** null when the service takes pushed samples, else why not. */
    private readonly accepts: (service: string) => "unknown_service" | "not_push_fed" | null,
  ) {
    const m = rules.metrics;
    this.errRe = codeClass(m.errorCodes);
    this.err5Re = codeClass(m.error5xxCodes);
    this.names = new Map([
      [m.requests, REQUESTS],
      [`${m.duration}_bucket`, BUCKET],
      [m.cpu, CPU],
      [m.memory, MEM],
      [m.pool, POOL],
    ]);
  }

  /** Series kept in memory (all services). */
  get seriesCount(): number {
    return this.total;
  }

  map(input: readonly DecodedSeries[], now: number): Mapped {
    this.sweep(now);
    const out: Mapped = { samples: [], points: 0, duplicates: 0, ignored: 0, rejected: {}, rejectedServices: [], commit: () => undefined };
    const reject = (why: RejectReason, n: number, service?: string) => {
      out.rejected[why] = (out.rejected[why] ?? 0) + n;
      // Label values come from the sender: at most 20 names of at most 64 characters reach the answer and the log.
      const name = service === undefined ? undefined : service.length > 64 ? `${service.slice(0, 63)}…` : service;
      if (name !== undefined && out.rejectedServices.length < 20 && !out.rejectedServices.includes(name)) out.rejectedServices.push(name);
    };
    const staged = new Map<Series, Series>();
    const created: { svc: ServiceState; key: string; s: Series }[] = [];
    const createdKeys = new Map<string, Series>();
    const createdPer = new Map<ServiceState, Series[]>();
    const stale: { svc: ServiceState; key: string; s: Series }[] = [];
    const evSvc: ServiceState[] = [];
    const evSer: Series[] = [];
    const evT: number[] = [];
    const evV: number[] = [];
    const { serviceLabel, metrics } = this.rules;

    for (const ts of input) {
      let name = "";
      let service: string | null = null;
      let code = "";
      let le: string | null = null;
      for (let i = 0; i < ts.names.length; i++) {
        const n = ts.names[i];
        if (n === "__name__") name = ts.values[i];
        else if (n === serviceLabel) service = ts.values[i];
        else if (n === metrics.codeLabel) code = ts.values[i];
        else if (n === "le") le = ts.values[i];
      }
      const kind = this.names.get(name);
      const n = ts.samples.length;
      if (kind === undefined) {
        out.ignored += n;
        continue;
      }
      if (service === null || service === "") {
        reject("no_service_label", n);
        continue;
      }
      const refused = this.accepts(service);
      if (refused) {
        reject(refused, n, service);
        continue;
      }
      let leMs = 0;
      if (kind === BUCKET) {
        const bound = le === "+Inf" ? Infinity : le === null || le.trim() === "" ? NaN : Number(le);
        if (!(bound >= 0)) {
          reject("bad_label", n, service);
          continue;
        }
        leMs = bound * 1000;
      }
      let svc = this.services.get(service);
      if (!svc) {
        svc = { id: service, series: new Map(), lastEmit: 0 };
        this.services.set(service, svc);
      }
      const key = seriesKey(ts);
      const known = svc.series.get(key);
      let s: Series | undefined;
      if (known) {
        s = staged.get(known);
        if (!s) {
          s = copy(known);
          staged.set(known, s);
        }
      } else {
        s = createdKeys.get(`${service}\u0001${key}`);
        if (!s) {
          let mine = createdPer.get(svc);
          if (!mine) createdPer.set(svc, (mine = []));
          if (svc.series.size + mine.length >= this.rules.maxSeriesPerService || this.total + created.length >= this.rules.maxSeries) {
            reject("cardinality", n, service);
            continue;
          }
          s = { kind, err: kind === REQUESTS && this.errRe.test(code), err5: kind === REQUESTS && this.err5Re.test(code), leMs, t: 0, v: 0, rate: 0, dtS: 0, seen: now, stale: false };
          created.push({ svc, key, s });
          createdKeys.set(`${service}\u0001${key}`, s);
          mine.push(s);
        }
      }
      const gauge = kind >= CPU;
      for (let j = 0; j < n; j++) {
        const v = ts.samples[j];
        const t = ts.times[j];
        if (!Number.isFinite(v)) reject("non_finite", 1, service);
        else if (v < 0 || (gauge && v > 1)) reject("out_of_range", 1, service);
        else if (t > now + MAX_FUTURE_MS) reject("too_new", 1, service);
        else if (t < now - MAX_AGE_MS) reject("too_old", 1, service);
        else {
          evSvc.push(svc);
          evSer.push(s);
          evT.push(t);
          evV.push(v);
        }
      }
      if (ts.staleAt.length > 0) stale.push({ svc, key, s });
    }

    // In time order (Prometheus sends each series' samples in order; series of one scrape share a time).
    const order = evT.map((_, i) => i).sort((a, b) => evT[a] - evT[b] || a - b);
    const lastEmit = new Map<ServiceState, number>();
    const touched = new Set<ServiceState>();
    for (let k = 0; k < order.length; ) {
      const t = evT[order[k]];
      touched.clear();
      for (; k < order.length && evT[order[k]] === t; k++) {
        const i = order[k];
        const s = evSer[i];
        const v = evV[i];
        if (s.t > 0 && t <= s.t) {
          if (t === s.t && v === s.v) out.duplicates++;
          else reject("out_of_order", 1, evSvc[i].id);
          continue;
        }
        if (s.kind < CPU && s.t > 0) {
          s.dtS = (t - s.t) / 1000;
          s.rate = (v >= s.v ? v - s.v : v) / s.dtS;
        }
        s.t = t;
        s.v = v;
        s.seen = now;
        out.points++;
        touched.add(evSvc[i]);
      }
      for (const svc of touched) {
        const sample = this.point(svc, t, lastEmit.get(svc) ?? svc.lastEmit, staged, createdPer.get(svc));
        if (sample) {
          out.samples.push(sample);
          lastEmit.set(svc, t);
        }
      }
    }

    out.commit = () => {
      for (const [known, s] of staged) {
        known.t = s.t;
        known.v = s.v;
        known.rate = s.rate;
        known.dtS = s.dtS;
        known.seen = s.seen;
      }
      for (const c of created) {
        c.svc.series.set(c.key, c.s);
        this.total++;
      }
      for (const x of stale) if (x.svc.series.delete(x.key)) this.total--;
      for (const [svc, t] of lastEmit) svc.lastEmit = t;
    };
    return out;
  }

  /** The service's point at `t` from every fresh series (staged values win), or null without a request rate yet. */
  private point(svc: ServiceState, t: number, prevEmit: number, staged: Map<Series, Series>, created: readonly Series[] | undefined): Sample | null {
    if (prevEmit >= t) return null;
    let req = 0;
    let err = 0;
    let err5 = 0;
    let rated = false;
    let dtS = Infinity;
    const gauges = [0, 0, 0, 0, 0];
    const gaugeN = [0, 0, 0, 0, 0];
    const buckets = new Map<number, number>();
    const add = (s: Series) => {
      if (s.t === 0 || t - s.t > LOOKBACK_MS) return;
      if (s.kind >= CPU) {
        gauges[s.kind] += s.v;
        gaugeN[s.kind]++;
        return;
      }
      if (s.dtS === 0) return;
      if (s.kind === REQUESTS) {
        rated = true;
        dtS = Math.min(dtS, s.dtS);
        req += s.rate;
        if (s.err) err += s.rate;
        if (s.err5) err5 += s.rate;
      } else buckets.set(s.leMs, (buckets.get(s.leMs) ?? 0) + s.rate);
    };
    for (const s of svc.series.values()) add(staged.get(s) ?? s);
    if (created) for (const s of created) add(s);
    if (!rated) return null;
    const intervalSeconds = Math.min(3600, Math.max(1, Math.round(prevEmit > 0 ? (t - prevEmit) / 1000 : dtS)));
    const requests = req * intervalSeconds;
    const errors = Math.min(requests, err * intervalSeconds);
    const sample: Sample = { service: svc.id, t, intervalSeconds, requests, errors, errors5xx: Math.min(errors, err5 * intervalSeconds) };
    if (buckets.has(Infinity) && buckets.size >= 2 && buckets.size <= MAX_BUCKETS) {
      const les = [...buckets.keys()].sort((a, b) => a - b);
      let run = 0;
      sample.latency = {
        buckets: les.map((le) => {
          // Rates from series scraped at different times can dip across `le`; cumulative counts never do.
          run = Math.max(run, buckets.get(le)! * intervalSeconds);
          return { leMs: le === Infinity ? ("+Inf" as const) : le, count: run };
        }),
      };
      if (les[0] === 0) sample.latency.buckets.shift();
      if (sample.latency.buckets.length < 2) delete sample.latency;
    }
    const sat: NonNullable<Sample["saturation"]> = {};
    if (gaugeN[CPU]) sat.cpuPct = (100 * gauges[CPU]) / gaugeN[CPU];
    if (gaugeN[MEM]) sat.memPct = (100 * gauges[MEM]) / gaugeN[MEM];
    if (gaugeN[POOL]) sat.poolPct = (100 * gauges[POOL]) / gaugeN[POOL];
    if (gaugeN[CPU] || gaugeN[MEM] || gaugeN[POOL]) sample.saturation = sat;
    return sample;
  }

  /** Drops series not seen for the configured time (at most every 30 s). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 30_000) return;
    this.lastSweep = now;
    const before = now - this.rules.seriesTtlMs;
    for (const [id, svc] of this.services) {
      for (const [key, s] of svc.series) {
        if (s.seen < before) {
          svc.series.delete(key);
          this.total--;
        }
      }
      if (svc.series.size === 0) this.services.delete(id);
    }
  }
}

/** Field by field: an object spread is several times slower in this loop. */
const copy = (s: Series): Series => ({ kind: s.kind, err: s.err, err5: s.err5, leMs: s.leMs, t: s.t, v: s.v, rate: s.rate, dtS: s.dtS, seen: s.seen, stale: s.stale });

/** A series' identity: its label pairs as sent (Prometheus sends them sorted by name). */
function seriesKey(ts: DecodedSeries): string {
  if (ts.key !== null) return ts.key;
  let k = "\u0001";
  for (let i = 0; i < ts.names.length; i++) k += `${ts.names[i]}\u0000${ts.values[i]}\u0000`;
  return k;
}
