import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../store/store";
import { postgresBackend, sqliteBackend, type Backend } from "../store/testing/backends";
import { DbMinuteStore, HISTORY_MINUTES_MS, signalHistoryPurger } from "./minute-store";
import { SignalHistory } from "./history";
import { SIGNALS, type SignalValues } from "./types";

const BASE = Date.UTC(2026, 11, 1, 9, 0, 0);
const MINUTE = 60_000;

function values(over: Partial<SignalValues> = {}): SignalValues {
  const v = {} as SignalValues;
  for (const s of SIGNALS) v[s] = 1;
  return { ...v, ...over };
}

function suite(backend: Backend) {
  describe(`the week of minutes in the store (${backend.name})`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      // The Postgres schema is dropped over the store's own connection, before it closes.
      await backend.teardown(store);
      await store?.close().catch(() => undefined);
      store = undefined;
    });
    const open = async () => {
      await backend.setup();
      store = await backend.open();
      return store;
    };

    it("gives back what was written, NaN and all, oldest first, and a rewrite of a minute replaces it", async () => {
      const minutes = new DbMinuteStore(await open());
      await minutes.write([
        { service: "api", start: BASE + MINUTE, values: values({ rps: 2, p99: Number.NaN }) },
        { service: "api", start: BASE, values: values({ rps: 1.0000000000000002 }) },
        { service: "db", start: BASE, values: values({ rps: 9 }) },
      ]);
      await minutes.write([{ service: "api", start: BASE + MINUTE, values: values({ rps: 3, p99: 250.125 }) }]);
      const api = await minutes.list("api", BASE, BASE + MINUTE);
      expect(api.map((p) => [p.t, p.rps, p.p99])).toEqual([
        [BASE, 1.0000000000000002, 1],
        [BASE + MINUTE, 3, 250.125],
      ]);
      expect((await minutes.list("api", BASE + 1, BASE + 10 * MINUTE)).map((p) => p.t)).toEqual([BASE + MINUTE]);
      expect(await minutes.list("nobody", BASE, BASE + MINUTE)).toEqual([]);
      const spans = await minutes.spans(["api", "db", "nobody"]);
      expect(Object.fromEntries(spans)).toEqual({ api: { first: BASE, last: BASE + MINUTE }, db: { first: BASE, last: BASE } });
    });

    it("keeps a week of a kept service out of memory: its history holds only the tick ring, and a restarted war room reads the week back", async () => {
      const s = await open();
      const history = new SignalHistory(["api"], { secondsCapacity: 600, minutes: new DbMinuteStore(s) });
      // Three hours of ticks, the minutes written as the recorder does (lib/ingest/recorder.ts).
      for (let t = BASE; t < BASE + 3 * 3600_000; t += 1000) {
        const minute = Math.floor((t - BASE) / MINUTE);
        history.record("api", t, values({ rps: minute, errorPct: minute === 17 ? 9.5 : 0.5 }));
        // Not yet the minute that closes last (178): it is still waiting to be written.
        if (t % MINUTE === 0 && t !== BASE + 179 * MINUTE) await history.writeMinutes(history.takeClosedMinutes());
      }
      expect(history.heldPoints()).toBeLessThanOrEqual(600 + 3);
      const to = BASE + 3 * 3600_000 - 1000;
      const hours = await history.query("api", BASE, to, 60);
      expect(hours.t).toHaveLength(180);
      expect(hours.rps).toEqual(Array.from({ length: 180 }, (_, m) => m));
      // The open minute (179) comes from memory, the minute that just closed (178) before the recorder wrote it too.
      expect(history.takeClosedMinutes().map((m) => m.start)).toEqual([BASE + 178 * MINUTE]);
      expect(Math.max(...(await history.query("api", BASE, to, 1800)).errorPct)).toBe(9.5);

      const restarted = new SignalHistory(["api"], { secondsCapacity: 600, minutes: new DbMinuteStore(s) });
      const week = await restarted.query("api", BASE - 7 * 24 * 3600_000, to, 3600);
      // Written minutes 0…177 are in the store: hours 0 and 1 whole, hour 2 up to minute 177.
      expect(week.t).toEqual([BASE, BASE + 3600_000, BASE + 7200_000]);
      expect(week.rps.map((r) => Math.round(r * 10) / 10)).toEqual([29.5, 89.5, 148.5]);
    });

    it("retention drops minutes older than the week and a day, and only those", async () => {
      const s = await open();
      const minutes = new DbMinuteStore(s);
      const now = BASE + 30 * 24 * 3600_000;
      const edge = now - HISTORY_MINUTES_MS - 24 * 3600_000;
      await minutes.write([edge - MINUTE, edge, now - MINUTE].map((start) => ({ service: "api", start, values: values() })));
      expect(await signalHistoryPurger(s).purge(now)).toBe(1);
      expect((await minutes.list("api", 0, now)).map((p) => p.t)).toEqual([edge, now - MINUTE]);
    });
  });
}

suite(sqliteBackend());
if (process.env.DATABASE_URL) suite(postgresBackend(process.env.DATABASE_URL));
