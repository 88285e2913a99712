import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TestClient, type Frame } from "./helpers";
import { TcpProxy } from "./support/tcp-proxy";
import { expectRouteShape } from "./support/contract";
import type { Incident } from "../lib/incidents/model";

/**
 * PostgreSQL going away under a running server (issue #13, degradation): a TCP proxy between the
 * server and the database is cut and restored. Writes answer 503 + Retry-After and leave nothing
 * half-written, the board keeps ticking from memory, and the server recovers by itself.
 */
const databaseUrl = process.env.DATABASE_URL;
const PASSWORD = "outage-s3cret";

describe.runIf(databaseUrl)("PostgreSQL outage", () => {
  let proxy: TcpProxy;
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const real = new URL(databaseUrl!);
    proxy = new TcpProxy({ host: real.hostname.replace(/^\[|\]$/g, ""), port: Number(real.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(databaseUrl!);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.delete("host");
    // Local test databases trust the connection; the password is only there to be looked for in the logs.
    if (viaProxy.username) viaProxy.password = PASSWORD;
    ctx = await startTestServer({ databaseUrl: viaProxy.toString(), logLines });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(3);
  });
  afterAll(async () => {
    await proxy?.restore();
    await ctx?.dispose();
    await proxy?.cut();
  });

  type Res = { status: number; retryAfter: string | null; body: { error?: { code: string; message: string } } & Record<string, unknown> };
  async function call(method: string, path: string, body?: unknown): Promise<Res> {
    const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const res = { status: r.status, retryAfter: r.headers.get("retry-after"), body: (await r.json()) as Res["body"] };
    expectRouteShape(method, path, res.status, res.body);
    return res;
  }
  const declare = (title: string) => call("POST", "/api/v1/incidents", { title, severity: "SEV2", services: ["checkout"] });
  const storeUnavailable = {
    status: 503,
    retryAfter: "5",
    body: { error: { code: "store_unavailable", message: "The database cannot be reached; nothing was saved. Try again in a few seconds." } },
  };
  const logged = (msg: string) => logLines.map((l) => JSON.parse(l) as { msg: string; level: number }).filter((l) => l.msg === msg);

  async function subscribed(channel: string): Promise<TestClient> {
    const c = new TestClient(ctx.wsUrl);
    await c.opened;
    await c.next((f) => f.type === "hello");
    c.send({ type: "subscribe", channel });
    return c;
  }
  async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("refuses writes with 503 while the database is gone, keeps the board live, and recovers without a restart", { timeout: 60_000 }, async () => {
    const first = await declare("Before the outage");
    expect(first.status).toBe(201);
    const firstIncident = first.body.incident as Incident;
    const board = await subscribed("board");
    await board.next((f) => f.type === "snapshot" && f.channel === "board");

    // The connection dies in the middle of the declare transaction: after the incident row, before its timeline entry.
    proxy.cutWhen('insert into "timeline_entries"');
    expect(await declare("Declared during the outage")).toMatchObject(storeUnavailable);
    expect(proxy.up).toBe(false);

    // Every later write is refused the same way, without a 500 and without waiting long.
    const started = Date.now();
    expect(await call("POST", `/api/v1/incidents/${firstIncident.id}/timeline`, { kind: "note", body: "written while the database is away" })).toMatchObject(storeUnavailable);
    expect(await declare("Declared during the outage")).toMatchObject(storeUnavailable);
    expect(await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", durationSeconds: 60, magnitude: 10 })).toMatchObject(storeUnavailable);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Reads that need the store say so too.
    expect(await call("GET", `/api/v1/incidents/${firstIncident.id}`)).toMatchObject(storeUnavailable);

    // The load balancer takes the instance out of rotation: only the store decides readiness.
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { store: { ok: boolean } } }).checks.store.ok).toBe(false);

    // Reads served from memory and the live board keep working.
    expect((await call("GET", "/api/v1/slos")).status).toBe(200);
    expect((await call("GET", "/api/v1/services/checkout/signals")).status).toBe(200);
    const seen = board.frames.length;
    await ctx.tick(3);
    await board.next((f: Frame) => f.type === "event" && f.channel === "board" && f.event === "tick" && (f.data as { t: number }).t === ctx.clock.now(), seen);
    const late = await subscribed("board");
    expect(await late.next((f) => f.type === "snapshot" && f.channel === "board")).toMatchObject({ channel: "board" });
    const incidents = await subscribed("incidents");
    const listed = await incidents.next((f) => f.type === "snapshot" && f.channel === "incidents");
    expect((listed.data as { incidents: Incident[] }).incidents.map((i) => i.id)).toEqual([firstIncident.id]);

    // One warning for the whole outage, and never the password.
    expect(logged("store unreachable: writes answer 503 until it is back")).toHaveLength(1);
    expect(logLines.join("\n")).not.toContain(PASSWORD);

    await proxy.restore();
    await until("readiness after the database is back", async () => (await fetch(`${base}/health/ready`)).status === 200);
    const retried = await declare("Declared during the outage");
    expect(retried.status).toBe(201);
    const entry = await call("POST", `/api/v1/incidents/${firstIncident.id}/timeline`, { kind: "note", body: "written after the database is back" });
    expect(entry.status).toBe(201);
    expect(logged("store reachable again")).toHaveLength(1);

    // The interrupted declare left nothing: one incident of that title, numbers without a gap, each with its one entry.
    const db = ctx.server.warRoom.store.db;
    const rows = await db.selectFrom("incidents").select(["id", "title", "number"]).orderBy("number").execute();
    expect(rows.map((r) => [r.title, Number(r.number)])).toEqual([
      ["Before the outage", firstIncident.number],
      ["Declared during the outage", firstIncident.number + 1],
    ]);
    const entries = await db.selectFrom("timeline_entries").select(["incident_id", "body"]).execute();
    expect(entries.filter((e) => e.incident_id === (retried.body.incident as Incident).id)).toHaveLength(1);
    expect(entries.filter((e) => e.incident_id === firstIncident.id).map((e) => e.body)).toEqual([expect.stringContaining("Declared"), "written after the database is back"]);
    expect(await db.selectFrom("drills").select("id").execute()).toEqual([]);

    for (const c of [board, late, incidents]) await c.close();
  });
});
