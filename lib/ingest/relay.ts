import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Logger } from "../log";
import type { Applied, PushApplier, PushedBatch, StoredSample } from "./apply";
import { sampleTime } from "./convert";
import { fastSample } from "./fast";
import { MAX_SAMPLES_PER_BATCH, SampleSchema, type Sample } from "./schema";
import type { TickRole } from "./tick";

/** The kind of bus message (lib/cluster/redis-broker.ts `send`) that carries pushed samples. */
export const INGEST_BUS_KIND = "ingest";
/** A bus message carries at most this many samples; a bigger request goes in several parts. */
export const MAX_SAMPLES_PER_MESSAGE = 1_000;
const MAX_PARTS = Math.ceil(MAX_SAMPLES_PER_BATCH / MAX_SAMPLES_PER_MESSAGE);
/** The receiving instance waits this long for its own message to come back from the bus. */
const OWN_MESSAGE_TIMEOUT_MS = 2_000;

const BusBatchSchema = z
  .object({
    id: z.string().min(1).max(64),
    part: z.number().int().min(0),
    parts: z.number().int().min(1).max(MAX_PARTS),
    receivedAt: z.number().finite(),
    samples: z
      .array(z.object({ service: z.string().min(1).max(63), t: z.number().int().positive(), intervalMs: z.number().int().min(1000).max(3_600_000), raw: z.unknown() }).strict())
      .min(1)
      .max(MAX_SAMPLES_PER_MESSAGE),
  })
  .strict()
  .refine((b) => b.part < b.parts);

/**
 * Another instance's pushed samples from the bus, checked as the HTTP route checks them (the
 * same sample schema, a configured service, `t` and the interval agreeing with the raw sample),
 * or null: such a message is ignored, never applied in part.
 */
export function parseBusBatch(data: unknown, hasService: (id: string) => boolean): PushedBatch | null {
  const b = BusBatchSchema.safeParse(data);
  if (!b.success) return null;
  const samples: StoredSample[] = [];
  for (const s of b.data.samples) {
    let raw: Sample | null = fastSample(s.raw);
    if (!raw) {
      const r = SampleSchema.safeParse(s.raw);
      if (!r.success) return null;
      raw = r.data;
    }
    if (raw.service !== s.service || !hasService(s.service) || sampleTime(raw) !== s.t || raw.intervalSeconds * 1000 !== s.intervalMs) return null;
    samples.push({ service: s.service, t: s.t, intervalMs: s.intervalMs, raw });
  }
  return { id: b.data.id, part: b.data.part, parts: b.data.parts, receivedAt: b.data.receivedAt, samples };
}

export type PushRelayOptions = {
  applier: PushApplier;
  /** This instance (bus messages carry their origin). */
  self: string;
  hasService: (id: string) => boolean;
  /** Whether the bus carries messages right now (the broker is up). */
  shared: () => boolean;
  /** Sends one part on the bus, after every frame this instance published before (rejects when it could not). */
  send: (batch: PushedBatch) => Promise<void>;
  /** This instance's tick role now (lib/server/root.ts): who records pushed samples fully. */
  role: () => TickRole;
  logger: Logger;
  ownMessageTimeoutMs?: number;
};

/**
 * Push ingest with several instances (docs/architecture.md "Several instances"). The receiving
 * instance has stored the samples (lib/ingest/push.ts); it sends the fresh ones on the bus, and
 * every instance — the receiver too, when its own message comes back — applies them in bus order,
 * as followers apply the leader's ticks: the leader records them fully (so its alert evaluation
 * sees them, and it alone writes rollups and SLO counts and publishes the frames), followers in
 * memory only. The receiver answers with what it applied (accepted, late). With the broker down
 * each instance applies what it receives itself, fully, as a single instance does.
 */
export class PushRelay {
  private readonly o: PushRelayOptions;
  /** Parts this instance sent and waits for on the bus, by `id/part`. */
  private readonly waiting = new Map<string, { batch: PushedBatch; resolve: (a: Applied) => void }>();

