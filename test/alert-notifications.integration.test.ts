import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers";
import { startReceiver } from "./support/receiver";
import { NotificationsConfigSchema } from "../lib/notifications/config";
import type { Config } from "../lib/config/schema";

/** Page-tier alerts go out as `alert.firing`; a silenced one does not (#18 rules, #16 item 5 silences). */

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let t: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  receiver = await startReceiver();
  process.env.TEST_PAGES_SECRET = "a-test-signing-key-of-enough-length";
  t = await startTestServer({
    configure: (c): Config => ({
      ...c,
      notifications: NotificationsConfigSchema.parse({
        timeoutSeconds: 1,
        channels: [
          { id: "pages", kind: "webhook", url: `${receiver.base}/pages`, secretEnv: "TEST_PAGES_SECRET" },
          { id: "real", kind: "webhook", url: `${receiver.base}/real`, secretEnv: "TEST_PAGES_SECRET" },
        ],
        // The alerts below come from drills: "real" (drills excluded, the default) must stay quiet.
        rules: [
          { events: ["alert.firing"], channels: ["pages"], drills: "include" },
          { events: ["alert.firing"], channels: ["real"] },
        ],
      }),
    }),
  });
  await t.tick(5);
});

afterAll(async () => {
  await t?.dispose();
  await receiver?.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`http://127.0.0.1:${t.server.port}${path}`, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
const pageFiring = (service: string) => t.server.warRoom.alertChannel.snapshot().alerts.some((a) => a.name === "HighErrorRate" && a.service === service && a.tier === 1 && a.state === "firing");

describe("alert notifications", () => {
  it("a firing page-tier alert sends one alert.firing event; the same alert on a silenced service sends none; drill-caused pages skip rules that exclude drills", async () => {
    const silence = await call("POST", "/api/v1/silences", { matchers: ["alertname=HighErrorRate", "service=search"], durationMinutes: 60, reason: "search migration, known" });
    expect(silence.status, JSON.stringify(silence.body)).toBe(201);
    for (const target of ["checkout", "search"]) {
      expect((await call("POST", "/api/v1/drills", { kind: "errors", target, durationSeconds: 1800, magnitude: 40 })).status).toBe(201);
    }
    for (let n = 0; n < 300 && !(pageFiring("checkout") && pageFiring("search")); n++) await t.tick();
    expect(pageFiring("checkout") && pageFiring("search")).toBe(true);

    await t.server.warRoom.jobs.notifications.run(t.clock.now());
    await t.server.warRoom.jobs.notifications.run(t.clock.now());

    const pages = receiver.at("/pages").map((r) => (r.json as { type: string; data: { alert: { name: string; service: string; tier: number } } }));
    expect(pages.every((p) => p.type === "io.warroom.alert.firing" && p.data.alert.tier === 1)).toBe(true);
    // Burn-rate pages fire too; search's HighErrorRate page fired (above) but is silenced.
    expect(pages.filter((p) => p.data.alert.name === "HighErrorRate").map((p) => p.data.alert.service)).toEqual(["checkout"]);
    expect(pages.every((p) => (p.data.alert as { drill?: boolean }).drill === true)).toBe(true);
    expect(receiver.at("/real")).toHaveLength(0);
  });
});
