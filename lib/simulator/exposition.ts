import type { SignalValues } from "../signals/types";
import { normalCdf } from "../slo/sli";

/**
 * The simulated services in the Prometheus text exposition format 0.0.4, as a real service
 * would export them (served at `GET /sim/metrics`):
 *
 * - `http_requests_total{service,code}` counter. Codes: `200` and `404` (not errors — a client
 *   asked for something that is not there), `429` (throttled: an error, not 5xx), `500` and
 *   `503` (5xx). So errorPct = (5xx + 429) / all and error5xxPct = 5xx / all, which is what the
 *   Prometheus source's default queries compute (`code=~"5..|429"` and `code=~"5.."`).
 * - `http_request_duration_seconds{service}` histogram (`_bucket{le}`, `_sum`, `_count`) with
 *   LATENCY_BUCKETS_SECONDS; counts follow the log-normal fitted through the sample's p50 and
 *   p99, the simulator's own latency model. `_count` equals the sum of http_requests_total.
 * - Gauges in 0–1: `process_cpu_usage_ratio`, `process_memory_usage_ratio`,
 *   `db_pool_usage_ratio` (connection pool in use), each `{service}`.
 *
 * Counters are floats advanced by rps × seconds, so `rate()` recovers rps and error shares
 * exactly rather than up to rounding; they never decrease. No randomness: same inputs, same text.
 */

/** Bucket upper bounds in seconds (+Inf is implied). Latency SLI thresholds should be one of these. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10,
] as const;

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Status codes and their share; 5xx split between 500 and 503, non-errors between 200 and 404. */
const CODES = ["200", "404", "429", "500", "503"] as const;
type Code = (typeof CODES)[number];
const SHARE_503_OF_5XX = 0.25;
const SHARE_404_OF_OK = 0.02;
const Z99 = 2.3263478740408408;

type ServiceState = {
  requests: Record<Code, number>;
  /** Cumulative count per bucket of LATENCY_BUCKETS_SECONDS, then +Inf (= count). */
  buckets: number[];
  sumSeconds: number;
  count: number;
  cpu: number;
  memory: number;
  pool: number;
};

/** Keeps cumulative counters per service and renders them; advance it with each simulator sample. */
export class SimExporter {
  private readonly services = new Map<string, ServiceState>();
  private lastT = -Infinity;

  /**
   * Counts the requests of `dtSeconds` ending at `t` (epoch ms) with the given signals, and
   * sets the gauges. Calls with a `t` not after the previous one change nothing (no double count).
   */
  advance(t: number, values: Record<string, SignalValues>, dtSeconds: number): void {
    if (!(t > this.lastT)) return;
    this.lastT = t;
    const dt = Number.isFinite(dtSeconds) && dtSeconds > 0 ? dtSeconds : 0;
    for (const [id, v] of Object.entries(values)) {
      const s = this.services.get(id) ?? this.services.set(id, emptyState()).get(id)!;
      const n = nonNeg(v.rps) * dt;
      const errFrac = clamp01(v.errorPct / 100);
      const e5Frac = Math.min(errFrac, clamp01(v.error5xxPct / 100));
      const n5 = n * e5Frac;
      const ok = n * (1 - errFrac);
      s.requests["500"] += n5 * (1 - SHARE_503_OF_5XX);
      s.requests["503"] += n5 * SHARE_503_OF_5XX;
      s.requests["429"] += n * (errFrac - e5Frac);
      s.requests["404"] += ok * SHARE_404_OF_OK;
      s.requests["200"] += ok * (1 - SHARE_404_OF_OK);

      const { mu, sigma } = logNormal(v.p50, v.p99);
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => (s.buckets[i] += n * shareBelow(le * 1000, mu, sigma)));
      s.buckets[LATENCY_BUCKETS_SECONDS.length] += n;
      s.count += n;
      // Mean of a log-normal: exp(mu + sigma²/2), in ms.
      if (n > 0 && Number.isFinite(mu)) s.sumSeconds += (n * Math.exp(mu + (sigma * sigma) / 2)) / 1000;

      s.cpu = clamp01(v.cpuPct / 100);
      s.memory = clamp01(v.memPct / 100);
      s.pool = clamp01(v.poolPct / 100);
    }
  }

  /** The exposition text: every metric family once, services in id order. */
  render(): string {
    const ids = [...this.services.keys()].sort();
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family("http_requests_total", "counter", "Requests served, by service and HTTP status code.");
    for (const id of ids) {
      const s = this.services.get(id)!;
      for (const code of CODES) out.push(`http_requests_total{service="${esc(id)}",code="${code}"} ${num(s.requests[code])}`);
    }

    family("http_request_duration_seconds", "histogram", "Request latency in seconds.");
    for (const id of ids) {
      const s = this.services.get(id)!;
      const svc = `service="${esc(id)}"`;
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => out.push(`http_request_duration_seconds_bucket{${svc},le="${le}"} ${num(s.buckets[i])}`));
      out.push(`http_request_duration_seconds_bucket{${svc},le="+Inf"} ${num(s.buckets[LATENCY_BUCKETS_SECONDS.length])}`);
      out.push(`http_request_duration_seconds_sum{${svc}} ${num(s.sumSeconds)}`);
      out.push(`http_request_duration_seconds_count{${svc}} ${num(s.count)}`);
    }

    const gauges: [string, keyof ServiceState, string][] = [
      ["process_cpu_usage_ratio", "cpu", "CPU in use, 0-1."],
      ["process_memory_usage_ratio", "memory", "Memory in use, 0-1."],
      ["db_pool_usage_ratio", "pool", "Share of the database connection pool in use, 0-1."],
    ];
    for (const [name, key, help] of gauges) {
      family(name, "gauge", help);
      for (const id of ids) out.push(`${name}{service="${esc(id)}"} ${num(this.services.get(id)![key] as number)}`);
    }
    return out.join("\n") + "\n";
  }
}

function emptyState(): ServiceState {
  return {
    requests: { "200": 0, "404": 0, "429": 0, "500": 0, "503": 0 },
    buckets: new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0),
    sumSeconds: 0,
    count: 0,
    cpu: 0,
    memory: 0,
    pool: 0,
  };
}

/** Log-normal (of milliseconds) through p50 and p99; sigma 0 when p99 ≤ p50. */
function logNormal(p50: number, p99: number): { mu: number; sigma: number } {
  if (!(p50 > 0)) return { mu: -Infinity, sigma: 0 };
  const sigma = p99 > p50 ? (Math.log(p99) - Math.log(p50)) / Z99 : 0;
  return { mu: Math.log(p50), sigma };
}

/** P(latency ≤ ms). */
function shareBelow(ms: number, mu: number, sigma: number): number {
  if (mu === -Infinity) return 1;
  if (sigma === 0) return Math.log(ms) >= mu ? 1 : 0;
  return normalCdf((Math.log(ms) - mu) / sigma);
}

function nonNeg(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Label value escaping of the text format: backslash, double quote, newline. */
function esc(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function num(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return String(x);
}
