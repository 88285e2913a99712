import { startTestServer, TestClient } from "../helpers";

/**
 * What the several-instance tests share (test/cluster*.integration.test.ts): in-process War Room
 * servers on one PostgreSQL schema and one Redis prefix, and small clients for them.
 */
export type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Short leases so hand-overs in tests take a fraction of a second (lib/cluster/lease.ts). */
export const LEASE = { leaseTtlMs: 1_500, leaseRenewMs: 250 };

/** Environment that puts an instance in the cluster `prefix` under the name `id`. */
export function clusterEnv(prefix: string, id: string, redisUrl = process.env.REDIS_URL!): Record<string, string> {
  return { REDIS_URL: redisUrl, WAR_ROOM_CLUSTER_PREFIX: prefix, WAR_ROOM_INSTANCE_ID: id };
}

/** A unique Redis key prefix for one test file's cluster. */
export function clusterPrefix(name: string): string {
  return `wr-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls `probe` (sync or async) until it gives something truthy; throws naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One JSON API call as Ada (auth mode local: the header names the author). */
export async function call(s: Server, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${s.server.port}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-war-room-user": "Ada" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

export type ClusterHealth = {
  cluster: { mode: string; role: string; term: number | null; leader: string | null };
  checks: { broker: { ok: boolean; kind: string; state: string } };
};

export async function health(s: Server): Promise<ClusterHealth> {
  return (await call(s, "GET", "/health")).body as unknown as ClusterHealth;
}

/** A WebSocket client subscribed to `channel` (with `since`, a resume), once its snapshot or `resumed` came. */
export async function subscribed(s: Server, channel: string, since?: { epoch: string; seq: number }): Promise<TestClient> {
  const c = new TestClient(s.wsUrl);
  await c.opened;
  c.send({ type: "subscribe", channel, ...(since ? { since } : {}) });
  await c.next((f) => (f.type === "snapshot" || f.type === "resumed") && f.channel === channel);
  return c;
}
