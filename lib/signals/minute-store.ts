import type { Transaction } from "kysely";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";
import { SIGNALS, type SignalPoint, type SignalValues } from "./types";

/**
 * Where the one-minute points of kept (Prometheus- and push-fed) services live: the week the
 * service page's long ranges read (lib/signals/history.ts). In the war room this is the store
 * (`signal_history`, migration 0015_signal_history), so a kept service's memory is its hour of
 * ticks whatever the uptime (SPEC §11: nothing per service that grows with uptime), and the week
 * survives a restart. Before, each kept service held a ring of a week of minutes, about 0.9 MB
 * after seven days (BENCHMARKS.md "Estate size").
 */
export type MinutePoint = { service: string; start: number; values: SignalValues };

export interface MinuteStore {
  /** Writes (or overwrites) minutes; idempotent on (service, start). */
  write(rows: readonly MinutePoint[]): Promise<void>;
  /** The service's minutes with start in [from, to], oldest first. */
  list(service: string, from: number, to: number): Promise<SignalPoint[]>;
  /** First and last stored minute per service (services with none are absent). */
  spans(services: readonly string[]): Promise<Map<string, { first: number; last: number }>>;
}

/** Minutes are kept for the longest range of the service page (7 d) and an hour more. */
export const HISTORY_MINUTES_MS = (7 * 1440 + 60) * 60_000;

/** In memory, for tests and a war room without a store: at most `capacity` minutes per service, the newest. */
export class MemoryMinuteStore implements MinuteStore {
  private readonly byService = new Map<string, Map<number, SignalValues>>();

  constructor(private readonly capacity = HISTORY_MINUTES_MS / 60_000) {}

  async write(rows: readonly MinutePoint[]): Promise<void> {
    this.writeNow(rows);
  }

  writeNow(rows: readonly MinutePoint[]): void {
    for (const r of rows) {
      let m = this.byService.get(r.service);
      if (!m) this.byService.set(r.service, (m = new Map()));
      m.set(r.start, { ...r.values });
      if (m.size > this.capacity) {
        const starts = [...m.keys()].sort((a, b) => a - b);
        for (let i = 0; i < starts.length - this.capacity; i++) m.delete(starts[i]);
      }
    }
  }

  async list(service: string, from: number, to: number): Promise<SignalPoint[]> {
    const m = this.byService.get(service);
    if (!m) return [];
    return [...m.entries()]
      .filter(([t]) => t >= from && t <= to)
      .sort((a, b) => a[0] - b[0])
      .map(([t, v]) => ({ t, ...v }));
  }

  async spans(services: readonly string[]): Promise<Map<string, { first: number; last: number }>> {
    const out = new Map<string, { first: number; last: number }>();
    for (const id of services) {
      const starts = [...(this.byService.get(id)?.keys() ?? [])];
      if (starts.length) out.set(id, { first: Math.min(...starts), last: Math.max(...starts) });
    }
    return out;
  }
}

/** A minute's values as bytes: little-endian float64s in SIGNALS order (NaN survives, unlike JSON). */
export function packMinute(v: SignalValues): Buffer {
  const a = new Float64Array(SIGNALS.length);
  for (let i = 0; i < SIGNALS.length; i++) a[i] = v[SIGNALS[i]];
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function unpackMinute(bytes: Uint8Array): SignalValues {
  if (bytes.byteLength !== SIGNALS.length * 8) throw new Error(`a stored minute has ${bytes.byteLength} bytes, not ${SIGNALS.length * 8}`);
  // Copied: a driver's Buffer need not be 8-byte aligned.
  const a = new Float64Array(SIGNALS.length);
  new Uint8Array(a.buffer).set(bytes);
  const v = {} as SignalValues;
  for (let i = 0; i < SIGNALS.length; i++) v[SIGNALS[i]] = a[i];
  return v;
}

const BATCH = 300;
/** Per-service span lookups in flight at once (each one is two index probes). */
const SPAN_CONCURRENCY = 16;

/** Writes (or overwrites) minutes in `signal_history` within a transaction (lib/signals/repo.ts writes them with the minute rollups in one). */
export async function insertHistoryMinutes(trx: Transaction<Database>, rows: readonly MinutePoint[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await trx
      .insertInto("signal_history")
      .values(rows.slice(i, i + BATCH).map((r) => ({ service: r.service, start: r.start, v: packMinute(r.values) })))
      .onConflict((oc) => oc.columns(["service", "start"]).doUpdateSet((eb) => ({ v: eb.ref("excluded.v") })))
      .execute();
  }
}

/** The war room's: minutes in the store's `signal_history` table. */
export class DbMinuteStore implements MinuteStore {
  constructor(private readonly store: Store) {}

  async write(rows: readonly MinutePoint[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.db.transaction().execute((trx) => insertHistoryMinutes(trx, rows));
  }

  async list(service: string, from: number, to: number): Promise<SignalPoint[]> {
    const rows = await this.store.db
      .selectFrom("signal_history")
      .select(["start", "v"])
      .where("service", "=", service)
      .where("start", ">=", from)
      .where("start", "<=", to)
      .orderBy("start")
      .execute();
    return rows.map((r) => ({ t: Number(r.start), ...unpackMinute(r.v) }));
  }

  async spans(services: readonly string[]): Promise<Map<string, { first: number; last: number }>> {
    const out = new Map<string, { first: number; last: number }>();
    // The first and the last minute by two ordered probes of the (service, start) key each:
    // `min(start), max(start)` in one query makes SQLite scan every row of the service.
    const edge = (id: string, dir: "asc" | "desc") =>
      this.store.db.selectFrom("signal_history").select("start").where("service", "=", id).orderBy("start", dir).limit(1).executeTakeFirst();
    let next = 0;
    const worker = async () => {
      while (next < services.length) {
        const id = services[next++];
        const [first, last] = await Promise.all([edge(id, "asc"), edge(id, "desc")]);
        if (first && last) out.set(id, { first: Number(first.start), last: Number(last.start) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(SPAN_CONCURRENCY, services.length) }, worker));
    return out;
  }
}

/** Retention (lib/store/retention.ts) of `signal_history`: what the longest range needs, and a day of margin. */
export const signalHistoryPurger = (store: Store) => ({
  name: "history minutes",
  purge: async (now: number) => {
    const r = await store.db.deleteFrom("signal_history").where("start", "<", now - HISTORY_MINUTES_MS - 24 * 3600_000).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
});

