/**
 * Memory of kept history per service in steady state (SPEC §11 "memory ≤ 300 KB per service in
 * steady state, nothing allocated per service that grows with uptime"; issue #15 item 1). A
 * Prometheus- or push-fed service keeps what it was fed; bench/scale's runs last seconds, so its
 * RSS shows a history that has barely begun. This one fills, in this process, what a kept service
 * holds after a week of uptime: seven days of one-minute points (through the history's own minute
 * path: `writeMinutes` to the minute store where it has one, `recordMinute` into its rings where
 * it has not, as on commits before the week moved to the store) and then an hour of 1-s ticks, for
 * `--services` services, and reports the JavaScript heap and array buffers per service after a
 * full GC, against the same process before the history existed.
 *
 * The minute store here is one that keeps nothing (the war room's is the SQLite/PostgreSQL store,
 * on disk): what is measured is what the process holds.
 *
 *   node --expose-gc --import tsx bench/scale/history-memory.ts [--services 1000] [--hours 1]
 *
 * Writes bench/results/history-memory-<time>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignalHistory } from "../../lib/signals/history";
import { SIGNALS, type SignalValues } from "../../lib/signals/types";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("--services", 1000);
const HOURS = arg("--hours", 1);
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const WEEK_MINUTES = 7 * 1440;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function held(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function values(i: number, t: number): SignalValues {
  const v = {} as SignalValues;
  SIGNALS.forEach((s, k) => (v[s] = ((i * 31 + k * 7 + t / 1000) % 997) + 0.125));
  return v;
}

async function main() {
  const ids = Array.from({ length: N }, (_, i) => `svc-${i}`);
  const before = held();
  const nothing = { write: async () => undefined, list: async () => [], spans: async () => new Map() };
  const history = new SignalHistory(ids, { secondsCapacity: 3600, minutes: nothing });
  const h = history as unknown as {
    writeMinutes?: (rows: { service: string; start: number; values: SignalValues }[]) => Promise<void>;
    recordMinute?: (id: string, minute: number, v: SignalValues) => void;
    takeClosedMinutes?: () => unknown[];
  };
  const design = h.writeMinutes ? "week in the minute store" : "week in memory rings";
  const weekFrom = NOW - HOURS * 3600_000 - WEEK_MINUTES * MINUTE;
  const began = Date.now();
  for (let i = 0; i < N; i++) {
    const id = ids[i];
    if (h.writeMinutes) {
      const rows = [];
      for (let m = 0; m < WEEK_MINUTES; m++) rows.push({ service: id, start: weekFrom + m * MINUTE, values: values(i, m) });
      await h.writeMinutes(rows);
    } else {
      for (let m = 0; m < WEEK_MINUTES; m++) h.recordMinute!(id, weekFrom + m * MINUTE, values(i, m));
    }
  }
  for (let t = NOW - HOURS * 3600_000; t < NOW; t += 1000) {
    for (let i = 0; i < N; i++) history.record(ids[i], t, values(i, t));
    h.takeClosedMinutes?.();
  }
  const after = held();
  const perService = (after - before) / N;
  const result = { design, services: N, hoursOfTicks: HOURS, weekMinutes: WEEK_MINUTES, heldBytes: after - before, perServiceKiB: Math.round(perService / 102.4) / 10, fillSeconds: (Date.now() - began) / 1000, node: process.version };
  console.log(JSON.stringify(result, null, 2));
  const dir = path.join(import.meta.dirname, "..", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `history-memory-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify(result, null, 2));
  // Keeps the history alive until after the measurement.
  if (history.ids().length !== N) throw new Error("unreachable");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
