import type { PointValues } from "./contract";
import { signalState } from "./state";
import { SIGNALS, type SignalName, type Thresholds } from "./types";

/** The signals a board tile shows as figures; the others show only while they breach (components/board/ServiceTile.tsx). */
const ON_TILE: ReadonlySet<SignalName> = new Set(["p99", "rps", "errorPct", "cpuPct"]);

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

  /**
   * The changed signals of each service in `points`, and remembers them as told. A signal the tile
   * does not show goes out only while it breaches its threshold or when its state changes, so the
   * held value always gives the right state and a breaching one is current.
   */
  diff(points: Record<string, PointValues>, thresholdsOf: (id: string) => Thresholds | undefined = () => undefined): Record<string, Patch> {
    const out: Record<string, Patch> = {};
    for (const [id, p] of Object.entries(points)) {
      const old = this.base.get(id);
      if (!old) {
        this.base.set(id, { ...p });
        out[id] = { ...p };
        continue;
      }
      let patch: Patch | null = null;
      const th = thresholdsOf(id);
      for (const k of SIGNALS) {
        if (display(p[k]) === display(old[k])) continue;
        if (!ON_TILE.has(k)) {
          const now = signalState(p[k], th?.[k]);
          if (now === "ok" && signalState(old[k], th?.[k]) === "ok") continue;
        }
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
