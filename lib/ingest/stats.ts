/** The stages of one ingest request, timed in CPU seconds of this process (bench/ingest, /metrics). */
export const INGEST_STAGES = ["parse", "validate", "store", "apply"] as const;
export type IngestStage = (typeof INGEST_STAGES)[number];
export type IngestPath = "json" | "remote_write";

type PathStats = { requests: number; samples: number; cpuSeconds: Record<IngestStage, number> };

/** Per path: requests, samples taken in, and CPU seconds per stage (`warroom_ingest_cpu_seconds_total{path,stage}`). */
export class IngestStats {
  readonly paths: Record<IngestPath, PathStats> = { json: empty(), remote_write: empty() };

  /** A stopwatch for one request: `lap(stage)` books the CPU used since the previous lap. */
  begin(path: IngestPath): { lap(stage: IngestStage): void; done(samples: number): void } {
    const p = this.paths[path];
    let last = process.cpuUsage();
    return {
      lap(stage) {
        const now = process.cpuUsage();
        p.cpuSeconds[stage] += (now.user - last.user + now.system - last.system) / 1e6;
        last = now;
      },
      done(samples) {
        p.requests++;
        p.samples += samples;
      },
    };
  }
}

function empty(): PathStats {
  return { requests: 0, samples: 0, cpuSeconds: { parse: 0, validate: 0, store: 0, apply: 0 } };
}

/** A stopwatch that books nothing (callers without stats). */
export const NO_LAPS = { lap: () => undefined, done: () => undefined };
