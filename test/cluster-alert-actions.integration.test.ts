import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { call, clusterEnv, clusterPrefix, LEASE, until, type Server } from "./support/instances";
import { startTestServer } from "./helpers";
import type { Alert } from "../lib/alerts/model";

/**
 * Acknowledgements and silences with several instances: written through one instance, the other
 * serves them too (it reads them again when a relayed alert carries one it does not know).
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!DATABASE_URL || !REDIS_URL)("acknowledge and silence on several instances (PostgreSQL + Redis)", () => {
  const prefix = clusterPrefix("alert-actions");
  let a: Server;
  let b: Server;
  let redis: Redis;
  const alerts = async (s: Server) => (await call(s, "GET", "/api/v1/alerts")).body as { firing: Alert[]; silenced: Alert[] };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    a = await startTestServer({ databaseUrl: DATABASE_URL, env: clusterEnv(prefix, "a"), lease: LEASE });
    b = await startTestServer({ databaseUrl: DATABASE_URL, pgSchema: a.pgSchema, env: clusterEnv(prefix, "b"), lease: LEASE });
    await until("a to lead and b to follow", async () => a.server.warRoom.cluster.isLeader() && !b.server.warRoom.cluster.isLeader());
  }, 30_000);

  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("an ack through the follower and a silence through the leader are served by both", async () => {
    const webhook = await call(a, "POST", "/api/v1/integrations/alertmanager", {
      version: "4",
      groupKey: "cluster",
      status: "firing",
      alerts: [{ status: "firing", labels: { alertname: "CheckoutErrors", service: "checkout", severity: "critical" }, annotations: { summary: "failing" }, startsAt: new Date(a.clock.now() - 60_000).toISOString() }],
    });
    expect(webhook.status).toBe(200);
    const alert = await until("the follower to mirror the alert", async () => (await alerts(b)).firing.find((x) => x.name === "CheckoutErrors"));

    expect((await call(b, "POST", `/api/v1/alerts/${alert.id}/ack`)).status).toBe(200);
    await until("the leader to serve the follower's ack", async () => (await alerts(a)).firing.find((x) => x.id === alert.id)?.ack?.by === "Ada");

    const created = await call(a, "POST", "/api/v1/silences", { matchers: ["alertname=CheckoutErrors"], durationMinutes: 30, reason: "deploy" });
    expect(created.status).toBe(201);
    await until("the follower to serve the leader's silence", async () => (await alerts(b)).silenced.find((x) => x.id === alert.id)?.silence?.by === "Ada");
    expect((await alerts(b)).firing.some((x) => x.id === alert.id)).toBe(false);
    expect((await call(b, "GET", "/api/v1/silences")).body.silences).toMatchObject([{ reason: "deploy" }]);
  });

  it("a silence set ahead of time through the follower (no alert matches yet) is known to the leader before anything fires", async () => {
    const created = await call(b, "POST", "/api/v1/silences", { matchers: ["alertname=PaymentsDown", "service=payments"], durationMinutes: 60, reason: "planned failover" });
    expect(created.status).toBe(201);
    expect((created.body as { alerts: unknown[] }).alerts).toEqual([]);
    await until("the leader to list the follower's silence", async () =>
      ((await call(a, "GET", "/api/v1/silences")).body.silences as { reason: string }[]).some((s) => s.reason === "planned failover"),
    );
    // The alert then fires on the leader: it is silenced there (and so not notified), and on the follower.
    const webhook = await call(a, "POST", "/api/v1/integrations/alertmanager", {
      version: "4",
      groupKey: "planned",
      status: "firing",
      alerts: [{ status: "firing", labels: { alertname: "PaymentsDown", service: "payments", severity: "critical" }, annotations: { summary: "down" }, startsAt: new Date(a.clock.now() - 10_000).toISOString() }],
    });
    expect(webhook.status).toBe(200);
    const silencedOnLeader = await until("the alert to be silenced on the leader", async () => (await alerts(a)).silenced.find((x) => x.name === "PaymentsDown"));
    expect(silencedOnLeader.silence?.reason).toBe("planned failover");
    expect(a.server.warRoom.alertActions.actions.isSilenced(silencedOnLeader)).toBe(true);
  });
});
