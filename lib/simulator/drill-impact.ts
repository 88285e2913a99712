import { DRILL_DEFAULT_MAGNITUDE, DRILL_META, drillEnd, isDrillActive, type DrillEffect } from "../drills/types";
import { smoothstep } from "./noise";
import type { ServiceModel } from "./model";

/** What the drills do to one service at one instant; the identity is NO_IMPACT. */
export type Impact = {
  /** Multiplies p50 (latency drill, saturation, outage timeouts). */
  latencyMul: number;
  /**
   * Milliseconds added by slow dependencies: to the median in proportion to the share of
   * requests that call them, to the tail (p99) in full, since even a few slow calls own it.
   */
  medianExtraMs: number;
  tailExtraMs: number;
  /** Added to the log-normal sigma: timeouts fatten the tail more than the median. */
  sigmaAdd: number;
  /** Fraction of requests failing with 5xx because of a drill (0–1). */
  errorFrac: number;
  trafficMul: number;
  /** Fraction of this service that is down (dependency-outage on itself, 0–1). */
  down: number;
  /** Saturation drill: level in percent and how far it has ramped in (0–1). */
  saturationPct: number;
  saturationWeight: number;
};

export const NO_IMPACT: Readonly<Impact> = {
  latencyMul: 1,
  medianExtraMs: 0,
  tailExtraMs: 0,
  sigmaAdd: 0,
  errorFrac: 0,
  trafficMul: 1,
  down: 0,
  saturationPct: 0,
  saturationWeight: 0,
};

const RAMP_IN_MS = 10_000;
/** How long after its end a drill still shows (ramp-out); keep passing ended drills this long. */
export const DRILL_RAMP_OUT_MS = 10_000;
/** Retries and caches absorb half of a dependency's errors and slowness. */
const PASS_THROUGH = 0.5;

/**
 * How much of a drill is in effect at t (0–1): it ramps in over 10 s from startedAt and
 * out over 10 s after its end, as a real fault and its recovery would show on a chart.
 */
export function drillWeight(d: DrillEffect, t: number): number {
  if (t < d.startedAt) return 0;
  const end = drillEnd(d);
  if (t >= end + DRILL_RAMP_OUT_MS) return 0;
  const rampedIn = smoothstep((Math.min(t, end) - d.startedAt) / RAMP_IN_MS);
  if (isDrillActive(d, t)) return rampedIn;
  return rampedIn * (1 - smoothstep((t - end) / DRILL_RAMP_OUT_MS));
}

function magnitudeOf(d: DrillEffect): number {
  const { min, max } = DRILL_META[d.kind];
  const m = Number.isFinite(d.magnitude) ? d.magnitude : DRILL_DEFAULT_MAGNITUDE[d.kind];
  return Math.min(max, Math.max(min, m));
}

function orFail(a: number, b: number): number {
  return 1 - (1 - a) * (1 - b);
}

export function impactOn(service: ServiceModel, t: number, drills: readonly DrillEffect[]): Readonly<Impact> {
  let fx: Impact | null = null;
  for (const d of drills) {
    const isTarget = d.target === service.id;
    const dep = isTarget ? undefined : service.dependencies.get(d.target);
    if (!isTarget && !dep) continue;
    const w = drillWeight(d, t);
    if (w === 0) continue;
    fx ??= { ...NO_IMPACT };
    const m = magnitudeOf(d);
    if (isTarget) applyToTarget(fx, d, m, w);
    else if (dep) {
      const reach = w * dep.reach;
      if (d.kind === "latency") {
        const slower = dep.latencyMs * (m - 1) * PASS_THROUGH * reach;
        fx.medianExtraMs += slower * smoothstep(dep.callShare);
        fx.tailExtraMs += slower;
      } else if (d.kind === "errors") {
        fx.errorFrac = orFail(fx.errorFrac, (m / 100) * PASS_THROUGH * dep.callShare * reach);
      }
      else if (d.kind === "dependency-outage") {
        const s = (m / 100) * reach;
        fx.errorFrac = orFail(fx.errorFrac, dep.outageErrorShare * s);
        // Calls to a dead dependency wait for their timeout: p50 ×1.8, p99 about ×4 at full outage.
        fx.latencyMul *= 1 + 0.8 * s;
        fx.sigmaAdd += 0.35 * s;
      }
    }
  }
  return fx ?? NO_IMPACT;
}

function applyToTarget(fx: Impact, d: DrillEffect, m: number, w: number): void {
  switch (d.kind) {
    case "latency":
      fx.latencyMul *= 1 + (m - 1) * w;
      break;
    case "errors":
      fx.errorFrac = orFail(fx.errorFrac, (m / 100) * w);
      break;
    case "traffic":
      fx.trafficMul *= 1 + (m - 1) * w;
      break;
    case "saturation":
      fx.saturationPct = Math.max(fx.saturationPct, m);
      fx.saturationWeight = Math.max(fx.saturationWeight, w);
      // A starved host slows down, but far less than a queue in overload: ×1–2.5.
      fx.latencyMul *= 1 + 1.5 * Math.min(1, Math.max(0, (m - 50) / 50)) * w;
      break;
    case "dependency-outage": {
      const down = (m / 100) * w;
      fx.down = orFail(fx.down, down);
      // The few requests that still get an answer are the slow ones.
      fx.latencyMul *= 1 + 4 * down;
      fx.sigmaAdd += 0.4 * down;
      break;
    }
  }
}
