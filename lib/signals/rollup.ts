import type { SignalValues } from "./types";

const MINUTE = 60_000;

/**
 * One service's traffic, errors and peaks over one minute [start, start + 60 s): what postmortem
 * impact numbers are computed from (stored in `signal_minutes`). Counts are estimated from rates:
 * requests = Σ rps·dt, errors = Σ rps·dt·errorPct/100.
 */
export type SignalMinute = {
  service: string;
  start: number;
  requests: number;
  errors: number;
  errors5xx: number;
  /** Highest p99 (ms) seen in the minute. */
  p99Max: number;
  /** Highest error percentage seen in the minute. */
  errorPctMax: number;
};

/** Adds one sample standing for `dtSeconds` to a minute row (created when absent). */
export function addToMinute(row: SignalMinute, v: SignalValues, dtSeconds: number): void {
  const requests = Math.max(0, v.rps) * dtSeconds;
  row.requests += requests;
  row.errors += (requests * clampPct(v.errorPct)) / 100;
  row.errors5xx += (requests * clampPct(v.error5xxPct)) / 100;
  if (Number.isFinite(v.p99)) row.p99Max = Math.max(row.p99Max, v.p99);
  if (Number.isFinite(v.errorPct)) row.errorPctMax = Math.max(row.errorPctMax, v.errorPct);
}

function clampPct(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

export function emptyMinute(service: string, start: number): SignalMinute {
  return { service, start, requests: 0, errors: 0, errors5xx: 0, p99Max: 0, errorPctMax: 0 };
}

/**
 * Accumulates samples into per-service minutes. A minute is handed out (closed) when a sample of a
 * later minute arrives for that service, or on flush.
 */
export class MinuteRollup {
  private readonly open = new Map<string, SignalMinute>();

  /** Adds a sample at `t`; returns the minute it closed, if any. */
  add(service: string, t: number, v: SignalValues, dtSeconds: number): SignalMinute | null {
    const start = Math.floor(t / MINUTE) * MINUTE;
    let row = this.open.get(service);
    let closed: SignalMinute | null = null;
    if (row && row.start !== start) {
      if (start < row.start) return null; // late sample for a closed minute: ignored
      closed = row;
      row = undefined;
    }
    if (!row) {
      row = emptyMinute(service, start);
      this.open.set(service, row);
    }
    addToMinute(row, v, dtSeconds);
    return closed;
  }

  /** The open minutes (written at shutdown; an upsert later overwrites them). */
  flush(): SignalMinute[] {
    const rows = [...this.open.values()].map((r) => ({ ...r }));
    return rows;
  }

  /** The open minute of a service, if any (read-only copy). */
  peek(service: string): SignalMinute | null {
    const r = this.open.get(service);
    return r ? { ...r } : null;
  }
}
