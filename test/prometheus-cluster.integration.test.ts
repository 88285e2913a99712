/**
 * Issue #13: "the real Prometheus counts the same queries per minute with 1 and with 3 instances".
 * A real Prometheus (Debian's binary, test/support/prometheus.ts) scrapes a simulated exporter;
 * War Room instances sharing PostgreSQL and Redis (test/support/cluster.ts) use it as their metric
 * source. Prometheus's own counter of API requests (its /metrics) is read over the same number of
 * board ticks with one instance, then with three: only the leader queries, so the rate must not
 * grow with instances (±15 %).
 *
 * Needs /usr/bin/prometheus, DATABASE_URL and REDIS_URL; skipped otherwise. Runs in
 * `npm run test:prometheus`.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../lib/config/load";
import { Simulator } from "../lib/simulator";
import { EXPOSITION_CONTENT_TYPE, SimExporter } from "../lib/simulator/exposition";
import { Cluster, clusterServices } from "./support/cluster";
import { LiveViewer } from "./support/live-viewer";
import { hasPrometheus, startPrometheus, waitFor, type ManagedServer } from "./support/prometheus";

const PROM = hasPrometheus();
const SERVICES = clusterServices();
if (!PROM) process.stderr.write("prometheus-cluster: skipped, /usr/bin/prometheus is not installed (apt-get install prometheus)\n");
else if (!SERVICES) process.stderr.write("prometheus-cluster: skipped, DATABASE_URL and REDIS_URL are both needed\n");

/** Board ticks per measurement (about 30 s at tickSeconds 1). */
const WINDOW_TICKS = 30;
const TOLERANCE = 0.15;
/** Prometheus handlers a metric source uses: instant queries every tick, range queries to backfill. */
const QUERY_HANDLERS = ["/api/v1/query", "/api/v1/query_range"];

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}, 60_000);

/** Prometheus's own count of requests per handler (all status codes), from its /metrics. */
async function promRequests(prom: ManagedServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${prom.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const out: Record<string, number> = Object.fromEntries(QUERY_HANDLERS.map((h) => [h, 0]));
  for (const line of text.split("\n")) {
    if (!line.startsWith("prometheus_http_requests_total{")) continue;
    const handler = /handler="([^"]+)"/.exec(line)?.[1];
    if (handler && handler in out) out[handler] += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return out;
}

describe.skipIf(!PROM || !SERVICES)("source queries with 1 and 3 War Room instances, counted by the real Prometheus", () => {
  let prom: ManagedServer;
  let cluster: Cluster;

  beforeAll(async () => {
    // A static scrape target: the demo estate's simulator behind the exporter War Room itself uses.
    const sim = new Simulator({ seed: 7, services: loadConfig(undefined).services });
    const exporter = new SimExporter();
    let last = 0;
    const target = http.createServer((req, res) => {
      if (req.url !== "/sim/metrics") return void res.writeHead(404).end();
      const t = Date.now();
      exporter.advance(t, sim.sampleAll(t, []), last ? (t - last) / 1000 : 0);
      last = t;
      res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end(exporter.render());
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => (target.closeAllConnections(), target.close(r))));
    prom = await startPrometheus({ scrapeUrls: [`http://127.0.0.1:${(target.address() as AddressInfo).port}/sim/metrics`], scrapeIntervalSeconds: 1 });
    cleanups.push(() => prom.dispose());
    cluster = await Cluster.start({
      instances: 1,
      balancer: false,
      configure: (c) => ({ ...c, source: { kind: "prometheus", url: prom.url, rateWindow: "10s", scrapeInterval: "1s" } }),
    });
    cleanups.push(() => cluster.close());
  }, 240_000);

  it("queries per minute do not multiply with instances (±15 %)", async () => {
    onTestFailed(() => void process.stderr.write(`prometheus-cluster: --- instance logs ---\n${cluster.logs()}\n`));
    const [a] = cluster.instances;
    const health = await cluster.health(a);
    expect((health?.source as { kind: string }).kind, "the instances use Prometheus as their source").toBe("prometheus");
    const viewer = new LiveViewer({ url: a.wsUrl, channels: ["board"], keepTicks: false });
    cleanups.push(async () => viewer.stop());

    /** Requests Prometheus counted while `viewer` received WINDOW_TICKS board ticks, per minute of wall time. */
    const measure = async () => {
      // Each instance fills its week of minutes after it is live: those range queries are start-up's, not the ticks'.
      for (const inst of cluster.alive) {
        await waitFor(`${inst.id}'s minute backfill`, async () => ((await cluster.health(inst))?.history as { minuteBackfill?: string } | undefined)?.minuteBackfill !== "running", 60_000, 100);
      }
      await waitFor("a board tick", () => viewer.tickCount > 0, 20_000, 20);
      const startTicks = viewer.tickCount;
      const s = await promRequests(prom);
      const t0 = Date.now();
      await waitFor(`${WINDOW_TICKS} board ticks`, () => viewer.tickCount >= startTicks + WINDOW_TICKS, WINDOW_TICKS * 1000 + 20_000, 20);
      const e = await promRequests(prom);
      const minutes = (Date.now() - t0) / 60_000;
      const total = QUERY_HANDLERS.reduce((n, h) => n + e[h] - s[h], 0);
      return { perMinute: total / minutes, perTick: total / WINDOW_TICKS, instant: e["/api/v1/query"] - s["/api/v1/query"], range: e["/api/v1/query_range"] - s["/api/v1/query_range"], seconds: minutes * 60 };
    };

    const one = await measure();
    await Promise.all([cluster.add(), cluster.add()]);
    expect(cluster.alive).toHaveLength(3);
    const roles = await cluster.roles();
    const three = await measure();
    const fmt = (m: typeof one) => `${m.perMinute.toFixed(1)}/min (${m.instant} instant + ${m.range} range queries over ${m.seconds.toFixed(1)} s, ${m.perTick.toFixed(2)} per tick)`;
    process.stderr.write(
      `prometheus-cluster: requests counted by Prometheus: 1 instance ${fmt(one)}; 3 instances ${fmt(three)}; ratio ${(three.perMinute / one.perMinute).toFixed(3)}; ` +
        `roles ${roles.map((r) => `${r.instance.id}=${r.cluster?.role ?? "?"}`).join(" ")}\n`,
    );
    expect(one.instant, "the source queries Prometheus every tick").toBeGreaterThanOrEqual(WINDOW_TICKS);
    expect(Math.abs(three.perMinute - one.perMinute) / one.perMinute, `queries per minute with 3 instances (${three.perMinute.toFixed(1)}) vs 1 (${one.perMinute.toFixed(1)})`).toBeLessThanOrEqual(TOLERANCE);
  }, 240_000);
});
