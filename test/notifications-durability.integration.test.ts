import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerProcess } from "./support/server-process";
import { startReceiver } from "./support/receiver";
import { demoConfig } from "../lib/config/demo";

const dataDir = mkdtempSync(join(tmpdir(), "war-room-notify-durable-"));
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterAll(async () => {
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("notification outbox durability", () => {
  it("an incident acknowledged with 201 whose notification was in flight at kill -9 is delivered after the restart", { timeout: 90_000 }, async () => {
    receiver = await startReceiver();
    process.env.DURABLE_TEST_SLACK_URL = `${receiver.base}/slack`;
    const configFile = join(dataDir, "config.yaml");
    // A short timeout keeps the dead instance's claim on the row (twice the timeout + 5 s) short.
    const notifications = { timeoutSeconds: 1, channels: [{ id: "slack", kind: "slack", urlEnv: "DURABLE_TEST_SLACK_URL" }], rules: [{ events: ["incident.declared"], channels: ["slack"] }] };
    writeFileSync(configFile, JSON.stringify({ ...demoConfig, notifications }));
    // The first attempt reaches the receiver and gets no answer: the process dies with the send in flight.
    receiver.plan("/slack", { hang: true });

    const first = runServerProcess(dataDir, configFile);
    const base = await first.live;
    const r = await fetch(`${base}/api/v1/incidents`, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify({ title: "Checkout down", severity: "SEV1", services: ["checkout"] }) });
    expect(r.status).toBe(201);
    const { incident } = await r.json();
    await receiver.until(() => receiver!.at("/slack").length === 1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServerProcess(dataDir, configFile);
    try {
      await second.live;
      await receiver.until(() => receiver!.at("/slack").length === 2);
      const [lost, delivered] = receiver.at("/slack");
      expect((delivered.json as { blocks: { text?: { text: string } }[] }).blocks[0].text!.text).toBe(`Incident declared: INC-${incident.number} Checkout down`);
      // The same event, so a receiver that got the first one drops the second by its key.
      expect(delivered.headers["idempotency-key"]).toBe(lost.headers["idempotency-key"]);
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
