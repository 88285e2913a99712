import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import WebSocket from "ws";
import { startTestServer, TestClient } from "./helpers";
import { readEnv } from "../lib/config/env";
import { loadConfig } from "../lib/config/load";
import { startWarRoom } from "../lib/server/server";
import { UnsafeBindError } from "../lib/server/security";
import { listAlertEvents } from "../lib/alerts/repo";
import type { Alert } from "../lib/alerts/model";

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => { error?: { code: string; message: string } } & Record<string, unknown> };

/** node:http, because fetch may not set Host and always drops some headers. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The status of a refused WebSocket handshake, or "open" (closed again unless `keep` gets the socket). */
function upgrade(url: string, headers: Record<string, string>, keep?: (ws: WebSocket) => void): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => {
      if (keep) keep(ws);
      else ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once("error", (err) => (err.message.includes("Unexpected server response") ? undefined : reject(err)));
  });
}

const JSON_TYPE = { "content-type": "application/json" };

describe("start-up: a war room without sign-in listens on loopback only", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "war-room-bind-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const start = (mode: "local" | "none", lines: string[]) => {
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const config = loadConfig(undefined);
    return startWarRoom({
      env: readEnv({ PORT: "0", HOST: "0.0.0.0", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn" }),
      config: { ...config, auth: { ...config.auth, mode } },
      logger: pino({ level: "warn" }, sink),
      ui: "none",
      autoTick: false,
      backfill: false,
    });
  };

  it("refuses HOST=0.0.0.0 in local mode, naming HOST, auth.mode and the ways out", async () => {
    const err = await start("local", []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeBindError);
    const msg = (err as Error).message;
    expect(msg).toContain("HOST=0.0.0.0");
    expect(msg).toContain('auth.mode is "local"');
    expect(msg).toContain("HOST=127.0.0.1");
    expect(msg).toContain("auth.mode: oidc");
  });

  it("starts with HOST=0.0.0.0 in none mode, with a loud warning, and reports the real bind address", async () => {
    const lines: string[] = [];
    const server = await start("none", lines);
    try {
      expect(server.bind).toBe(`0.0.0.0:${server.port}`);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith("UNSAFE"));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain('auth.mode "none"');
    } finally {
      await server.close(100);
    }
  });
});

