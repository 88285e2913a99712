import type { ServiceInfo, SourceStatus } from "./contract";

/**
 * How long a service's newest point counts as current (SPEC §2: data older than two update
 * intervals is stale). A sampled service is updated every tick; a push-fed one every push, whose
 * interval its samples carry (lib/ingest/recorder.ts notes it), so a team pushing every 15 s is not
 * stale 13 s out of every 15. The API's `stale`, the overall status and threshold alerts all read
 * the bound here (docs/architecture.md "Stale data").
 */
export class Freshness {
  private readonly intervals = new Map<string, number>();

  constructor(private readonly tickMs: number) {}

  /** The interval the service's newest pushed point covers. */
  note(service: string, intervalMs: number): void {
    if (intervalMs > this.tickMs && Number.isFinite(intervalMs)) this.intervals.set(service, intervalMs);
    else this.intervals.delete(service);
  }

  /** Two update intervals of this service, at least two ticks. */
  boundMs(service: string): number {
    return 2 * Math.max(this.tickMs, this.intervals.get(service) ?? 0);
  }

  isStale(service: string, lastPointAt: number | null, now: number): boolean {
    return lastPointAt === null || now - lastPointAt > this.boundMs(service);
  }
}

/**
 * Whether the source feeding `service` is down: with several sources side by side (lib/sources/set.ts
 * lists each), the one the service names; with one source, that source. Its tiles say STALE at
 * once, without waiting out the freshness bound.
 */
export function sourceDownFor(source: SourceStatus | null | undefined, service: Pick<ServiceInfo, "source">): boolean {
  if (!source) return false;
  if (source.sources) return !!service.source && source.sources.some((s) => s.kind === service.source && s.state === "down");
  return source.state === "down";
}

/**
 * The one staleness rule for a service, which the board's tiles (components/board/Board.tsx, from
 * the server's `summary.stale` and `source`) and GET /api/v1/services/{id} both follow: no point,
 * a point past the freshness bound, or its source down (issue #16: the API said "ok" on 8.7 s-old
 * data of a source in an outage while the board said STALE).
 */
export function serviceStale(freshness: Freshness, source: SourceStatus | null | undefined, service: Pick<ServiceInfo, "id" | "source">, lastPointAt: number | null, now: number): boolean {
  return freshness.isStale(service.id, lastPointAt, now) || sourceDownFor(source, service);
}
