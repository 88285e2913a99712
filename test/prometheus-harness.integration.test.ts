import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SimExporter, EXPOSITION_CONTENT_TYPE } from "../lib/simulator/exposition";
import { Simulator } from "../lib/simulator";
import { demoServices } from "../lib/simulator/test-fixtures";
import { PrometheusClient, PrometheusSource } from "../lib/sources/prometheus";
import { hasAlertmanager, hasPrometheus, startAlertmanager, startPrometheus, waitFor, type ManagedServer } from "./support/prometheus";

const PROM = hasPrometheus();
const AM = hasAlertmanager();
if (!PROM) process.stderr.write("prometheus-harness: skipped, /usr/bin/prometheus is not installed (apt-get install prometheus)\n");
if (!AM) process.stderr.write("prometheus-harness: alertmanager tests skipped, /usr/bin/prometheus-alertmanager is not installed\n");

/** A tiny HTTP server with one route, closed in afterAll. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

describe.skipIf(!PROM)("Prometheus harness (real binary) scraping the SimExporter", () => {
  const sim = new Simulator({ seed: 3, services: demoServices });
  const exporter = new SimExporter();
  let lastScrape = 0;
  let prom: ManagedServer;
  let client: PrometheusClient;

  beforeAll(async () => {
    const target = await serve((req, res) => {
      if (req.url !== "/sim/metrics") return res.writeHead(404).end();
      // A real exporter counts what happened since the last scrape.
      const t = Date.now();
      exporter.advance(t, sim.sampleAll(t, []), lastScrape ? (t - lastScrape) / 1000 : 0);
      lastScrape = t;
      res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end(exporter.render());
    });
    cleanups.push(target.close);
    prom = await startPrometheus({ scrapeUrls: [`${target.url}/sim/metrics`] });
    cleanups.push(() => prom.dispose());
    client = new PrometheusClient({ url: prom.url, timeoutMs: 3000, retries: 1, maxResponseBytes: 8 << 20, breaker: { failures: 50, halfOpenAfterMs: 1000 } });
  }, 60_000);

  /** rate() per service once the 10 s window is full of scrapes (rate() divides by the window). */
  const rates = async () => {
    const full = await client.query("count_over_time(up[12s])", Date.now());
    if (!(full.series[0]?.samples[0].v >= 11)) return null;
    const r = await client.query("sum by (service) (rate(http_requests_total[10s]))", Date.now());
    const byService = Object.fromEntries(r.series.map((s) => [s.metric.service, s.samples[0].v]));
    return Object.keys(byService).length === demoServices.length && Object.values(byService).every((v) => v > 0) ? byService : null;
  };

  /**
   * The simulator's mean rps over the 10 s before `at`, sampled each second: what rate(...[10s])
   * measures. One instant's rps is not: per-second noise on a small service is ±10 % and more.
   */
  const meanRps = (at: number): Record<string, number> => {
    const sum: Record<string, number> = {};
    for (let k = 0; k < 10; k++) for (const [id, v] of Object.entries(sim.sampleAll(at - k * 1000, []))) sum[id] = (sum[id] ?? 0) + v.rps / 10;
    return sum;
  };

  it("scrapes the exposition and answers rate(http_requests_total[...])", async () => {
    const byService = await waitFor("rates of every service", rates, 30_000);
    const expected = meanRps(Date.now());
    for (const svc of demoServices) {
      expect(byService[svc.id] / expected[svc.id], svc.id).toBeGreaterThan(0.8);
      expect(byService[svc.id] / expected[svc.id], svc.id).toBeLessThan(1.2);
    }
    const up = await client.query("up", Date.now());
    expect(up.series[0].samples[0].v).toBe(1);
  }, 40_000);

  it("feeds PrometheusSource with the default queries", async () => {
    // A short rate window so the test needs seconds of data, not a minute.
    const source = new PrometheusSource({ config: { kind: "prometheus", url: prom.url, rateWindow: "10s" } });
    cleanups.push(async () => source.close());
    const out = await waitFor("all services from the source", async () => {
      const o = await source.sampleAll(Date.now());
      return Object.keys(o).length === demoServices.length ? o : null;
    });
    const expected = meanRps(Date.now());
    for (const svc of demoServices) {
      const got = out[svc.id];
      expect(got.rps / expected[svc.id], svc.id).toBeGreaterThan(0.8);
      expect(got.rps / expected[svc.id], svc.id).toBeLessThan(1.2);
      expect(got.p99, svc.id).toBeGreaterThan(0);
      expect(got.p99, svc.id).toBeGreaterThanOrEqual(got.p50);
      expect(got.errorPct, svc.id).toBeGreaterThanOrEqual(got.error5xxPct);
      expect(got.cpuPct, svc.id).toBeGreaterThan(0);
      expect(got.memPct, svc.id).toBeGreaterThan(0);
    }
    expect(source.status().state).toBe("ok");
    expect(source.stats()).toMatchObject({ breaker: "closed", errors: 0 });

    const counts = await source.sloCounts({ kind: "ratio", good: "non-5xx" }, "checkout", Date.now() - 5000, Date.now());
    expect(counts.total).toBeGreaterThan(0);
    expect(counts.good).toBeLessThanOrEqual(counts.total);
    const latency = await source.sloCounts({ kind: "latency", thresholdMs: 300 }, "checkout", Date.now() - 5000, Date.now());
    expect(latency.good).toBeGreaterThan(0.5 * latency.total);
  }, 40_000);

  it("keeps its data across stop/start and kill/start on the same port", async () => {
    const port = prom.port;
    // A graceful stop marks the series stale, so look at a time before it.
    const beforeStop = Date.now() - 1000;
    await prom.stop();
    expect(prom.running).toBe(false);
    await prom.start();
    expect(prom.port).toBe(port);
    const before = await client.query("count(http_requests_total)", beforeStop);
    expect(before.series[0]?.samples[0].v).toBe(demoServices.length * 5);
    await prom.kill();
    await expect(client.query("up", Date.now())).rejects.toThrow(/cannot reach Prometheus/);
    await prom.start();
    await waitFor("rates after a crash", rates, 30_000);
  }, 60_000);
});

describe.skipIf(!PROM || !AM)("Alertmanager harness (real binary)", () => {
  it("delivers an alert from a Prometheus rule to the webhook", async () => {
    const received: { version: string; status: string; alerts: { labels: Record<string, string> }[] }[] = [];
    const hook = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()));
        res.writeHead(200).end();
      });
    });
    cleanups.push(hook.close);
    const am = await startAlertmanager({ webhookUrl: `${hook.url}/hook` });
    cleanups.push(() => am.dispose());
    const target = await serve((_req, res) => res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end("# TYPE x gauge\nx 1\n"));
    cleanups.push(target.close);
    const prom = await startPrometheus({
      scrapeUrls: [`${target.url}/metrics`],
      alertmanagerUrl: am.url,
      rules: JSON.stringify({ groups: [{ name: "t", rules: [{ alert: "HarnessAlwaysFiring", expr: "vector(1)", labels: { severity: "page" } }] }] }),
    });
    cleanups.push(() => prom.dispose());
    const msg = await waitFor("the webhook notification", () => received.find((m) => m.alerts.some((a) => a.labels.alertname === "HarnessAlwaysFiring")), 30_000);
    expect(msg.version).toBe("4");
    expect(msg.status).toBe("firing");
    expect(msg.alerts[0].labels.severity).toBe("page");
  }, 60_000);
});
