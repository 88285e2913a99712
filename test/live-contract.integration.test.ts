import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TestClient, type Frame } from "./helpers";
import { expectFrameShape, expectRouteShape } from "./support/contract";

let ctx: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
beforeAll(async () => {
  ctx = await startTestServer();
  base = `http://127.0.0.1:${ctx.server.port}`;
  await ctx.tick(5);
});
afterAll(async () => {
  await ctx.dispose();
});

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const res = { status: r.status, body: (await r.json()) as Record<string, { id: string; version: number }> };
  expectRouteShape(method, path, res.status, res.body);
  return res;
}

async function subscribed(channel: string) {
  const c = new TestClient(ctx.wsUrl);
  await c.opened;
  await c.next((f) => f.type === "hello");
  c.send({ type: "identify", name: "Grace" });
  c.send({ type: "subscribe", channel });
  await c.next((f) => f.type === "snapshot" && f.channel === channel);
  return c;
}

const kinds = (frames: Frame[]) => new Set(frames.filter((f) => f.type === "snapshot" || f.type === "event").map((f) => `${String(f.channel).split(":")[0]} ${f.type === "event" ? String(f.event) : "snapshot"}`));

describe("live frames", () => {
  it("carry what the channel contracts say, on every channel and event", async () => {
    const clients = await Promise.all(["board", "service:checkout", "alerts", "slos", "incidents"].map(subscribed));
    const incident = (await call("POST", "/api/v1/incidents", { title: "Checkout errors", severity: "SEV2", services: ["checkout"] })).body.incident;
    const watcher = await subscribed(`incident:${incident.id}`);
    clients.push(watcher);

    await call("POST", "/api/v1/drills", { kind: "errors", target: "checkout", magnitude: 60, durationSeconds: 60 });
    await ctx.tick(10);
    await call("POST", `/api/v1/incidents/${incident.id}/timeline`, { kind: "note", body: "Rolling back" });
    await call("POST", `/api/v1/incidents/${incident.id}/action-items`, { title: "Add a canary", type: "prevent" });
    await call("POST", `/api/v1/incidents/${incident.id}/runbook-steps`, { runbook: "high-error-rate", index: 0, checked: true });
    const current = (await call("GET", `/api/v1/incidents/${incident.id}`)).body.incident;
    const patched = await call("PATCH", `/api/v1/incidents/${incident.id}`, { version: current.version, status: "resolved" });
    expect(patched.status).toBe(200);
    await call("POST", `/api/v1/incidents/${incident.id}/postmortem`, {});
    await ctx.tick(2);
    await watcher.next((f) => f.type === "event" && f.event === "postmortem");

    const frames = clients.flatMap((c) => c.frames);
    for (const f of frames) expectFrameShape(f);
    const seen = kinds(frames);
    for (const k of [
      "board snapshot",
      "board tick",
      "board drills",
      "service snapshot",
      "service tick",
      "alerts snapshot",
      "alerts change",
      "slos snapshot",
      "slos update",
      "incidents snapshot",
      "incidents upsert",
      "incident snapshot",
      "incident incident",
      "incident entry",
      "incident action-item",
      "incident runbook-check",
      "incident postmortem",
    ]) {
      expect(seen, k).toContain(k);
    }
    await Promise.all(clients.map((c) => c.close()));
  });
});
