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
