import type { SourceStatus } from "../signals/contract";
import type { SignalValues } from "../signals/types";
import type { Sli } from "../slo/schema";
import type { ServiceSourceKind } from "./config";
import type { MetricSource, TimedValues } from "./types";

/** A source that is asked for values (push ingest is not: it brings them), with the services it feeds. */
export type PulledSource = { source: MetricSource; services: readonly string[] };

export type Sampled = { values: Record<string, SignalValues>; failures: { kind: string; error: string }[] };

/**
 * The sources of one deployment side by side (docs/architecture.md "Sources"): each service is
 * fed by exactly one — the simulator, Prometheus or push ingest — and each source only answers
 * for its own services. One failing source fails only its own services: the others' values still
 * come through, and the tick goes on to SLOs and alerts (lib/ingest/tick.ts).
 */
export class SourceSet {
  readonly kind: string;
  private readonly pulled: { source: MetricSource; services: ReadonlySet<string> }[];
  private readonly counts: Map<string, number>;
  private readonly owner = new Map<string, MetricSource>();

  private readonly onBackfillError?: (kind: string, err: unknown) => void;

  constructor(opts: { pulled: readonly PulledSource[]; services: Record<ServiceSourceKind, readonly string[]>; onBackfillError?: (kind: string, err: unknown) => void }) {
    this.onBackfillError = opts.onBackfillError;
    this.pulled = opts.pulled.map((p) => ({ source: p.source, services: new Set(p.services) }));
    for (const p of this.pulled) for (const id of p.services) this.owner.set(id, p.source);
    this.counts = new Map(Object.entries(opts.services).filter(([, ids]) => ids.length > 0).map(([k, ids]) => [k, ids.length]));
    this.kind = [...this.counts.keys()].join("+") || "none";
  }

  /** The pulled source of a kind, when the deployment has one. */
  get(kind: string): MetricSource | undefined {
    return this.pulled.find((p) => p.source.kind === kind)?.source;
  }

  get sources(): readonly MetricSource[] {
    return this.pulled.map((p) => p.source);
  }

  /** Every pulled source at `t`, in parallel; values only of the services each one feeds. */
  async sample(t: number): Promise<Sampled> {
    const settled = await Promise.allSettled(this.pulled.map((p) => p.source.sampleAll(t)));
    const values: Record<string, SignalValues> = {};
    const failures: Sampled["failures"] = [];
    settled.forEach((r, i) => {
      const { source, services } = this.pulled[i];
      if (r.status === "rejected") return void failures.push({ kind: source.kind, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
      for (const [id, v] of Object.entries(r.value)) if (services.has(id)) values[id] = v;
    });
    return { values, failures };
  }

  /** Start-up backfill of minute points; a source that fails gives nothing, the others still do. */
  async backfillMinutes(from: number, to: number, stepMs?: number): Promise<Record<string, TimedValues[]>> {
    const out: Record<string, TimedValues[]> = {};
    await Promise.all(
      this.pulled.map(async ({ source, services }) => {
        try {
          for (const [id, pts] of Object.entries(await source.backfillMinutes(from, to, stepMs))) if (services.has(id)) out[id] = pts;
        } catch (err) {
          this.onBackfillError?.(source.kind, err);
        }
      }),
    );
    return out;
  }

  /** Start-up backfill of ticks, merged by time; a source that fails gives nothing. */
  async backfillTicks(from: number, to: number, stepMs: number): Promise<{ t: number; values: Record<string, SignalValues> }[]> {
    const byT = new Map<number, Record<string, SignalValues>>();
    for (const { source, services } of this.pulled) {
      try {
        for (const { t, values } of await source.backfillTicks(from, to, stepMs)) {
          const row = byT.get(t) ?? byT.set(t, {}).get(t)!;
          for (const [id, v] of Object.entries(values)) if (services.has(id)) row[id] = v;
        }
      } catch (err) {
        this.onBackfillError?.(source.kind, err);
      }
    }
    return [...byT.keys()].sort((a, b) => a - b).map((t) => ({ t, values: byT.get(t)! }));
  }

  /** The source that feeds `service`, when one is pulled (a push-fed service has none: nothing is backfilled for it). */
  sourceOf(service: string): MetricSource | undefined {
    return this.owner.get(service);
  }

  /** True when the service's source counts SLO events itself (Prometheus), so the SLO backfill asks it. */
  countsEvents(service: string): boolean {
    return this.owner.get(service)?.sloCountsRangeMany !== undefined;
  }

  /**
   * SLO backfill counts from the sources' own counters, each source asked once for all of its
   * services; a service no source counts gets no rows.
   */
  async countsMany(items: readonly { sli: Sli; service: string }[], from: number, to: number, stepMs: number): Promise<{ t: number; good: number; total: number }[][]> {
    const out: { t: number; good: number; total: number }[][] = items.map(() => []);
    const bySource = new Map<MetricSource, number[]>();
    items.forEach((item, i) => {
      const src = this.owner.get(item.service);
      if (src?.sloCountsRangeMany) (bySource.get(src) ?? bySource.set(src, []).get(src)!).push(i);
    });
    await Promise.all(
      [...bySource].map(async ([src, idx]) => {
        const rows = await src.sloCountsRangeMany!(idx.map((i) => items[i]), from, to, stepMs);
        idx.forEach((i, k) => (out[i] = rows[k] ?? []));
      }),
    );
    return out;
  }

  /**
   * One status for the board and /health: the worst source's state, each failing source's error
   * prefixed by its kind; with more than one kind, every source with the services it feeds.
   */
  status(): SourceStatus {
    const own = this.pulled.map((p) => ({ ...p.source.status(), services: p.services.size }));
    const push = this.counts.get("push");
    const all = [...own, ...(push ? [{ kind: "push", state: "ok" as const, lastSuccessAt: null, services: push }] : [])];
    if (all.length === 0) return { kind: "none", state: "ok", lastSuccessAt: null };
    if (all.length === 1) {
      const { services: _n, ...only } = all[0];
      return only;
    }
    const rank = { ok: 0, degraded: 1, down: 2 } as const;
    const worst = all.reduce((w, s) => (rank[s.state] > rank[w.state] ? s : w));
    const errors = all.filter((s) => s.error).map((s) => `${s.kind}: ${s.error}`);
    const times = own.map((s) => s.lastSuccessAt).filter((x): x is number => x !== null);
    return {
      kind: worst.state === "ok" ? this.kind : worst.kind,
      state: worst.state,
      ...(errors.length ? { error: errors.join("; ") } : {}),
      // The failing source's own last success ("last good data"), else the oldest of the sources'.
      lastSuccessAt: worst.state !== "ok" ? worst.lastSuccessAt : times.length ? Math.min(...times) : null,
      sources: all.map((s) => ({ kind: s.kind, state: s.state, ...(s.error ? { error: s.error } : {}), lastSuccessAt: s.lastSuccessAt, services: s.services })),
    };
  }

  close(): void {
    for (const p of this.pulled) p.source.close?.();
  }
}
