import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerProcess } from "./support/server-process";
import { REMOTE_WRITE_HEADERS, remoteWriteBody, scrapeSeries } from "./support/remote-write";
import { demoConfig } from "../lib/config/demo";

const dataDir = mkdtempSync(join(tmpdir(), "war-room-rw-durable-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
// Only push-fed services take remote_write (lib/ingest/ownership.ts): the demo in push mode (JSON is YAML).
const configFile = join(dataDir, "config.yaml");
writeFileSync(configFile, JSON.stringify({ ...demoConfig, source: { kind: "push" } }));

const runServer = () => runServerProcess(dataDir, configFile);

type Answer = { samples: number; points: { accepted: number; duplicates: number; late: number } };
const write = async (base: string, body: Buffer): Promise<{ status: number; body: Answer }> => {
  const r = await fetch(`${base}/api/v1/write`, { method: "POST", headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
  return { status: r.status, body: (await r.json()) as Answer };
};

describe("remote_write durability", () => {
  it("a point acknowledged with 200 survives kill -9: Prometheus' resend after the restart is a duplicate", { timeout: 90_000 }, async () => {
    // Inside the 5 minutes ahead that ingest takes.
    const t = Date.now() + 60_000;
    const scrape = (at: number, n: number) => remoteWriteBody(scrapeSeries("checkout", at, { ok: 990 * n, err5: 10 * n, buckets: [[0.1, 900 * n], [0.5, 990 * n], [Infinity, 1000 * n]], cpu: 0.3 }));
    const first = runServer();
    const base = await first.live;
    expect((await write(base, scrape(t, 1))).status).toBe(200);
    const acked = await write(base, scrape(t + 10_000, 2));
    expect(acked).toMatchObject({ status: 200, body: { points: { accepted: 1, duplicates: 0 } } });
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServer();
    try {
      const again = await second.live;
      // The new process has no series state: the first scrape sets the baselines again, the second gives the same point, already stored.
      expect((await write(again, scrape(t, 1))).status).toBe(200);
      expect(await write(again, scrape(t + 10_000, 2))).toMatchObject({ status: 200, body: { points: { accepted: 0, duplicates: 1 } } });
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
