import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestServer, TestClient } from "./helpers";
import type { Config } from "../lib/config/schema";
import type { SourceStatus } from "../lib/signals/contract";

/**
 * Prometheus credentials never leave the process (lib/sources/prometheus/auth.ts): not in the
 * unauthenticated /health, not in a board viewer's frames, not in a log line, not in /metrics —
 * even when Prometheus echoes them back in its error body.
 */
const PASSWORD = "pw-Zq81-very-secret";
const ENV = "WR_TEST_PROM_PASSWORD";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Prometheus basic auth", () => {
  it("is sent to Prometheus, and the password appears in no response, frame, log line or metric", async () => {
    process.env[ENV] = PASSWORD;
    cleanups.push(() => void delete process.env[ENV]);
    const seen: string[] = [];
    // A Prometheus that refuses and echoes what it got, credentials included.
    const prom = http.createServer((req, res) => {
      req.resume();
      const header = req.headers.authorization ?? "";
      seen.push(header);
      const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString();
      res.writeHead(503, { "content-type": "text/plain" }).end(`unavailable for ${header} (${decoded})`);
    });
    await new Promise<void>((r) => prom.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (prom.closeAllConnections(), prom.close(() => r()))));
    const url = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
    const logLines: string[] = [];
    const ctx = await startTestServer({
      logLines,
      configure: (c: Config) => ({ ...c, source: { ...(c.prometheus ?? {}), kind: "prometheus", url, timeoutMs: 500, retries: 0, basicAuth: { username: "ada", passwordEnv: ENV } } as Config["source"] }),
    });
    cleanups.push(() => ctx.dispose());
    const base = `http://127.0.0.1:${ctx.server.port}`;
    const viewer = new TestClient(ctx.wsUrl);
    await viewer.opened;
    viewer.send({ type: "subscribe", channel: "board" });
    await viewer.next((f) => f.type === "snapshot" && f.channel === "board");
    await ctx.tick(3);
    await viewer.next((f) => f.type === "event" && f.channel === "board" && f.event === "source" && (f.data as SourceStatus).state === "down");

    const basic = Buffer.from(`ada:${PASSWORD}`).toString("base64");
    expect(seen[0]).toBe(`Basic ${basic}`);
    const texts = {
      health: await (await fetch(`${base}/health`)).text(),
      ready: await (await fetch(`${base}/health/ready`)).text(),
      metrics: await (await fetch(`${base}/metrics`)).text(),
      frames: JSON.stringify(viewer.frames),
      logs: logLines.join("\n"),
    };
    // The failure itself is reported, with Prometheus' words and the secret taken out.
    expect(texts.frames).toContain("<redacted>");
    expect(texts.ready).toContain("503");
    for (const [where, text] of Object.entries(texts)) {
      expect(text.length, where).toBeGreaterThan(0);
      expect(text, where).not.toContain(PASSWORD);
      expect(text, where).not.toContain(basic);
    }
    await viewer.close();
  });
});
