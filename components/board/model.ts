import type { z } from "zod";
import { BoardDrillsSchema, BoardTickSchema, SourceStatusSchema, type SparkSchema, type BoardSnapshot, type BoardTick, type PointValues, type ServiceInfo, type SourceStatus } from "@/lib/signals/contract";
import { parsed } from "@/components/contract";
import type { DrillEffect } from "@/lib/drills/types";
import { isStale, overallStatus, serviceStates, signalState, type ServiceStates } from "@/lib/signals/state";
import type { SignalName, SignalState, Threshold } from "@/lib/signals/types";
import type { BannerStatus } from "@/components/ui/state";

/** Sparkline window on the tiles. */
export const SPARK_WINDOW_MS = 120_000;
const MAX_SPARK_POINTS = 600;

export type Spark = z.infer<typeof SparkSchema>;

/** The board as the browser holds it in the query cache, patched by `board` channel frames. */
export type BoardState = {
  title: string;
  tickMs: number;
  services: ServiceInfo[];
  latest: Record<string, PointValues | null>;
  /** Time of the newest point (server clock), null before any data. */
  lastTickAt: number | null;
  spark: Record<string, Spark>;
  drills: DrillEffect[];
  source: SourceStatus;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function sparkCapacity(tickMs: number): number {
  return Math.min(MAX_SPARK_POINTS, Math.ceil(SPARK_WINDOW_MS / Math.max(1, tickMs)) + 1);
}

function tail<T>(a: readonly T[] | undefined, n: number): T[] {
  if (!Array.isArray(a)) return [];
  return a.length > n ? a.slice(a.length - n) : a.slice();
}

export function boardFromSnapshot(s: BoardSnapshot): BoardState {
  const cap = sparkCapacity(s.tickMs);
  const spark: Record<string, Spark> = {};
  let lastTickAt: number | null = null;
  for (const [id, sp] of Object.entries(s.spark ?? {})) {
    spark[id] = { t: tail(sp.t, cap), p99: tail(sp.p99, cap), rps: tail(sp.rps, cap), errorPct: tail(sp.errorPct, cap) };
    const last = sp.t?.[sp.t.length - 1];
    if (typeof last === "number" && (lastTickAt === null || last > lastTickAt)) lastTickAt = last;
  }
  return {
    title: s.title,
    tickMs: s.tickMs,
    services: s.services ?? [],
    latest: s.latest ?? {},
    lastTickAt,
    spark,
    drills: s.drills ?? [],
    source: s.source,
  };
}

function push(a: number[], v: number, cap: number): number[] {
  const out = a.length >= cap ? a.slice(a.length - cap + 1) : a.slice();
  out.push(v);
  return out;
}

function applyTick(state: BoardState, tick: BoardTick): BoardState {
  const cap = sparkCapacity(state.tickMs);
  const latest = { ...state.latest };
  const spark = { ...state.spark };
  for (const [id, p] of Object.entries(tick.points)) {
    if (!isObject(p)) continue;
    latest[id] = p;
    const old = spark[id] ?? { t: [], p99: [], rps: [], errorPct: [] };
    if (old.t.length && old.t[old.t.length - 1] >= tick.t) continue; // replayed or out of order
    spark[id] = {
      t: push(old.t, tick.t, cap),
      p99: push(old.p99, p.p99, cap),
      rps: push(old.rps, p.rps, cap),
      errorPct: push(old.errorPct, p.errorPct, cap),
    };
  }
  return { ...state, latest, spark, lastTickAt: Math.max(state.lastTickAt ?? tick.t, tick.t) };
}

export function applyBoardEvent(state: BoardState, event: string, data: unknown): BoardState {
  switch (event) {
    case "tick": {
      const tick = parsed(BoardTickSchema, data);
      return tick ? applyTick(state, tick) : state;
    }
    case "drills": {
      const e = parsed(BoardDrillsSchema, data);
      return e ? { ...state, drills: e.drills } : state;
    }
    case "source": {
      const source = parsed(SourceStatusSchema, data);
      return source ? { ...state, source } : state;
    }
    default:
      return state;
  }
}

// ---- what the banner says ---------------------------------------------------

const RANK: Record<SignalState, number> = { ok: 0, warn: 1, critical: 2 };

export type ServiceView = { info: ServiceInfo; values: PointValues | null; states: ServiceStates | null };

export type Headline = {
  value: number;
  state: SignalState;
  threshold?: Threshold;
  service?: ServiceInfo;
  signal?: SignalName;
};

export type BoardSummary = {
  status: BannerStatus;
  stale: boolean;
  views: ServiceView[];
  counts: Record<SignalState, number>;
  worstP99: Headline | null;
  errorRate: Headline | null;
  throughput: number | null;
  saturation: Headline | null;
};

function limitOf(t: Threshold | undefined): number | undefined {
  return t?.below ? undefined : (t?.warn ?? t?.critical);
}

/** The threshold most services share (in practice the config default). */
function commonThreshold(services: ServiceInfo[], signal: SignalName): Threshold | undefined {
  const tally = new Map<string, { t: Threshold; n: number }>();
  for (const s of services) {
    const t = s.thresholds?.[signal];
    if (!t) continue;
    const k = JSON.stringify(t);
    const e = tally.get(k);
    if (e) e.n++;
    else tally.set(k, { t, n: 1 });
  }
  let best: { t: Threshold; n: number } | undefined;
  for (const e of tally.values()) if (!best || e.n > best.n) best = e;
  return best?.t;
}

export function summarize(board: BoardState, now: number | null): BoardSummary {
  const stale = now === null ? board.lastTickAt === null : isStale(board.lastTickAt, now, board.tickMs);
  const views: ServiceView[] = board.services.map((info) => {
    const values = board.latest[info.id] ?? null;
    return { info, values, states: values ? serviceStates(values, info.thresholds ?? {}) : null };
  });
  const counts: Record<SignalState, number> = { ok: 0, warn: 0, critical: 0 };
  for (const v of views) if (v.states) counts[v.states.state]++;

  const status = overallStatus(views.map((v) => v.states?.state ?? null));

  let worstP99: Headline | null = null;
  let bestKey: [number, number] = [-1, -Infinity];
  for (const v of views) {
    if (!v.values || !v.states) continue;
    const value = v.values.p99;
    if (!Number.isFinite(value)) continue;
    const limit = limitOf(v.info.thresholds?.p99);
    const key: [number, number] = [RANK[v.states.signals.p99], limit ? value / limit : value / 1e9];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
      bestKey = key;
      worstP99 = { value, state: v.states.signals.p99, threshold: v.info.thresholds?.p99, service: v.info, signal: "p99" };
    }
  }

  let rps = 0;
  let errors = 0;
  let any = false;
  for (const v of views) {
    if (!v.values || !Number.isFinite(v.values.rps) || !Number.isFinite(v.values.errorPct)) continue;
    any = true;
    rps += v.values.rps;
    errors += (v.values.errorPct / 100) * v.values.rps;
  }
  const errThreshold = commonThreshold(board.services, "errorPct");
  // No traffic is not an error: 0 %, not NaN.
  const errorPct = rps > 0 ? (errors / rps) * 100 : 0;
  const errorRate: Headline | null = any
    ? { value: errorPct, state: signalState(errorPct, errThreshold), threshold: errThreshold, signal: "errorPct" }
    : null;

  let saturation: Headline | null = null;
  for (const v of views) {
    if (!v.values || !v.states) continue;
    for (const signal of ["cpuPct", "memPct", "poolPct"] as const) {
      const value = v.values[signal];
      if (!Number.isFinite(value)) continue;
      const state = v.states.signals[signal];
      if (!saturation || RANK[state] > RANK[saturation.state] || (state === saturation.state && value > saturation.value)) {
        saturation = { value, state, threshold: v.info.thresholds?.[signal], service: v.info, signal };
      }
    }
  }

  return {
    status: stale && status !== "UNKNOWN" ? "STALE" : status,
    stale,
    views,
    counts,
    worstP99,
    errorRate,
    throughput: any ? rps : null,
    saturation,
  };
}

/**
 * Whether the source feeding `service` is down (several sources side by side, lib/sources/set.ts):
 * its tile is stale while the board keeps ticking for the other sources' services.
 */
export function sourceDownFor(source: SourceStatus | null | undefined, service: ServiceInfo): boolean {
  return !!service.source && !!source?.sources?.some((s) => s.kind === service.source && s.state === "down");
}
