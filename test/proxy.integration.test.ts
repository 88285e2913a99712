import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { Redis } from "ioredis";
import { startTestServer } from "./helpers";
import { listAudit } from "../lib/auth/audit";

type Ctx = Awaited<ReturnType<typeof startTestServer>>;
const REDIS_URL = process.env.REDIS_URL;

/** node:http, so X-Forwarded-For and Host go out exactly as given. */
function get(port: number, path: string, headers: Record<string, string | string[]> = {}, method = "GET", body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const from = (xff: string) => ({ "x-forwarded-for": xff });
const statuses = async (port: number, n: number, headers: Record<string, string> = {}) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await get(port, "/api/v1/services", headers));
  return out;
};

/** "open" or the status of the refused handshake; an opened socket is handed to `keep`. */
function upgrade(url: string, headers: Record<string, string>, keep: WebSocket[]): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => (keep.push(ws), resolve("open")));
    ws.once("unexpected-response", (_req, res) => (res.resume(), resolve(res.statusCode ?? 0)));
    ws.once("error", (err) => (err.message.includes("Unexpected server response") ? undefined : reject(err)));
  });
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("behind a trusted load balancer (WAR_ROOM_TRUSTED_PROXIES=127.0.0.1)", () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startTestServer({ env: { WAR_ROOM_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8" }, rateLimits: { api: { points: 3, durationSeconds: 60 }, socketsPerAddress: 1 } });
  });
  afterAll(() => ctx.dispose());

  it("gives every forwarded client its own budget, and a spoofed left-most entry buys no new one", async () => {
    const port = ctx.server.port;
    expect(await statuses(port, 4, from("198.51.100.1"))).toEqual([200, 200, 200, 429]);
    expect(await statuses(port, 1, from("198.51.100.2"))).toEqual([200]);
    // The client wrote "9.9.9.9" itself; the balancer appended what it saw (198.51.100.1), through a second trusted hop.
    expect(await statuses(port, 1, from("9.9.9.9, 198.51.100.1, 10.1.2.3"))).toEqual([429]);
    expect(await statuses(port, 1, from("9.9.9.9"))).toEqual([200]);
    // HAProxy adds its own header line after the client's: the lines are read as one list, in order.
    expect(await get(port, "/api/v1/services", { "x-forwarded-for": ["8.8.8.8", "198.51.100.1"] })).toBe(429);
  });

  it("records the forwarded client in the audit log", async () => {
    const status = await get(ctx.server.port, "/api/v1/incidents", { ...from("1.1.1.1, 203.0.113.77"), "content-type": "application/json", "x-war-room-user": "ada" }, "POST", JSON.stringify({ title: "proxy", severity: "SEV4", services: ["search"] }));
    expect(status).toBe(201);
    const entries = await listAudit(ctx.server.warRoom.auth, { action: "POST /api/v1/incidents" });
    expect(entries[0]?.address).toBe("203.0.113.77");
  });

  it("caps open WebSockets per forwarded client", async () => {
    const held: WebSocket[] = [];
    try {
      expect(await upgrade(ctx.wsUrl, from("198.51.100.10"), held)).toBe("open");
      expect(await upgrade(ctx.wsUrl, from("198.51.100.10"), held)).toBe(429);
      expect(await upgrade(ctx.wsUrl, from("198.51.100.11"), held)).toBe("open");
    } finally {
      for (const ws of held) ws.close();
    }
  });
});

describe("without trusted proxies (the default), X-Forwarded-For is ignored", () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startTestServer({ rateLimits: { api: { points: 3, durationSeconds: 60 } } });
  });
  afterAll(() => ctx.dispose());

  it("records and counts every request as the socket peer's, whatever the header says", async () => {
    const port = ctx.server.port;
    const write = await get(port, "/api/v1/incidents", { ...from("203.0.113.77"), "content-type": "application/json", "x-war-room-user": "ada" }, "POST", JSON.stringify({ title: "direct", severity: "SEV4", services: ["search"] }));
    expect(write).toBe(201);
    expect((await listAudit(ctx.server.warRoom.auth, { action: "POST /api/v1/incidents" }))[0]?.address).toBe("127.0.0.1");
    // The write used 1 of the peer's 3; two more "clients" by header are the same peer.
    expect([...(await statuses(port, 1, from("198.51.100.1"))), ...(await statuses(port, 1, from("198.51.100.2"))), ...(await statuses(port, 1))]).toEqual([200, 200, 429]);
  });
});

describe.skipIf(!REDIS_URL)("two instances sharing one Redis (REDIS_URL)", () => {
  const prefix = `wr-test-proxy-${process.pid}-${randomBytes(3).toString("hex")}`;
  const clients: Redis[] = [];
  let a: Ctx;
  let b: Ctx;
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) clients.push(new Redis(REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 1_000 }));
    await until("both Redis clients ready", () => clients.every((c) => c.status === "ready"));
    const opts = (redis: Redis) => ({ redis, env: { WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_TRUSTED_PROXIES: "127.0.0.1" }, rateLimits: { api: { points: 3, durationSeconds: 60 } } });
    a = await startTestServer(opts(clients[0]));
    b = await startTestServer(opts(clients[1]));
  });
  afterAll(async () => {
    await a?.dispose();
    await b?.dispose();
    const keys = await clients[0].keys(`${prefix}:*`);
    if (keys.length) await clients[0].del(...keys);
    for (const c of clients) c.disconnect();
  });

  it("a client's budget is spent across both instances", async () => {
    expect(await statuses(a.server.port, 2, from("198.51.100.5"))).toEqual([200, 200]);
    expect(await statuses(b.server.port, 2, from("198.51.100.5"))).toEqual([200, 429]);
    expect(await statuses(a.server.port, 1, from("198.51.100.5"))).toEqual([429]);
    expect(await statuses(b.server.port, 1, from("198.51.100.6"))).toEqual([200]);
    expect(await clients[0].keys(`${prefix}:rl:api:*`)).toHaveLength(2);
  });
});

describe("REDIS_URL that does not answer", () => {
  const lines: string[] = [];
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startTestServer({ logLines: lines, env: { REDIS_URL: "redis://:s3cret-pw@127.0.0.1:1" }, rateLimits: { api: { points: 3, durationSeconds: 60 } } });
  });
  afterAll(() => ctx.dispose());

  it("still serves and limits on the instance, and says so once without the password", async () => {
    const began = Date.now();
    expect(await statuses(ctx.server.port, 4)).toEqual([200, 200, 200, 429]);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(await get(ctx.server.port, "/health/live")).toBe(200);
    await until("the outage to be logged", () => lines.some((l) => l.includes("Redis unreachable")));
    expect(lines.filter((l) => l.includes("Redis unreachable"))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain("s3cret-pw");
  });
});
