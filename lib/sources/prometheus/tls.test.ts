import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrometheusSource } from "../prometheus";
import { resolveAuth } from "./auth";
import { PrometheusSourceSchema, type PrometheusSourceInput } from "./config";

const T = Date.UTC(2026, 10, 23, 12, 0, 0);
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCerts(dir: string) {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const key = (name: string) => ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", `${name}.key`);
  key("ca");
  ssl("req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=war-room-test-ca");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    key(name);
    ssl("req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    ssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "1", "-extfile", "san.ext");
  }
}

describe.skipIf(!hasOpenssl)("Prometheus over TLS", () => {
  let dir: string;
  let url: string;
  let server: https.Server;
  const clients: (string | undefined)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wr-tls-"));
    makeCerts(dir);
    const read = (f: string) => readFileSync(join(dir, f));
    // Mutual TLS: the server wants a client certificate from our CA.
    server = https.createServer({ key: read("server.key"), cert: read("server.pem"), ca: read("ca.pem"), requestCert: true, rejectUnauthorized: false }, (req, res) => {
      req.resume();
      const socket = req.socket as TLSSocket;
      const cn = socket.getPeerCertificate().subject?.CN;
      const authorized = socket.authorized;
      clients.push(authorized ? String(cn) : undefined);
      if (!authorized) return void res.writeHead(401).end("client certificate required");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const source = (over: Partial<PrometheusSourceInput>) => {
    const cfg = PrometheusSourceSchema.parse({ kind: "prometheus", url, retries: 0, timeoutMs: 2000, ...over });
    const { auth, problems } = resolveAuth(cfg, "prometheus");
    expect(problems).toEqual([]);
    return new PrometheusSource({ config: cfg, auth });
  };

  it("verifies the server against caFile and presents the client certificate", async () => {
    const src = source({ tls: { caFile: join(dir, "ca.pem"), certFile: join(dir, "client.pem"), keyFile: join(dir, "client.key") } });
    await expect(src.sampleAll(T)).resolves.toEqual({});
    expect(clients.at(-1)).toBe("client");
  });

  it("refuses a server its CAs do not vouch for (verification is on by default)", async () => {
    const src = source({});
    await expect(src.sampleAll(T)).rejects.toThrow(/cannot reach Prometheus at https:\/\/127\.0\.0\.1:\d+: .*(self-signed|unable to verify|local issuer)/i);
  });

  it("skips verification only when told, and without a client certificate the server refuses", async () => {
    const src = source({ tls: { insecureSkipVerify: true } });
    await expect(src.sampleAll(T)).rejects.toThrow(/Prometheus answered HTTP 401/);
    expect(clients.at(-1)).toBeUndefined();
  });
});
