/**
 * Prometheus remote_write into a push-fed War Room, with the real Debian binary on loopback ports:
 *
 *   War Room A (simulator, real time) ── GET /sim/metrics ──▶ Prometheus (1 s scrapes)
 *   Prometheus ── remote_write (snappy protobuf, Bearer token with the ingest scope) ──▶ War Room B
 *
 * B's every service is push-fed (global `source: push` and `source: push` on each service,
 * lib/sources/config.ts): its only data is what Prometheus forwards. B must show
 * A's rps, error % and p99 within the tolerances of test/prometheus-mode.integration.test.ts, and
 * count the same SLO events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../lib/config/schema";
import { LATENCY_BUCKETS_SECONDS } from "../lib/simulator/exposition";
import { createToken } from "../lib/auth/tokens";
import type { Identity } from "../lib/auth/policy";
import { sumSliCounts } from "../lib/slo/repo";
import { startTestServer } from "./helpers";
import { hasPrometheus, startPrometheus, waitFor, type ManagedServer } from "./support/prometheus";

const PROM = hasPrometheus();
if (!PROM) process.stderr.write("prometheus-remote-write: skipped, /usr/bin/prometheus is not installed (apt-get install prometheus)\n");

/** As test/prometheus-mode.integration.test.ts: B's window may hold one scrape more or less of A's ticks. */
const RELATIVE_TOLERANCE = 0.15;
const WINDOW_S = 10;
const MINUTE = 60_000;
const ADMIN: Identity = { subject: "seed-admin", name: "Seed Admin", email: null, role: "admin", via: { kind: "local" } };

type Ctx = Awaited<ReturnType<typeof startTestServer>>;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}, 60_000);

