import { BoardDrillsSchema, BoardTickSchema, SourceStatusSchema, type BoardSnapshot, type BoardSummary as ServerSummary, type BoardTick, type PointValues, type ServiceInfo, type SourceStatus, type Spark as SparkType, type PackedSpark } from "@/lib/signals/contract";
import { SIGNALS } from "@/lib/signals/types";
import { parsed } from "@/components/contract";
import type { DrillEffect } from "@/lib/drills/types";
import { isStale } from "@/lib/signals/state";
import type { SignalName, SignalState, Threshold } from "@/lib/signals/types";
import type { BannerStatus } from "@/components/ui/state";

/** Sparkline window on the tiles. */
export const SPARK_WINDOW_MS = 120_000;
const MAX_SPARK_POINTS = 600;

export type Spark = SparkType;

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
  /** The banner's aggregates as the server computed them (lib/signals/summary.ts). */
  summary: ServerSummary | null;
};


function sparkCapacity(tickMs: number): number {
  return Math.min(MAX_SPARK_POINTS, Math.ceil(SPARK_WINDOW_MS / Math.max(1, tickMs)) + 1);
}

function tail<T>(a: readonly T[] | undefined, n: number): T[] {
  if (!Array.isArray(a)) return [];
  return a.length > n ? a.slice(a.length - n) : a.slice();
}

function unpack(sp: PackedSpark, cap: number): Spark {
  const t: number[] = [];
  let x = 0;
  for (const d of sp.dt ?? []) t.push((x += d));
  return { t: tail(t, cap), p99: tail(sp.p99, cap), rps: tail(sp.rps, cap), errorPct: tail(sp.errorPct, cap) };
}

export function boardFromSnapshot(s: BoardSnapshot): BoardState {
  const cap = sparkCapacity(s.tickMs);
  const spark: Record<string, Spark> = {};
  let lastTickAt: number | null = null;
  for (const [id, packed] of Object.entries(s.spark ?? {})) {
    const sp = unpack(packed, cap);
    spark[id] = sp;
    const last = sp.t[sp.t.length - 1];
    if (typeof last === "number" && (lastTickAt === null || last > lastTickAt)) lastTickAt = last;
  }
  return {
    title: s.title,
    tickMs: s.tickMs,
    services: (s.services ?? []).map((svc) => ({ ...svc, thresholds: svc.thresholds ?? s.thresholds ?? {} })),
    latest: s.latest ?? {},
    lastTickAt,
    spark,
    drills: s.drills ?? [],
    source: s.source,
    summary: s.summary ?? null,
  };
}

/** A fresh snapshot over the board held so far: the same service list keeps its objects, so tiles do not all re-render. */
export function replaceBoard(old: BoardState | undefined, next: BoardState): BoardState {
  if (!old || old.services.length !== next.services.length) return next;
  for (let i = 0; i < next.services.length; i++) if (JSON.stringify(old.services[i]) !== JSON.stringify(next.services[i])) return next;
  return { ...next, services: old.services };
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
  // A service sampled at t but absent from `points` held its values (docs/protocol.md).
  const sampled = tick.partial ? Object.keys(tick.points) : state.services.map((s) => s.id);
  const absent = tick.absent ? new Set(tick.absent) : null;
  for (const id of sampled) {
    if (absent?.has(id)) continue;
    const old = spark[id] ?? { t: [], p99: [], rps: [], errorPct: [] };
    // Replayed, out of order, or older than a snapshot fetched meanwhile (polling): already included.
    if (old.t.length && old.t[old.t.length - 1] >= tick.t) continue;
    const patch = tick.points[id];
    const prev = latest[id];
    const p = patch ? (prev ? { ...prev, ...patch } : complete(patch)) : prev;
    if (!p) continue;
    latest[id] = p;
    spark[id] = {
      t: push(old.t, tick.t, cap),
      p99: push(old.p99, p.p99, cap),
      rps: push(old.rps, p.rps, cap),
      errorPct: push(old.errorPct, p.errorPct, cap),
    };
  }
  return { ...state, latest, spark, summary: tick.summary ?? state.summary, lastTickAt: Math.max(state.lastTickAt ?? tick.t, tick.t) };
}

function complete(p: Partial<PointValues>): PointValues | null {
  return SIGNALS.every((k) => typeof p[k] === "number") ? (p as PointValues) : null;
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
  services: number;
  counts: Record<SignalState | "unknown", number>;
  worstP99: Headline | null;
  errorRate: Headline | null;
  throughput: number | null;
  saturation: Headline | null;
};

/** The server's aggregates, with service names, and STALE when the newest point is older than two ticks. */
export function summarize(board: BoardState, now: number | null, byId: ReadonlyMap<string, ServiceInfo>): BoardSummary {
  const stale = now === null ? board.lastTickAt === null : isStale(board.lastTickAt, now, board.tickMs);
  const s = board.summary;
  const named = (h: ServerSummary["worstP99"]): Headline | null => (h ? { value: h.value, state: h.state, threshold: h.threshold, signal: h.signal, service: h.serviceId ? byId.get(h.serviceId) : undefined } : null);
  const status = s?.status ?? "UNKNOWN";
  return {
    status: stale && status !== "UNKNOWN" ? "STALE" : status,
    stale,
    services: s?.services ?? board.services.length,
    counts: s?.counts ?? { ok: 0, warn: 0, critical: 0, unknown: board.services.length },
    worstP99: named(s?.worstP99 ?? null),
    errorRate: named(s?.errorRate ?? null),
    throughput: s?.throughput ?? null,
    saturation: named(s?.saturation ?? null),
  };
}

/** The server's rule (lib/signals/freshness.ts), so a tile and GET /api/v1/services/{id} say stale together. */
export { sourceDownFor } from "@/lib/signals/freshness";
