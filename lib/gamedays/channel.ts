import type { Hub } from "../live/hub";
import type { Store } from "../store/store";
import { RunSchema, type Run } from "./model";
import { getRun } from "./repo";

const PREFIX = "gameday:";
/** A run publishes every tick; a reconnecting viewer gets a snapshot past this many. */
const HISTORY_LIMIT = 60;

/**
 * The `gameday:<runId>` channel (docs/protocol.md): the run as snapshot, and `run` events with
 * the whole run (state, steps, probe values) at every change, so every viewer sees the same
 * and a viewer that reconnects resumes from its cursor or gets the current run.
 */
export class GameDayChannel {
  private readonly hub: Hub;
  private readonly runs = new Map<string, Run>();

  constructor(opts: { hub: Hub; store: Store }) {
    this.hub = opts.hub;
    this.hub.routeAsync(
      PREFIX,
      async (name) => {
        const id = name.slice(PREFIX.length);
        const run = this.runs.get(id) ?? (await getRun(opts.store, id));
        if (!run) return null;
        this.keep(run);
        return { historyLimit: HISTORY_LIMIT, lossless: false, snapshot: () => ({ run: this.runs.get(id) ?? run }) };
      },
      { historyLimit: HISTORY_LIMIT },
    );
    // Another instance's change: keep the newest version for this instance's snapshots.
    this.hub.onRemote(PREFIX, (f, parsed) => {
      const r = RunSchema.safeParse((parsed()?.data as { run?: unknown } | undefined)?.run);
      if (r.success) this.keep(r.data);
    });
  }

  changed(run: Run): void {
    const copy = structuredClone(run);
    this.keep(copy);
    this.hub.publish(PREFIX + run.id, "run", { run: copy });
  }

  private keep(run: Run): void {
    const known = this.runs.get(run.id);
    if (!known || known.version <= run.version) this.runs.set(run.id, run);
    // Ended runs are kept a while for their viewers; only a bounded number.
    if (this.runs.size > 200) for (const [id, r] of this.runs) if (r.status !== "running" && this.runs.size > 200) this.runs.delete(id);
  }
}
