import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers";
import { expectRouteShape } from "./support/contract";

let ctx: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
beforeAll(async () => {
  ctx = await startTestServer();
  base = `http://127.0.0.1:${ctx.server.port}`;
  await ctx.tick(30);
});
afterAll(async () => {
  await ctx.dispose();
});

const post = (path: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(base + path, { method: "POST", body, headers });

describe("HTTP API", () => {
  it("answers the signal, drill, SLO and alert reads as their contracts say", async () => {
    const started = await post("/api/v1/drills", JSON.stringify({ kind: "errors", target: "search", durationSeconds: 60 }));
    const { drill } = await started.json();
    expectRouteShape("POST", "/api/v1/drills", started.status, { drill });
    await ctx.tick(2);
    const slo = ((await (await fetch(`${base}/api/v1/slos`)).json()) as { slos: { id: string }[] }).slos[0].id;
    const now = ctx.clock.now();
    const paths = [
      "/api/v1/board",
      "/api/v1/services",
      "/api/v1/services/checkout",
      "/api/v1/services/nope",
      `/api/v1/services/auth/signals?from=${now - 30_000}&to=${now}&step=5`,
      "/api/v1/drills",
      "/api/v1/slos",
      `/api/v1/slos/${slo}`,
      `/api/v1/slos/${slo}/burndown`,
      "/api/v1/alerts",
    ];
    for (const path of paths) {
      const r = await fetch(base + path);
      expectRouteShape("GET", path, r.status, await r.json());
    }
    const stopped = await post(`/api/v1/drills/${drill.id}/stop`, "");
    expectRouteShape("POST", `/api/v1/drills/${drill.id}/stop`, stopped.status, await stopped.json());
  });

  it("lists services with thresholds merged from defaults", async () => {
    const r = await fetch(`${base}/api/v1/services`);
    const { services } = await r.json();
    expect(services).toHaveLength(8);
    const checkout = services.find((s: { id: string }) => s.id === "checkout");
    expect(checkout.thresholds.p99).toEqual({ warn: 600, critical: 1500 });
    expect(checkout.thresholds.cpuPct).toEqual({ warn: 75, critical: 90 });
  });

  it("returns signal history at the requested step", async () => {
    const now = ctx.clock.now();
    const r = await fetch(`${base}/api/v1/services/auth/signals?from=${now - 30_000}&to=${now}&step=5`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.step).toBe(5);
    expect(body.series.t.length).toBeGreaterThanOrEqual(6);
    expect(body.series.t.every((t: number) => t % 5000 === 0)).toBe(true);
    expect(body.series.p99.length).toBe(body.series.t.length);
  });

  it.each([
    ["/api/v1/services/nope", 404, "not_found"],
    ["/api/v1/services/nope/signals", 404, "not_found"],
    ["/api/v1/services/auth/signals?from=abc", 400, "invalid"],
    ["/api/v1/services/auth/signals?from=2000&to=1000", 400, "invalid"],
    ["/api/v1/services/auth/signals?from=0&to=9999999999999&step=1", 400, "invalid"],
    ["/api/v1/services/auth/signals?bogus=1", 400, "invalid"],
    ["/api/v1/nothing-here", 404, "not_found"],
  ])("GET %s → %i with the error body", async (path, status, code) => {
    const r = await fetch(base + path);
    expect(r.status).toBe(status);
    const body = await r.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe("string");
  });

  it("starts a drill durably, shows it, and stops it", async () => {
    const r = await post("/api/v1/drills", JSON.stringify({ kind: "errors", target: "checkout", durationSeconds: 120 }), {
      "content-type": "application/json",
      "x-war-room-user": "Ada",
    });
    expect(r.status).toBe(201);
    const { drill } = await r.json();
    expect(drill).toMatchObject({ kind: "errors", target: "checkout", magnitude: 20, createdBy: "Ada", stoppedAt: null });
    const list = await (await fetch(`${base}/api/v1/drills`)).json();
    expect(list.drills[0]).toMatchObject({ id: drill.id, active: true });

    const stopped = await post(`/api/v1/drills/${drill.id}/stop`, "");
    expect(stopped.status).toBe(200);
    expect((await stopped.json()).drill.stoppedAt).toBe(ctx.clock.now());
    const again = await post(`/api/v1/drills/${drill.id}/stop`, "");
    expect(again.status).toBe(409);
  });

  it("takes the author's display name from X-War-Room-User, URI-decoded", async () => {
    const r = await post("/api/v1/drills", JSON.stringify({ kind: "latency", target: "auth", durationSeconds: 60 }), {
      "content-type": "application/json",
      "x-war-room-user": encodeURIComponent("Zoë Ø"),
    });
    expect(r.status).toBe(201);
    const { drill } = await r.json();
    expect(drill.createdBy).toBe("Zoë Ø");
    await post(`/api/v1/drills/${drill.id}/stop`, "");
  });

  it.each([
    ["unknown target", JSON.stringify({ kind: "errors", target: "nope" }), 400],
    ["unknown kind", JSON.stringify({ kind: "meteor", target: "auth" }), 400],
    ["magnitude out of range", JSON.stringify({ kind: "traffic", target: "auth", magnitude: 1000 }), 400],
    ["too short", JSON.stringify({ kind: "errors", target: "auth", durationSeconds: 1 }), 400],
    ["extra field", JSON.stringify({ kind: "errors", target: "auth", sudo: true }), 400],
    ["broken JSON", "{", 400],
    ["empty body", "", 400],
  ])("a drill with %s is refused with 400 and nothing is started", async (_name, body, status) => {
    const before = (await (await fetch(`${base}/api/v1/drills`)).json()).drills.length;
    const r = await post("/api/v1/drills", body);
    expect(r.status).toBe(status);
    expect((await r.json()).error.code).toBe("invalid");
    const after = (await (await fetch(`${base}/api/v1/drills`)).json()).drills.length;
    expect(after).toBe(before);
  });

  it("refuses a non-JSON body with 415 and an oversized body with 413", async () => {
    expect((await post("/api/v1/drills", "kind=errors", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    const huge = JSON.stringify({ kind: "errors", target: "auth", note: "x".repeat(2 << 20) });
    expect((await post("/api/v1/drills", huge)).status).toBe(413);
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const r = await fetch(`${base}/api/v1/services`, { method: "DELETE", headers: { "content-type": "application/json" } });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET");
  });

  it("serves an OpenAPI document that lists the routes", async () => {
    const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/drills", "/api/v1/services/{id}/signals", "/api/v1/slos", "/api/v1/slos/{id}/burndown", "/api/v1/alerts"]),
    );
    expect(doc.components.schemas.Alert.properties.severity.enum).toEqual(["page", "urgent-ticket", "ticket"]);
  });

  it("GET /api/v1/board is the board channel's snapshot with its position, every service in it", async () => {
    const r = await fetch(`${base}/api/v1/board`);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const frame = (await r.json()) as { epoch: string; seq: number; data: { services: { id: string }[]; latest: Record<string, unknown>; summary: { services: number } } };
    const ch = ctx.server.warRoom.hub.channel("board")!;
    expect(frame.epoch).toBe(ch.epoch);
    expect(frame.seq).toBe(ch.seq);
    expect(frame.data.services.length).toBe(8);
    expect(Object.values(frame.data.latest).every((p) => p !== null)).toBe(true);
    expect(frame.data.summary.services).toBe(8);
  });

  it("health endpoints answer as load balancers expect", async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks.store.ok).toBe(true);
    const h = await (await fetch(`${base}/health`)).json();
    expect(h).toMatchObject({ version: expect.any(String), store: { dialect: "sqlite" }, websocket: { clients: 0 } });
    expect(h.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});
