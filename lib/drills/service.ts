import { randomUUID } from "node:crypto";
import {
  DRILL_DEFAULT_MAGNITUDE,
  DRILL_META,
  StartDrillInputSchema,
  drillEnd,
  isDrillActive,
  type Drill,
} from "./types";
import { Conflict, Invalid, NotFound, parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import { insertDrill, listDrills, purgeDrillsEndedBefore, stopDrill } from "./repo";

export const MAX_ACTIVE_DRILLS = 20;
/** Drills older than this are not kept in memory (the store keeps them until purged). */
const MEMORY_WINDOW_MS = 8 * 24 * 3600_000;
/** Drills are kept in the store this long after they ended. */
const DRILL_RETENTION_MS = 90 * 24 * 3600_000;

/**
 * Starting and stopping drills. A drill is written to the store before it is
 * acknowledged or takes effect, so a restart replays the same history.
 */
export class DrillService {
  private drills: Drill[] = [];
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly serviceIds: ReadonlySet<string>;
  /** Services the simulator feeds: the only ones a drill can target (lib/sources/config.ts). */
  private readonly simulated: ReadonlySet<string>;
  private readonly onChange: () => void;

  constructor(opts: { store: Store; clock: Clock; serviceIds: Iterable<string>; simulated?: Iterable<string>; onChange?: () => void }) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.serviceIds = new Set(opts.serviceIds);
    this.simulated = opts.simulated ? new Set(opts.simulated) : this.serviceIds;
    this.onChange = opts.onChange ?? (() => {});
  }

  async load(): Promise<void> {
    const since = this.clock.now() - MEMORY_WINDOW_MS;
    this.drills = (await listDrills(this.store, { since, limit: 1000 })).filter((d) => this.serviceIds.has(d.target));
  }

  /** Recent drills, newest first. */
  list(limit = 50): Drill[] {
    return this.drills.slice(0, limit);
  }

  /** Every drill that affects any time in [from, ∞): what the simulator needs. */
  effectiveSince(from: number): Drill[] {
    return this.drills.filter((d) => drillEnd(d) + 60_000 >= from);
  }

  active(now = this.clock.now()): Drill[] {
    return this.drills.filter((d) => isDrillActive(d, now));
  }

  async start(input: unknown, author: string): Promise<Drill> {
    const { kind, target, durationSeconds, note, magnitude: asked } = parseOrInvalid(StartDrillInputSchema, input, "drill", { firstIssue: false });
    if (!this.serviceIds.has(target)) {
      throw new Invalid(`unknown service "${target}"`, [{ path: "target", message: `unknown service "${target}"` }]);
    }
    if (!this.simulated.has(target)) {
      const message = `service "${target}" is not simulated: drills inject faults into the simulator and only target simulator-fed services`;
      throw new Invalid(message, [{ path: "target", message }]);
    }
    const meta = DRILL_META[kind];
    const magnitude = asked ?? DRILL_DEFAULT_MAGNITUDE[kind];
    if (magnitude < meta.min || magnitude > meta.max) {
      throw new Invalid(`magnitude for ${kind} must be between ${meta.min} and ${meta.max}`, [
        { path: "magnitude", message: `must be between ${meta.min} and ${meta.max} (${meta.magnitudeLabel})` },
      ]);
    }
    const now = this.clock.now();
    if (this.active(now).length >= MAX_ACTIVE_DRILLS) {
      throw new Conflict(`at most ${MAX_ACTIVE_DRILLS} drills can run at once; stop one first`);
    }
    const drill: Drill = {
      id: randomUUID(),
      kind,
      target,
      magnitude,
      startedAt: now,
      endsAt: now + durationSeconds * 1000,
      stoppedAt: null,
      createdBy: author,
      note,
    };
    await insertDrill(this.store, { ...drill, createdAt: now });
    this.drills.unshift(drill);
    this.onChange();
    return drill;
  }

  async stop(id: string): Promise<Drill> {
    const existing = this.drills.find((d) => d.id === id);
    if (!existing) throw new NotFound(`no drill "${id}"`);
    const now = this.clock.now();
    if (!isDrillActive(existing, now)) throw new Conflict(`drill "${id}" already ended`, { drill: existing });
    const stopped = await stopDrill(this.store, id, now);
    if (!stopped) throw new NotFound(`no drill "${id}"`);
    this.drills = this.drills.map((d) => (d.id === id ? stopped : d));
    this.onChange();
    return stopped;
  }

  /** Retention (lib/store/retention.ts): drops drills that ended more than DRILL_RETENTION_MS ago, in the store and in memory. */
  readonly purger = {
    name: "drills",
    purge: async (now: number): Promise<number> => {
      const n = await purgeDrillsEndedBefore(this.store, now - DRILL_RETENTION_MS);
      this.prune();
      return n;
    },
  };

  /** Forgets drills that ended long ago. */
  prune(): void {
    const cutoff = this.clock.now() - MEMORY_WINDOW_MS;
    this.drills = this.drills.filter((d) => drillEnd(d) >= cutoff);
  }
}