describe.skipIf(!PROM)("Prometheus remote_write into a push-fed War Room", () => {
  let a: Ctx;
  let b: Ctx;
  let prom: ManagedServer;
  let ids: string[];
  let startedAt: number;

  beforeAll(async () => {
    a = await startTestServer({ realTime: true });
    cleanups.push(() => a.dispose());
    b = await startTestServer({
      realTime: true,
      configure: (c: Config) => ({ ...c, source: { kind: "push" }, services: c.services.map((s) => ({ ...s, source: "push" as const })) }),
    });
    expect(b.server.warRoom.catalog.services.every((s) => s.source === "push")).toBe(true);
    expect(b.server.warRoom.source.kind).toBe("push");
    cleanups.push(() => b.dispose());
    ids = b.server.warRoom.catalog.services.map((s) => s.id);
    const { secret } = await createToken({ ctx: b.server.warRoom.auth, input: { name: "prometheus", scopes: ["ingest"] }, actor: ADMIN });
    startedAt = Date.now();
    prom = await startPrometheus({ scrapeUrls: [`${a.server.url}/sim/metrics`], scrapeIntervalSeconds: 1, remoteWrite: [{ url: `${b.server.url}/api/v1/write`, bearerToken: secret }] });
    cleanups.push(() => prom.dispose());
  }, 60_000);

  it("B shows A's rps, error % and p99 from what Prometheus forwards, and nothing else", async () => {
    const enough = () => ids.every((id) => b.server.warRoom.history.recent(id, startedAt).t.length >= WINDOW_S + 3);
    await waitFor(`${WINDOW_S + 3} forwarded points of every service in B`, enough, 60_000, 100);
    const t = b.server.warRoom.history.latest("checkout")!.t;
    const rows: string[] = [];
    for (const id of ids) {
      const bWin = b.server.warRoom.history.recent(id, t - WINDOW_S * 1000 - 2000);
      // B has no point from before Prometheus forwarded anything: no simulated, no scraped value.
      expect(b.server.warRoom.history.recent(id, 0).t[0], `${id}: B's first point`).toBeGreaterThan(startedAt);
      // B's point at scrape s covers A's ticks since the previous scrape: weight each by its span.
      let bReq = 0;
      let bErr = 0;
      let bSpan = 0;
      let bP99 = 0;
      let bN = 0;
      for (let i = 1; i < bWin.t.length; i++) {
        if (bWin.t[i] <= t - WINDOW_S * 1000 || bWin.t[i] > t) continue;
        const span = (bWin.t[i] - bWin.t[i - 1]) / 1000;
        bReq += bWin.rps[i] * span;
        bErr += (bWin.rps[i] * span * bWin.errorPct[i]) / 100;
        bSpan += span;
        if (bWin.rps[i] > 0) {
          bP99 += bWin.p99[i];
          bN++;
        }
      }
      const aWin = a.server.warRoom.history.recent(id, t - WINDOW_S * 1000);
      const idx = aWin.t.map((x, i) => [x, i] as const).filter(([x]) => x > t - WINDOW_S * 1000 && x <= t).map(([, i]) => i);
      const sum = (f: (i: number) => number) => idx.reduce((s, i) => s + f(i), 0);
      const rps = sum((i) => aWin.rps[i]) / idx.length;
      const errorPct = (100 * sum((i) => (aWin.rps[i] * aWin.errorPct[i]) / 100)) / sum((i) => aWin.rps[i]);
      const p99 = sum((i) => aWin.p99[i]) / idx.length;
      const got = { rps: bReq / bSpan, errorPct: (100 * bErr) / bReq, p99: bP99 / bN };
      expect(Math.abs(got.rps - rps) / rps, `${id}: rps ${got.rps} vs A ${rps}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      expect(Math.abs(got.errorPct - errorPct) / errorPct, `${id}: errorPct ${got.errorPct} vs A ${errorPct}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      const bounds = [0, ...LATENCY_BUCKETS_SECONDS].map((s) => s * 1000);
      const hi = bounds.findIndex((ms) => ms >= p99);
      const width = bounds[hi] - bounds[hi - 1];
      expect(Math.abs(got.p99 - p99), `${id}: p99 ${got.p99} vs A ${p99} (bucket ${bounds[hi - 1]}–${bounds[hi]} ms)`).toBeLessThanOrEqual(width);
      const latest = b.server.warRoom.history.latest(id)!;
      expect(Math.abs(latest.memPct - a.server.warRoom.history.latest(id)!.memPct), `${id}: memPct`).toBeLessThanOrEqual(5);
      rows.push(`${id.padEnd(16)} rps ${got.rps.toFixed(1)}/${rps.toFixed(1)}  err% ${got.errorPct.toFixed(4)}/${errorPct.toFixed(4)}  p99 ${got.p99.toFixed(1)}/${p99.toFixed(1)} ms (bucket width ${width} ms)`);
    }
    process.stderr.write(`prometheus-remote-write: B/A over (${new Date(t - WINDOW_S * 1000).toISOString()}, ${new Date(t).toISOString()}]\n  ${rows.join("\n  ")}\n`);
    // Push mode simulates nothing: B serves no scrape target.
    expect((await fetch(`${b.server.url}/sim/metrics`)).status).toBe(404);
    // Prometheus' own series (up, scrape_*) are ignored, never refused.
    const metrics = await (await fetch(`${b.server.url}/metrics`)).text();
    expect(metrics.split("\n").filter((l) => l.startsWith("warroom_remote_write_rejected_total{"))).toEqual([]);
  }, 90_000);

  it("B counts the same SLO events as A over a whole minute", async () => {
    // The first minute that B was fed from its start, once both have closed and stored it.
    const firstB = b.server.warRoom.history.recent("checkout", 0).t[0] ?? (await waitFor("B's first point", () => b.server.warRoom.history.recent("checkout", 0).t[0], 30_000, 100));
    const m = Math.ceil((firstB + 2000) / MINUTE) * MINUTE;
    const counts = (ctx: Ctx, slo: string) => sumSliCounts(ctx.server.warRoom.store, slo, m, m + MINUTE);
    await waitFor(
      `the minute ${new Date(m).toISOString()} stored by A and B`,
      async () => (await counts(a, "checkout-availability")).total > 0 && (await counts(b, "checkout-availability")).total > 0,
      160_000,
      500,
    );
    const rows: string[] = [];
    for (const slo of ["checkout-availability", "checkout-latency"]) {
      const [ca, cb] = [await counts(a, slo), await counts(b, slo)];
      expect(Math.abs(cb.total - ca.total) / ca.total, `${slo}: total ${cb.total} vs A ${ca.total}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      const [badA, badB] = [ca.total - ca.good, cb.total - cb.good];
      expect(badA, `${slo}: A has bad events`).toBeGreaterThan(0);
      expect(Math.abs(badB - badA) / badA, `${slo}: bad ${badB} vs A ${badA}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      rows.push(`${slo}: total ${cb.total.toFixed(1)}/${ca.total.toFixed(1)}  bad ${badB.toFixed(2)}/${badA.toFixed(2)}`);
    }
    process.stderr.write(`prometheus-remote-write: SLO counts B/A for ${new Date(m).toISOString()}\n  ${rows.join("\n  ")}\n`);
  }, 200_000);
});
