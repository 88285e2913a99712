/** A pushed service stays push-fed (the configured source is ignored for it) this long after its last sample. */
const PUSH_OWNERSHIP_MS = 5 * 60_000;

/** Which services push ingest feeds right now: their values from the configured source are dropped. */
export class PushOwnership {
  private readonly pushedAt = new Map<string, number>();

  claim(service: string, now: number): void {
    this.pushedAt.set(service, now);
  }

  /** Removes from `values` (in place) every service pushed within PUSH_OWNERSHIP_MS of `t`. */
  dropPushed(values: Record<string, unknown>, t: number): void {
    for (const [id, at] of this.pushedAt) {
      if (t - at > PUSH_OWNERSHIP_MS) this.pushedAt.delete(id);
      else delete values[id];
    }
  }
}
