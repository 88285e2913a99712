import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { PrometheusSource } from "../prometheus";
import { SIGNALS } from "../../signals/types";
import { resolveAuth } from "./auth";
import { PrometheusSourceSchema } from "./config";

const T = Date.UTC(2026, 10, 23, 12, 0, 0);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A Prometheus on loopback that answers every request with `answer` and counts the requests (and their Authorization headers). */
async function fakePrometheus(answer: (res: http.ServerResponse) => void) {
  const seen: { authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ authorization: req.headers.authorization });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const FAILURES = 5;
const broken: [string, (res: http.ServerResponse) => void][] = [
  ['status "error" with 200', (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "execution", error: "boom" }))],
  ['status "error" with 422', (res) => res.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "execution", error: "too many samples" }))],
  ["a body over the size cap", (res) => res.writeHead(200, { "content-type": "application/json" }).end(`{"status":"success","data":{"resultType":"vector","result":[${'{"metric":{},"value":[1,"1"]},'.repeat(200)}{}]}}`)],
  ["garbage", (res) => res.writeHead(200, { "content-type": "application/json" }).end("<html>not json")],
  ["a 400 bad_data", (res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }))],
];

describe("the Prometheus breaker counts every failed query", () => {
  for (const [what, answer] of broken) {
    it(`opens on ${what}, and then no request reaches Prometheus`, async () => {
      const fake = await fakePrometheus(answer);
      const src = new PrometheusSource({
        config: { kind: "prometheus", url: fake.url, retries: 2, maxResponseBytes: 1024, breaker: { failures: FAILURES, halfOpenAfterMs: 60_000 } },
        backoff: { initialDelayMs: 1, maxDelayMs: 2 },
      });
      closers.push(async () => src.close());
      // One sample is one query per signal: more failures than the breaker allows.
      await expect(src.sampleAll(T)).rejects.toThrow();
      expect(src.stats().breaker).toBe("open");
      const after = fake.seen.length;
      // The queries of one sample run in parallel: each got through once, plus its retries (garbage is retried) before the breaker opened.
      expect(after).toBeLessThanOrEqual(SIGNALS.length * 3);
      // Ten more ticks (ten seconds of the board at 1 s): not one request more.
      for (let i = 1; i <= 10; i++) await expect(src.sampleAll(T + i * 1000)).rejects.toThrow(/circuit breaker open/);
      expect(fake.seen.length).toBe(after);
      expect(src.status().state).toBe("down");
    });
  }
});

describe("Prometheus credentials", () => {
  it("refuses credentials in the url, without quoting them", () => {
    const r = PrometheusSourceSchema.safeParse({ kind: "prometheus", url: "http://ada:s3cret-pass@prom:9090" });
    expect(r.success).toBe(false);
    const msg = JSON.stringify(r.error!.issues);
    expect(msg).toMatch(/must not carry credentials.*basicAuth/);
    expect(msg).not.toContain("s3cret-pass");
  });

  it("sends basic auth from a file and a bearer token from the environment", async () => {
    const fake = await fakePrometheus((res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } })));
    const dir = mkdtempSync(join(tmpdir(), "prom-auth-"));
    writeFileSync(join(dir, "pw"), "s3cret-pass\n");
    const basic = new PrometheusSource({ config: { kind: "prometheus", url: fake.url, basicAuth: { username: "ada", passwordFile: join(dir, "pw") } } });
    await basic.sampleAll(T);
    expect(fake.seen.at(-1)!.authorization).toBe(`Basic ${Buffer.from("ada:s3cret-pass").toString("base64")}`);
    const cfg = PrometheusSourceSchema.parse({ kind: "prometheus", url: fake.url, bearerToken: { env: "PROM_TOKEN_TEST" } });
    const { auth, problems } = resolveAuth(cfg, "prometheus", { PROM_TOKEN_TEST: "tok-123456" });
    expect(problems).toEqual([]);
    await new PrometheusSource({ config: cfg, auth }).sampleAll(T);
    expect(fake.seen.at(-1)!.authorization).toBe("Bearer tok-123456");
  });

  it("says which secret is missing, with path and reason, never its value", () => {
    const cfg = PrometheusSourceSchema.parse({ kind: "prometheus", url: "https://prom", bearerToken: { env: "NOPE_TOKEN" }, tls: { caFile: "/nonexistent/ca.pem" } });
    expect(resolveAuth(cfg, "prometheus", {}).problems).toEqual([
      { path: "prometheus.bearerToken", message: "environment variable NOPE_TOKEN is not set" },
      { path: "prometheus.tls.caFile", message: "cannot read /nonexistent/ca.pem: ENOENT" },
    ]);
    expect(resolveAuth(PrometheusSourceSchema.parse({ kind: "prometheus", url: "https://prom" }), "source").auth.tls.rejectUnauthorized).toBe(true);
  });

  it("takes a secret an error message echoes back out of it", async () => {
    const fake = await fakePrometheus((res) => res.writeHead(401).end("bad credentials for Bearer tok-abcdef123"));
    const src = new PrometheusSource({ config: { kind: "prometheus", url: fake.url, retries: 0 }, auth: { authorization: "Bearer tok-abcdef123", tls: { rejectUnauthorized: true }, secrets: ["tok-abcdef123"] } });
    const err = await src.sampleAll(T).catch((e: Error) => e);
    expect(String(err)).toContain("<redacted>");
    expect(String(err) + JSON.stringify(src.status()) + JSON.stringify(src.stats())).not.toContain("tok-abcdef123");
  });
});
