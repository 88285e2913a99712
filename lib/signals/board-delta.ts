import type { PointValues } from "./contract";
import { SIGNALS } from "./types";

type Patch = Partial<PointValues>;

/** Board figures show at most 3 significant digits (lib/signals/format.ts); finer moves are not news. */
function display(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return Number.isFinite(v) ? v : 0;
  return Number(v.toPrecision(3));
}

/**
 * What the board channel last told its viewers, per service, so a tick carries only what moved
 * (docs/protocol.md, `board` tick). Kept in step with every board tick on the channel, this
 * instance's and (with several instances) the others', in the order they arrive.
 */
export class BoardDelta {
  private readonly base = new Map<string, PointValues>();

  /** The changed signals of each service in `points`, and remembers them as told. */
  diff(points: Record<string, PointValues>): Record<string, Patch> {
    const out: Record<string, Patch> = {};
    for (const [id, p] of Object.entries(points)) {
      const old = this.base.get(id);
      if (!old) {
        this.base.set(id, { ...p });
        out[id] = { ...p };
        continue;
      }
      let patch: Patch | null = null;
      for (const k of SIGNALS) {
        if (display(p[k]) === display(old[k])) continue;
        (patch ??= {})[k] = p[k];
        old[k] = p[k];
      }
      if (patch) out[id] = patch;
    }
    return out;
  }

  /** Takes in a tick published elsewhere (another instance) so the next diff is against what viewers hold. */
  absorb(points: Record<string, Patch>): void {
    for (const [id, p] of Object.entries(points)) {
      const old = this.base.get(id);
      if (old) Object.assign(old, p);
      else if (SIGNALS.every((k) => typeof p[k] === "number")) this.base.set(id, p as PointValues);
    }
  }

  /** Forgets everything: the next tick carries every service in full (after a resync, a new epoch). */
  reset(): void {
    this.base.clear();
  }
}
