import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { startTestServer } from "./helpers";

/**
 * Issue #15 item 5: store work runs in SQLite's worker thread (lib/store/sqlite-worker.mjs), so a
 * slow query does not hold up /health/live, and requests beyond what the store can serve in time
 * are shed with 503 + Retry-After (lib/server/shed.ts). Asserted by the order answers arrive in,
 * not by timings.
 */
// A query that keeps the SQLite worker busy for a while (a few hundred ms to seconds on this machine).
const HEAVY = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 4000000) select count(*) as n from c`;

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const declare = (base: string, title: string) =>
  fetch(`${base}/api/v1/incidents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, severity: "SEV3", services: ["checkout"] }),
  });

describe("overload on the SQLite store", () => {
  it("answers /health/live while a heavy query runs in the store, before the query is done", async () => {
    const ctx = await startTestServer();
    dispose = ctx.dispose;
    const order: string[] = [];
    const heavy = HEAVY.execute(ctx.server.warRoom.store.db).then((r) => {
      order.push("heavy query");
      return r.rows[0]?.n;
    });
    const live = await fetch(`${ctx.server.url}/health/live`);
    order.push("health/live");
    expect(live.status).toBe(200);
    // A write behind the heavy query waits for the store, and health still answers meanwhile.
    const write = declare(ctx.server.url, "Behind the heavy query").then((r) => (order.push("write"), r));
    const again = await fetch(`${ctx.server.url}/health/live`);
    order.push("health/live");
    expect(again.status).toBe(200);
    expect(await heavy).toBe(4_000_000);
    expect((await write).status).toBe(201);
    expect(order).toEqual(["health/live", "health/live", "heavy query", "write"]);
  });

  it("sheds requests that wait too long for the store with 503 + Retry-After, counts them, and serves again at once", async () => {
    const ctx = await startTestServer({ env: { WAR_ROOM_MAX_CONCURRENT_REQUESTS: "1", WAR_ROOM_SHED_QUEUE_MS: "1" } });
    dispose = ctx.dispose;
    const base = ctx.server.url;
    const heavy = HEAVY.execute(ctx.server.warRoom.store.db);
    // Holds the only request slot: it waits for the store behind the heavy query.
    const holder = declare(base, "Holds the slot");
    let shed: Response | undefined;
    // Each try waits in the queue past 1 ms and is shed; until the holder has its slot a try may be served.
    for (let i = 0; i < 50 && !shed; i++) {
      const r = await declare(base, `Try ${i}`);
      if (r.status === 503) shed = r;
    }
    expect(shed?.status).toBe(503);
    expect(shed?.headers.get("retry-after")).toBe("1");
    expect(await shed?.json()).toEqual({ error: { code: "unavailable", message: expect.stringMatching(/^server is overloaded/), details: { reason: "queue_time" } } });
    // Probes are never shed, even with the one slot taken. (/health/ready pings the store, which
    // answers once the heavy query is done: a statement that runs over a second is not ready.)
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    await heavy;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect((await holder).status).toBe(201);
    // Recovery: the store is free, so the next request is served.
    expect((await declare(base, "After the load")).status).toBe(201);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(Number(/^warroom_http_shed_total\{reason="queue_time"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^warroom_http_shed_total\{reason="event_loop_delay"\} 0$/m);
  });
});
