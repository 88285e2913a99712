import type { SignalValues } from "../signals/types";
import { HOUR, MINUTE, SECOND, diurnal, weekly } from "./calendar";
import type { Impact } from "./drill-impact";
import { NoiseGrid, byteUnit, hash, jitter, unit, valueNoise } from "./noise";
import { MAX_UTILISATION, queueFactor, type ServiceModel } from "./model";

/** One random stream per grid or jitter (a blip uses n and n + 1); each grid carries four lanes. */
const S = {
  fast: 1,
  mid: 2,
  hour: 3,
  sixHours: 4,
  rpsSecond: 10,
  latSecond: 11,
  sigmaSecond: 12,
  saturation: 20,
  blipLatency: 30,
  blipErrors: 32,
} as const;

const FAST = 20 * SECOND;
const MID = 5 * MINUTE;
const Z95 = 1.6449;
const Z99 = 2.3263;
const Z999 = 3.0902;
/** Share of latency spent queueing for CPU; the rest (network, I/O) does not grow with load. */
const QUEUED_SHARE = 0.5;
const SHED_KNEE = 0.9;
/** CPU of an idle host, in %: agents, GC, health checks. */
const CPU_FLOOR = 2;

export function goldenSignals(m: ServiceModel, t: number, fx: Readonly<Impact>): SignalValues {
  const k = m.key;
  const fast = new NoiseGrid(k, S.fast, t, FAST);
  const mid = new NoiseGrid(k, S.mid, t, MID);
  const hour = new NoiseGrid(k, S.hour, t, HOUR);
  const sixHours = new NoiseGrid(k, S.sixHours, t, 6 * HOUR);

  const wander = 1 + 0.035 * mid.lane(0) + 0.015 * hour.lane(0);
  const offered = m.baseRps * (1 + m.diurnalAmplitude * diurnal(t)) * weekly(t) * wander * fx.trafficMul;
  // A service that is down is mostly skipped by load balancers and callers' circuit breakers.
  const served = offered * (1 - 0.8 * fx.down);
  // Counting requests over one second is Poisson: noise ~ sqrt(rate).
  const rps = Math.max(0, served + Math.sqrt(served) * jitter(k, S.rpsSecond, t, SECOND));
  const utilisation = served / m.capacityRps;

  const load = 1 - QUEUED_SHARE + (QUEUED_SHARE * queueFactor(utilisation)) / m.baseQueueFactor;
  const blipLat = blip(k, S.blipLatency, t);
  const lnWander =
    0.05 * hour.lane(1) + 0.05 * mid.lane(1) + 0.03 * fast.lane(0) + 0.02 * jitter(k, S.latSecond, t, SECOND);
  const ownP50 = m.latencyMs * load * Math.exp(lnWander) * fx.latencyMul * (1 + 0.35 * blipLat);
  // Queues fatten the tail before they move the median.
  const tailLoad = Math.min(1, Math.max(0, (utilisation - 0.6) / (MAX_UTILISATION - 0.6)));
  const ownSigma =
    m.latencySigma *
      (1 + 0.5 * tailLoad) *
      Math.exp(0.04 * mid.lane(2) + 0.03 * jitter(k, S.sigmaSecond, t, SECOND)) +
    fx.sigmaAdd +
    0.05 * blipLat;
  const p50 = ownP50 + fx.medianExtraMs;
  const mu = Math.log(p50);
  // Refit the log-normal through the new p50 and p99 when slow dependencies stretch the tail.
  const sigma =
    fx.tailExtraMs > 0
      ? Math.max(ownSigma, Math.log((ownP50 * Math.exp(Z99 * ownSigma) + fx.tailExtraMs) / p50) / Z99)
      : ownSigma;

  const blipErr = blip(k, S.blipErrors, t);
  const background = Math.min(
    1,
    m.errorFrac * Math.exp(0.35 * hour.lane(2) + 0.25 * mid.lane(3) + 0.15 * fast.lane(1)) * (1 + 3 * blipErr) +
      0.002 * blipErr,
  );
  const excess = Math.max(0, utilisation - SHED_KNEE);
  const shed = excess > 0 ? (excess * excess) / (utilisation * (excess + 0.1)) : 0;
  const injected = 1 - (1 - fx.errorFrac) * (1 - fx.down) * (1 - shed);
  const errorFrac = 1 - (1 - background) * (1 - injected);
  const share5xx = clamp(m.background5xxShare + 0.08 * sixHours.lane(1), 0, 1);
  const error5xxFrac = errorFrac - background * (1 - share5xx) * (1 - injected);

  let cpuPct = CPU_FLOOR + (100 * rps * (1 + 0.05 * fast.lane(2))) / m.capacityRps;
  const gc = (((t + m.gcPhaseMs) % m.gcPeriodMs) + m.gcPeriodMs) % m.gcPeriodMs;
  let memPct =
    m.memoryPct +
    3 * sixHours.lane(0) +
    1.5 * hour.lane(3) +
    0.3 * fast.lane(3) +
    1.5 * (gc / m.gcPeriodMs - 0.5) +
    6 * (Math.min(utilisation, 1.5) - m.baseUtilisation);
  // Little's law on the requests actually being worked on; mean of a log-normal is exp(mu + sigma²/2).
  const meanLatencyS = Math.exp(mu + (sigma * sigma) / 2) / 1000;
  let poolPct = (100 * rps * (1 - shed) * meanLatencyS) / m.poolSize;

  if (fx.saturationWeight > 0) {
    const level = fx.saturationPct + 1.2 * valueNoise(k, S.saturation, t, FAST);
    cpuPct = pushToward(cpuPct, level, fx.saturationWeight);
    memPct = pushToward(memPct, level, fx.saturationWeight);
    poolPct = pushToward(poolPct, level, fx.saturationWeight);
  }

  return {
    p50,
    p95: Math.exp(mu + Z95 * sigma),
    p99: Math.exp(mu + Z99 * sigma),
    p999: Math.exp(mu + Z999 * sigma),
    rps,
    errorPct: clamp(100 * errorFrac, 0, 100),
    error5xxPct: clamp(100 * error5xxFrac, 0, 100 * errorFrac),
    cpuPct: clamp(cpuPct, 0, 100),
    memPct: clamp(memPct, 0, 100),
    poolPct: clamp(poolPct, 0, 100),
  };
}

const BLIP_BUCKET = 5 * MINUTE;
const BLIP_CHANCE = 0.005;

/**
 * A rare, short bump (0–1) so the board is never perfectly flat: with probability 0.5% per
 * 5-minute bucket and stream, a 20–60 s sin² bump placed inside the bucket.
 */
function blip(key: number, stream: number, t: number): number {
  const bucket = Math.floor(t / BLIP_BUCKET);
  if (unit(hash(key, stream, bucket)) >= BLIP_CHANCE) return 0;
  const h = hash(key, stream + 1, bucket);
  const durationMs = (20 + 40 * byteUnit(h, 0)) * SECOND;
  const startMs = bucket * BLIP_BUCKET + byteUnit(h, 1) * (BLIP_BUCKET - durationMs);
  const x = (t - startMs) / durationMs;
  if (x <= 0 || x >= 1) return 0;
  const s = Math.sin(Math.PI * x);
  return (0.5 + 0.5 * byteUnit(h, 2)) * s * s;
}

function pushToward(value: number, level: number, weight: number): number {
  return Math.max(value, value + (level - value) * weight);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
