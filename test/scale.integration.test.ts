import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "./helpers";
import { estateConfig, estateServiceId } from "./support/estate";

/**
 * A 1,000-service estate (SPEC §11) starts and serves its board. How fast is bench/scale's job
 * (BENCHMARKS.md "Estate size"); the bound here only stops a hung start on this shared machine.
 */
const SERVICES = 1000;
const START_BOUND_MS = 90_000;

let child: ChildProcess | null = null;
let dir = "";
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
  child = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(config: string, dataDir: string): Promise<string> {
  const p = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], {
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", HOST: "127.0.0.1", PORT: "0", WAR_ROOM_CONFIG: config, WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = p;
  let out = "";
  return new Promise((resolve, reject) => {
    const on = (d: Buffer) => {
      out += d;
      const m = /War Room is live at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    p.stdout.on("data", on);
    p.stderr.on("data", on);
    p.once("exit", (code) => reject(new Error(`server exited with ${code} before it was live:\n${out}`)));
  });
}

describe("an estate of 1,000 services", () => {
  it("starts, and serves the board with every service live over /ws and the API, and every SLO with its window's budget", { timeout: START_BOUND_MS + 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-scale-"));
    const config = join(dir, "estate.yaml");
    writeFileSync(config, estateConfig(SERVICES));
    const url = await start(config, join(dir, "data"));

    const ws = new TestClient(url.replace("http", "ws") + "/ws");
    await ws.opened;
    ws.send({ type: "subscribe", channel: "board" });
    const snap = (await ws.next((f) => f.type === "snapshot" && f.channel === "board")) as unknown as { data: { services: { id: string }[]; latest: Record<string, { p99: number } | null>; spark: Record<string, { dt: number[] }> } };
    expect(snap.data.services).toHaveLength(SERVICES);
    expect(snap.data.services.map((s) => s.id)).toContain(estateServiceId(SERVICES - 1));
    // Every tile has figures and a sparkline from the first frame on.
    const withData = snap.data.services.filter((s) => snap.data.latest[s.id] !== null && snap.data.spark[s.id].dt.length > 0);
    expect(withData).toHaveLength(SERVICES);
    ws.close();

    const services = (await (await fetch(`${url}/api/v1/services`)).json()) as { services: unknown[] };
    expect(services.services).toHaveLength(SERVICES);
    // Seven days of a service's history, derived on demand for a simulated service.
    const to = Date.now();
    const id = estateServiceId(0);
    const week = (await (await fetch(`${url}/api/v1/services/${id}/signals?from=${new Date(to - 7 * 86400_000).toISOString()}&to=${new Date(to).toISOString()}&step=1800`)).json()) as { series: { t: number[]; rps: number[] } };
    expect(week.series.t.length).toBeGreaterThanOrEqual(335);
    expect(week.series.rps.every((r) => r > 0)).toBe(true);
    // Every SLO starts with its whole window counted (the simulated past), not just the last seconds:
    // svc-0000's 30-day availability SLO holds about 30 days of its traffic.
    const slos = (await (await fetch(`${url}/api/v1/slos`)).json()) as { slos: { id: string; total: number; windowMs: number; burnRates: Record<string, number | null> }[] };
    expect(slos.slos.length).toBeGreaterThanOrEqual(SERVICES);
    expect(slos.slos.every((s) => s.total > 0 && s.burnRates["3d"] !== null)).toBe(true);
    const slo = slos.slos.find((s) => s.id === `${id}-availability`)!;
    const meanRps = week.series.rps.reduce((a, b) => a + b, 0) / week.series.rps.length;
    expect(slo.windowMs).toBe(30 * 86400_000);
    expect(slo.total / ((slo.windowMs / 1000) * meanRps)).toBeGreaterThan(0.8);
    expect(slo.total / ((slo.windowMs / 1000) * meanRps)).toBeLessThan(1.2);
  });
});