describe("Host, same-origin writes and headers", () => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let port: number;
  let self: string;
  beforeAll(async () => {
    ctx = await startTestServer();
    port = ctx.server.port;
    self = `http://127.0.0.1:${port}`;
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  it("refuses a foreign Host with 421 (JSON for /api, text elsewhere) but answers /health/live and /health/ready", async () => {
    const api = await raw(port, "GET", "/api/v1/services", { host: "evil.example" });
    expect(api.status).toBe(421);
    expect(api.json().error?.code).toBe("misdirected");
    const page = await raw(port, "GET", "/", { host: `rebound.example:${port}` });
    expect(page.status).toBe(421);
    expect(page.headers["content-type"]).toMatch(/^text\/plain/);
    expect((await raw(port, "GET", "/health", { host: "10.0.0.5" })).status).toBe(421);
    expect((await raw(port, "GET", "/metrics", { host: "10.0.0.5" })).status).toBe(421);
    expect((await raw(port, "GET", "/health/live", { host: "10.0.0.5:3000" })).status).toBe(200);
    expect((await raw(port, "GET", "/health/ready", { host: "10.0.0.5:3000" })).status).toBe(200);
    // Loopback names with any port are this machine.
    for (const host of [`localhost:${port}`, "127.0.0.2", `[::1]:${port}`]) expect((await raw(port, "GET", "/api/v1/services", { host })).status, host).toBe(200);
    expect((await raw(port, "GET", "/api/v1/services", { host: "evil@127.0.0.1" })).status).toBe(421);
  });

  it("refuses WebSocket upgrades with a foreign Host or Origin (403), and takes a same-origin one", async () => {
    expect(await upgrade(ctx.wsUrl, { host: "evil.example" })).toBe(403);
    expect(await upgrade(ctx.wsUrl, { origin: "https://evil.example" })).toBe(403);
    expect(await upgrade(ctx.wsUrl, { origin: `http://localhost:${port}` })).toBe(403); // not this request's origin
    expect(await upgrade(ctx.wsUrl, { origin: self })).toBe("open");
    expect(await upgrade(ctx.wsUrl, {})).toBe("open");
  });

  it("cross-site and non-JSON writes change nothing", async () => {
    const started = await raw(port, "POST", "/api/v1/drills", { ...JSON_TYPE, origin: self, "sec-fetch-site": "same-origin" }, JSON.stringify({ kind: "errors", target: "search", durationSeconds: 600 }));
    expect(started.status).toBe(201);
    const drillId = (started.json().drill as { id: string }).id;
    const incidentsBefore = await (await fetch(`${self}/api/v1/incidents`)).json();
    const newIncident = JSON.stringify({ title: "forged", severity: "SEV1", services: ["search"] });

    for (const path of [`/api/v1/drills/${drillId}/stop`, "/api/v1/incidents"]) {
      const crossSite: Record<string, string>[] = [
        { "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        { "content-type": "text/plain", origin: "https://evil.example" }, // a browser without Fetch Metadata
        { "content-type": "text/plain", origin: "null" }, // sandboxed frame
        { ...JSON_TYPE, "sec-fetch-site": "same-site" }, // another port on this machine
        { ...JSON_TYPE, "sec-fetch-site": "cross-site" },
        { ...JSON_TYPE, origin: `http://localhost:${port + 1}` },
        { "content-type": "text/plain", cookie: "wr_session=stolen" }, // a browser that stripped both headers
      ];
      for (const headers of crossSite) {
        const r = await raw(port, "POST", path, headers, newIncident);
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(r.json().error).toMatchObject({ code: "forbidden" });
        expect(r.json().error?.message).toMatch(/^cross-site request refused/);
      }
      const notJson: Record<string, string>[] = [
        { "content-type": "application/x-www-form-urlencoded", origin: self, "sec-fetch-site": "same-origin" },
        { "content-type": "text/plain", "sec-fetch-site": "same-origin" },
        { origin: self }, // no content type, empty body
        {},
      ];
      for (const headers of notJson) {
        const r = await raw(port, "POST", path, headers, headers["content-type"] ? "title=forged" : undefined);
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
        expect(r.json().error?.code).toBe("unsupported_media_type");
      }
    }
    const { drills } = (await (await fetch(`${self}/api/v1/drills`)).json()) as { drills: { id: string; active: boolean }[] };
    expect(drills.find((d) => d.id === drillId)?.active).toBe(true);
    expect(await (await fetch(`${self}/api/v1/incidents`)).json()).toEqual(incidentsBefore);
  });

  it("takes same-origin writes, machine writes without browser headers, and bearer writes with a cookie", async () => {
    const body = JSON.stringify({ title: "Search slow", severity: "SEV3", services: ["search"] });
    expect((await raw(port, "POST", "/api/v1/incidents", { ...JSON_TYPE, origin: self, "sec-fetch-site": "same-origin" }, body)).status).toBe(201);
    expect((await raw(port, "POST", "/api/v1/incidents", { ...JSON_TYPE, origin: `http://localhost:${port}`, host: `localhost:${port}` }, body)).status).toBe(201);
    expect((await raw(port, "POST", "/api/v1/incidents", { ...JSON_TYPE, "sec-fetch-site": "none" }, body)).status).toBe(201);
    expect((await raw(port, "POST", "/api/v1/incidents", JSON_TYPE, body)).status).toBe(201); // curl, Alertmanager
    const bearer = await raw(port, "POST", "/api/v1/incidents", { ...JSON_TYPE, cookie: "other-app=1", authorization: "Bearer wr_example" }, body);
    expect(bearer.json().error?.message ?? "").not.toMatch(/^cross-site/);
  });

  it("sets nosniff, Referrer-Policy, X-Frame-Options and a script-free CSP on API answers", async () => {
    for (const path of ["/api/v1/services", "/health/live", "/nope"]) {
      const r = await raw(port, "GET", path);
      expect(r.headers["x-content-type-options"], path).toBe("nosniff");
      expect(r.headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(r.headers["x-frame-options"], path).toBe("DENY");
      expect(r.headers["content-security-policy"], path).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    expect((await raw(port, "GET", "/api/v1/services", { host: "evil.example" })).headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("kiosk embedding is opt-in", () => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    ctx = await startTestServer({ configure: (c) => ({ ...c, auth: { ...c.auth, publicOrigins: ["https://war.example.com"], frameAncestors: ["https://wall.example.com"] } }) });
  });
  afterAll(() => ctx.dispose());

  it("lists auth.frameAncestors in frame-ancestors and drops X-Frame-Options; the public origin's Host is served", async () => {
    const r = await raw(ctx.server.port, "GET", "/api/v1/services", { host: "war.example.com" });
    expect(r.status).toBe(200);
    expect(r.headers["x-frame-options"]).toBeUndefined();
    expect(r.headers["content-security-policy"]).toContain("frame-ancestors https://wall.example.com");
    const write = await raw(ctx.server.port, "POST", "/api/v1/incidents", { ...JSON_TYPE, host: "war.example.com", origin: "https://war.example.com", "sec-fetch-site": "same-origin" }, JSON.stringify({ title: "x", severity: "SEV4", services: ["search"] }));
    expect(write.status).toBe(201);
    expect(await upgrade(ctx.wsUrl, { host: "war.example.com", origin: "https://war.example.com" })).toBe("open");
    expect((await raw(ctx.server.port, "GET", "/api/v1/services", { host: "war.example.com:8443" })).status).toBe(421);
  });
});

describe("rate limits", () => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    ctx = await startTestServer({ rateLimits: { api: { points: 5, durationSeconds: 60 }, auth: { points: 2, durationSeconds: 60 }, tokens: { points: 1, durationSeconds: 60 }, socketsPerAddress: 2 } });
  });
  afterAll(() => ctx.dispose());

  it("answers the (n+1)th API request with 429 and Retry-After, and /health/live still answers", async () => {
    const port = ctx.server.port;
    expect((await raw(port, "GET", "/api/v1/tokens")).status).not.toBe(429); // 1 of 1 token-route requests, 1 of 5 API requests
    expect((await raw(port, "GET", "/api/v1/tokens")).status).toBe(429);
    // The refused token request still counted against /api: 2 of 5 used.
    for (let i = 0; i < 3; i++) expect((await raw(port, "GET", "/api/v1/services")).status).toBe(200);
    const over = await raw(port, "GET", "/api/v1/services");
    expect(over.status).toBe(429);
    expect(Number(over.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(over.json().error?.code).toBe("rate_limited");
    for (let i = 0; i < 20; i++) expect((await raw(port, "GET", "/health/live")).status).toBe(200);
  });

  it("limits /auth/* more strictly", async () => {
    const port = ctx.server.port;
    for (let i = 0; i < 2; i++) expect((await raw(port, "GET", "/auth/login")).status).not.toBe(429);
    const over = await raw(port, "GET", "/auth/login");
    expect(over.status).toBe(429);
    expect(over.headers["retry-after"]).toBeDefined();
  });

  it("refuses the (n+1)th WebSocket from one address with 429, and takes a new one after one closes", async () => {
    const a = new TestClient(ctx.wsUrl);
    const b = new TestClient(ctx.wsUrl);
    await Promise.all([a.opened, b.opened]);
    expect(await upgrade(ctx.wsUrl, {})).toBe(429);
    expect(await upgrade(ctx.wsUrl, {})).toBe(429); // a refused attempt does not use up a slot for later
    await a.close();
    // The server frees the slot when its side of the socket closes: wait for that, never sleep.
    let c: WebSocket | null = null;
    for (let i = 0; i < 200 && !c; i++) await upgrade(ctx.wsUrl, {}, (ws) => (c = ws));
    expect(c).not.toBeNull();
    expect(await upgrade(ctx.wsUrl, {})).toBe(429);
    (c as WebSocket | null)?.close();
    await b.close();
  });
});

describe("links from outside", () => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    ctx = await startTestServer();
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  it("stores and serves an Alertmanager alert without a javascript: runbook_url, keeping the alert and its safe links", async () => {
    const base = `http://127.0.0.1:${ctx.server.port}`;
    const alert = (name: string, annotations: Record<string, string>, generatorURL: string) => ({
      status: "firing",
      labels: { alertname: name, service: "search", severity: "warning" },
      annotations: { summary: `${name} on search`, ...annotations },
      startsAt: "2026-11-23T11:59:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL,
    });
    const payload = {
      version: "4",
      groupKey: "{}",
      status: "firing",
      alerts: [
        alert("Evil", { runbook_url: "javascript:alert(document.domain)" }, "data:text/html,<script>alert(1)</script>"),
        alert("Fine", { runbook_url: "https://wiki.example.com/search" }, "http://prometheus.example/graph?g0.expr=up"),
      ],
    };
    const r = await fetch(`${base}/api/v1/integrations/alertmanager`, { method: "POST", headers: JSON_TYPE, body: JSON.stringify(payload) });
    expect(r.status).toBe(200);
    const { firing } = (await (await fetch(`${base}/api/v1/alerts`)).json()) as { firing: Alert[] };
    const evil = firing.find((a) => a.name === "Evil");
    expect(evil?.annotations.summary).toBe("Evil on search");
    expect(evil?.annotations.runbook_url).toBeUndefined();
    expect(evil?.annotations.generator_url).toBeUndefined();
    const fine = firing.find((a) => a.name === "Fine");
    expect(fine?.annotations).toMatchObject({ runbook_url: "https://wiki.example.com/search", generator_url: "http://prometheus.example/graph?g0.expr=up" });
    const stored = await listAlertEvents(ctx.server.warRoom.store);
    const storedEvil = stored.filter((e) => (e.alert as Alert).name === "Evil");
    expect(storedEvil.length).toBeGreaterThan(0);
    expect(JSON.stringify(storedEvil)).not.toContain("javascript:");
  });
});
