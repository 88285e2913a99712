/**
 * Statistics for the fan-out bench: a mergeable 1 ms latency histogram, per-client sequence
 * tracking, and the summary of one measurement window. Pure; no I/O.
 */

/** Latencies are whole milliseconds (both ends use Date.now()); larger values share the last bucket. */
export const HISTOGRAM_BUCKETS = 65_536;

export type SparseHistogram = [ms: number, count: number][];

export class LatencyHistogram {
  private readonly counts = new Uint32Array(HISTOGRAM_BUCKETS);
  private n = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    this.counts[Math.min(v, HISTOGRAM_BUCKETS - 1)]++;
    this.n++;
    this.sum += v;
    if (v > this.maxMs) this.maxMs = v;
  }

  get count(): number {
    return this.n;
  }

  get max(): number {
    return this.maxMs;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  /**
   * Nearest-rank percentile: the smallest recorded value v such that at least q·n values are ≤ v.
   * NaN when empty.
   */
  percentile(q: number): number {
    if (q < 0 || q > 1) throw new RangeError(`percentile must be in [0, 1], got ${q}`);
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let ms = 0; ms < HISTOGRAM_BUCKETS; ms++) {
      seen += this.counts[ms];
      if (seen >= rank) return ms === HISTOGRAM_BUCKETS - 1 ? this.maxMs : ms;
    }
    return this.maxMs;
  }

  merge(other: LatencyHistogram): this {
    for (let ms = 0; ms < HISTOGRAM_BUCKETS; ms++) this.counts[ms] += other.counts[ms];
    this.n += other.n;
    this.sum += other.sum;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
    return this;
  }

  /** Non-empty buckets plus the exact max, small enough to send over IPC. */
  toJSON(): { buckets: SparseHistogram; sum: number; max: number } {
    const buckets: SparseHistogram = [];
    for (let ms = 0; ms < HISTOGRAM_BUCKETS; ms++) if (this.counts[ms] > 0) buckets.push([ms, this.counts[ms]]);
    return { buckets, sum: this.sum, max: this.maxMs };
  }

  static fromJSON(j: { buckets: SparseHistogram; sum: number; max: number }): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [ms, c] of j.buckets) {
      h.counts[ms] += c;
      h.n += c;
    }
    h.sum = j.sum;
    h.maxMs = j.max;
    return h;
  }
}

/**
 * Follows one client's sequence numbers. `gap` returns how many seqs were skipped before this
 * one (0 for the first frame seen, or when seq does not advance).
 */
export class SeqTracker {
  private last = -1;

  /** A snapshot or resume resets the position without counting a gap. */
  reset(seq: number): void {
    this.last = seq;
  }

  gap(seq: number): number {
    const missed = this.last >= 0 && seq > this.last + 1 ? seq - this.last - 1 : 0;
    if (seq > this.last) this.last = seq;
    return missed;
  }
}

/** What one client worker saw of frames published inside the window [t0, t1). */
export type WindowReport = {
  clients: number;
  /** Clients still open when the report was taken. */
  open: number;
  /** Frames published in the window and received by some client (sum over clients). */
  received: number;
  /** Sum over clients of seqs skipped between two received frames. */
  gapFrames: number;
  /** Snapshots received after the initial one (the server coalesced a lagging client). */
  resyncs: number;
  /** Lowest and highest seq published in the window that any client saw; null when none. */
  minSeq: number | null;
  maxSeq: number | null;
  latency: ReturnType<LatencyHistogram["toJSON"]>;
  /** CPU used by the worker process during the window (user + system), ms. */
  cpuMs: number;
};

export type WindowSummary = {
  clients: number;
  open: number;
  windowMs: number;
  /** Distinct frames the server published in the window (seq range seen by the clients). */
  published: number;
  publishedPerSec: number;
  delivered: number;
  deliveredPerSec: number;
  /** Frames published in the window that a connected client never got (clients × published − delivered). */
  lost: number;
  gapFrames: number;
  resyncs: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  clientCpuMs: number;
};

export function summarizeWindow(reports: WindowReport[], clients: number, windowMs: number): WindowSummary {
  const hist = new LatencyHistogram();
  let received = 0;
  let gapFrames = 0;
  let resyncs = 0;
  let open = 0;
  let cpu = 0;
  let minSeq: number | null = null;
  let maxSeq: number | null = null;
  for (const r of reports) {
    hist.merge(LatencyHistogram.fromJSON(r.latency));
    received += r.received;
    gapFrames += r.gapFrames;
    resyncs += r.resyncs;
    open += r.open;
    cpu += r.cpuMs;
    if (r.minSeq !== null) minSeq = minSeq === null ? r.minSeq : Math.min(minSeq, r.minSeq);
    if (r.maxSeq !== null) maxSeq = maxSeq === null ? r.maxSeq : Math.max(maxSeq, r.maxSeq);
  }
  const published = minSeq === null || maxSeq === null ? 0 : maxSeq - minSeq + 1;
  const secs = windowMs / 1000;
  return {
    clients,
    open,
    windowMs,
    published,
    publishedPerSec: published / secs,
    delivered: received,
    deliveredPerSec: received / secs,
    lost: Math.max(0, clients * published - received),
    gapFrames,
    resyncs,
    p50: hist.percentile(0.5),
    p99: hist.percentile(0.99),
    p999: hist.percentile(0.999),
    max: hist.count === 0 ? NaN : hist.max,
    mean: hist.mean,
    clientCpuMs: cpu,
  };
}

/** Nearest-rank quantile of a small sample (same definition as LatencyHistogram.percentile); NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)];
}

/** Server RSS growth per client in KiB; NaN without clients. */
export function rssPerClientKiB(rssBeforeKiB: number, rssWithClientsKiB: number, clients: number): number {
  return clients > 0 ? (rssWithClientsKiB - rssBeforeKiB) / clients : NaN;
}

/** Fixed-width text table; numbers are right-aligned. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[], isHeader: boolean) =>
    r.map((c, i) => (isHeader || typeof rows[0]?.[i] !== "number" ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0], true), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map((r) => line(r, false))].join("\n");
}

export function fmt(n: number, digits?: number): string {
  if (!Number.isFinite(n)) return "–";
  const d = digits ?? (Math.abs(n) >= 100 || Number.isInteger(n) ? 0 : 1);
  return n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
