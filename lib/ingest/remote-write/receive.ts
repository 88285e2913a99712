import { z } from "zod";
import { Invalid } from "../../errors";
import type { Logger } from "../../log";
import { sampleTime, shareFasterOf, toSignals, type IngestSample } from "../convert";
import { storeAndApply, type IngestCtx } from "../push";
import type { RemoteWriteRules } from "./config";
import { REJECT_REASONS, RemoteWriteMapper, type RejectReason } from "./map";
import { decodeWriteRequest } from "./proto";
import { inflate } from "./snappy";
import { NO_LAPS } from "../stats";

/** The answer of POST /api/v1/write (Prometheus ignores a 2xx body; it is for people and tests). */
export const RemoteWriteResultSchema = z.object({
  /** remote_write samples that moved a series forward. */
  samples: z.number().int(),
  /** War-room points (one per service and scrape time) stored and applied, duplicate or late. */
  points: z.object({ accepted: z.number().int(), duplicates: z.number().int(), late: z.number().int() }),
  /** Samples already received (a retry). */
  duplicates: z.number().int(),
  /** Samples of metrics the war room does not use. */
  ignored: z.number().int(),
  /** Refused samples by reason; the accepted ones of the same request are kept. */
  rejected: z.partialRecord(z.enum(REJECT_REASONS), z.number().int()),
  /** Services named by refused series (at most 20). */
  rejectedServices: z.array(z.string()),
});
export type RemoteWriteResult = z.output<typeof RemoteWriteResultSchema>;

/**
 * Prometheus remote_write 1.0 (docs/api.md "Prometheus remote_write"): inflate (bounded), decode,
 * map to push samples, then store and apply them exactly as JSON push does (lib/ingest/push.ts).
 * Requests run one at a time: each one's series state starts from the one before it.
 */
export class RemoteWriteReceiver {
  private readonly mapper: RemoteWriteMapper;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly rejectedTotal = new Map<RejectReason, number>();
  private readonly loggedAt = new Map<RejectReason, number>();

  constructor(
    private readonly o: { ctx: IngestCtx; rules: RemoteWriteRules; accepts: (service: string) => "unknown_service" | "not_push_fed" | null; logger: Logger },
  ) {
    this.mapper = new RemoteWriteMapper(o.rules, o.accepts);
  }

  /** `warroom_remote_write_rejected_total{reason}`. */
  rejected(): ReadonlyMap<RejectReason, number> {
    return this.rejectedTotal;
  }

  get series(): number {
    return this.mapper.seriesCount;
  }

  receive(body: Buffer): Promise<RemoteWriteResult> {
    const run = this.queue.then(() => this.run(body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(body: Buffer): Promise<RemoteWriteResult> {
    const ctx = this.o.ctx;
    const laps = ctx.stats?.begin("remote_write") ?? NO_LAPS;
    const series = decodeWriteRequest(inflate(body));
    laps.lap("parse");
    const now = ctx.clock.now();
    const mapped = this.mapper.map(series, now);
    const samples: IngestSample[] = mapped.samples.map((s) => {
      const x: IngestSample = { service: s.service, t: sampleTime(s), intervalMs: s.intervalSeconds * 1000, values: toSignals(s, () => ctx.history.latest(s.service)), raw: s };
      const share = shareFasterOf(s);
      if (share) x.shareFaster = share;
      return x;
    });
    laps.lap("validate");
    const refused = Object.values(mapped.rejected).reduce((a, b) => a + b, 0);
    for (const [why, n] of Object.entries(mapped.rejected) as [RejectReason, number][]) {
      this.rejectedTotal.set(why, (this.rejectedTotal.get(why) ?? 0) + n);
      if (now - (this.loggedAt.get(why) ?? -Infinity) >= 60_000) {
        this.loggedAt.set(why, now);
        this.o.logger.warn({ reason: why, samples: n, services: mapped.rejectedServices }, "remote_write samples refused (logged once a minute per reason; see warroom_remote_write_rejected_total)");
      }
    }
    if (refused > 0 && mapped.points === 0 && mapped.duplicates === 0) {
      throw new Invalid(`remote_write: every sample was refused (${describe(mapped.rejected)})${mapped.rejectedServices.length ? `; services: ${mapped.rejectedServices.join(", ")}` : ""}`, {
        rejected: mapped.rejected,
        rejectedServices: mapped.rejectedServices,
      });
    }
    const r = samples.length > 0 ? await storeAndApply(ctx, samples, now, laps) : { accepted: 0, duplicates: 0, late: 0 };
    mapped.commit();
    laps.done(mapped.points);
    return { samples: mapped.points, points: r, duplicates: mapped.duplicates, ignored: mapped.ignored, rejected: mapped.rejected, rejectedServices: mapped.rejectedServices };
  }
}

const describe = (r: Partial<Record<RejectReason, number>>) =>
  Object.entries(r)
    .map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`)
    .join(", ");