  constructor(opts: PushRelayOptions) {
    this.o = opts;
  }

  /** Shares a request's fresh samples (sorted by t) with every instance; resolves with what this instance applied, once it is recorded here. */
  async share(samples: readonly StoredSample[], receivedAt: number): Promise<{ accepted: number; late: number }> {
    const id = randomUUID();
    const parts: PushedBatch[] = [];
    for (let i = 0; i < samples.length; i += MAX_SAMPLES_PER_MESSAGE) parts.push({ id, part: parts.length, parts: 0, receivedAt, samples: samples.slice(i, i + MAX_SAMPLES_PER_MESSAGE) });
    for (const p of parts) p.parts = parts.length;
    const applied: Applied[] = [];
    if (!this.o.shared()) {
      for (const p of parts) applied.push(this.o.applier.apply(p, "leader"));
      return settle(applied);
    }
    const back: Promise<Applied>[] = [];
    for (let i = 0; i < parts.length; i++) {
      const coming = this.expect(parts[i]);
      try {
        await this.o.send(parts[i]);
        back.push(coming);
      } catch (err) {
        this.waiting.delete(key(parts[i]));
        this.o.logger.warn({ err: String(err) }, "could not send pushed samples to the other instances; they are applied on this instance only");
        // The parts sent before come first; the rest is applied here as with the broker down.
        applied.push(...(await Promise.all(back)));
        back.length = 0;
        for (const p of parts.slice(i)) applied.push(this.o.applier.apply(p, "leader"));
        break;
      }
    }
    applied.push(...(await Promise.all(back)));
    return settle(applied);
  }

  /** A bus message of kind INGEST_BUS_KIND. Never throws: a message that does not parse is logged and ignored. */
  receive(origin: string, data: unknown): void {
    try {
      if (origin === this.o.self) {
        // Ours, back from the bus: applied now, in bus order, from what we sent.
        const k = typeof data === "object" && data !== null ? `${String((data as { id?: unknown }).id)}/${String((data as { part?: unknown }).part)}` : "";
        const w = this.waiting.get(k);
        if (!w) return; // already applied here after the wait ran out
        this.waiting.delete(k);
        w.resolve(this.o.applier.apply(w.batch, this.busRole()));
        return;
      }
      const batch = parseBusBatch(data, this.o.hasService);
      if (!batch) return this.o.logger.warn({ origin }, "ignored pushed samples from the bus that do not parse");
      this.o.applier.apply(batch, this.busRole());
    } catch (err) {
      this.o.logger.warn({ origin, err: String(err) }, "could not apply pushed samples from the bus");
    }
  }

  /** A message that came through the bus: the leader records it, everyone else follows (the leader's frames reach their viewers). */
  private busRole(): TickRole {
    return this.o.role() === "leader" ? "leader" : "follower";
  }

  /** Waits for a part to come back from the bus; if it does not in time (this instance's subscription broke), applies it here as its role says. */
  private expect(batch: PushedBatch): Promise<Applied> {
    return new Promise((resolve) => {
      const k = key(batch);
      const timer = setTimeout(() => {
        if (!this.waiting.delete(k)) return;
        this.o.logger.warn({ batch: batch.id }, "pushed samples did not come back through the broker in time; applied here as this instance's role says");
        resolve(this.o.applier.apply(batch, this.o.role()));
      }, this.o.ownMessageTimeoutMs ?? OWN_MESSAGE_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(k, {
        batch,
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
      });
    });
  }
}

const key = (b: PushedBatch) => `${b.id}/${b.part}`;

async function settle(applied: readonly Applied[]): Promise<{ accepted: number; late: number }> {
  await Promise.all(applied.map((a) => a.done));
  return { accepted: applied.reduce((n, a) => n + a.accepted, 0), late: applied.reduce((n, a) => n + a.late, 0) };
}
