import type { Clock } from "../time";
import type { Logger } from "../log";
import type { Job } from "../jobs";

/** One kind of accumulating rows and how to drop the old ones; each domain provides its own. */
export type Purger = {
  /** Names the count in the "old rows purged" log line. */
  readonly name: string;
  /** Deletes what is past retention at `now`; resolves with the number of rows deleted. */
  purge(now: number): Promise<number>;
};

const EVERY_MS = 3600_000;

/** The hourly purge of every domain's old rows, so the process runs for months without care. */
export function retentionJob(opts: { purgers: readonly Purger[]; clock: Clock; logger: Logger }): Job {
  return {
    name: "retention",
    everyMs: EVERY_MS,
    async run() {
      try {
        const now = opts.clock.now();
        const counts: Record<string, number> = {};
        for (const p of opts.purgers) counts[p.name] = await p.purge(now);
        if (Object.values(counts).some((n) => n > 0)) opts.logger.info(counts, "old rows purged");
      } catch (err) {
        opts.logger.warn({ err }, "purge failed");
      }
    },
  };
}
