import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpSink } from "./support/smtp-sink";
import { freePort, startTestServer } from "./helpers";
import { startReceiver } from "./support/receiver";
import { verifyWebhook } from "../lib/notifications/sign";
import { validateConfig, ConfigError } from "../lib/config/load";
import { demoConfig } from "../lib/config/demo";
import type { Config } from "../lib/config/schema";
import { NotificationsConfigSchema, signingKey } from "../lib/notifications/config";

const SECRET = "whsec_" + Buffer.from("a-test-signing-key-of-32-bytes!!").toString("base64");

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let smtpPort = 0;
let t: Awaited<ReturnType<typeof startTestServer>>;
const logLines: string[] = [];

const post = (path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${t.server.port}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify(body) });
const declare = async (body: Record<string, unknown>) => {
  const r = await post("/api/v1/incidents", { title: "Checkout down", severity: "SEV1", ...body });
  expect(r.status).toBe(201);
  return (await r.json()).incident as { id: string; number: number; version: number };
};
const deliveries = async () => (await (await fetch(`http://127.0.0.1:${t.server.port}/api/v1/admin/notifications`)).json()) as { deliveries: { id: string; channel: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null; eventType: string }[] };
/** One pass of the leader's notification job (feed + drain), as the scheduler runs it every second. */
const runJob = () => t.server.warRoom.jobs.notifications.run(t.clock.now());

beforeAll(async () => {
  receiver = await startReceiver();
  smtp = await startSmtpSink();
  smtpPort = smtp.port;
  const closedPort = await freePort();
  process.env.TEST_SLACK_URL = `${receiver.base}/slack/T000/B000/XXXXsecretpart`;
  process.env.TEST_TEAMS_URL = `${receiver.base}/teams`;
  process.env.TEST_HOOK_SECRET = SECRET;
  const rule = (services: string[], channels: string[], extra: Record<string, unknown> = {}) => ({ events: ["incident.declared", "incident.resolved", "incident.severity_changed"], services, channels, ...extra });
  t = await startTestServer({
    logLines,
    configure: (c): Config => ({
      ...c,
      notifications: NotificationsConfigSchema.parse({
        timeoutSeconds: 0.5,
        maxAttempts: 4,
        backoffBaseSeconds: 1,
        backoffCapSeconds: 4,
        linkBase: "https://warroom.example.com",
        channels: [
          { id: "slack", kind: "slack", urlEnv: "TEST_SLACK_URL" },
          { id: "teams", kind: "teams", urlEnv: "TEST_TEAMS_URL" },
          { id: "hook", kind: "webhook", url: `${receiver.base}/hook`, secretEnv: "TEST_HOOK_SECRET" },
          { id: "flaky", kind: "webhook", url: `${receiver.base}/flaky`, secretEnv: "TEST_HOOK_SECRET" },
          { id: "reject", kind: "webhook", url: `${receiver.base}/reject`, secretEnv: "TEST_HOOK_SECRET" },
          { id: "slow", kind: "webhook", url: `${receiver.base}/slow`, secretEnv: "TEST_HOOK_SECRET" },
          { id: "nobody", kind: "webhook", url: `http://127.0.0.1:${closedPort}/closed`, secretEnv: "TEST_HOOK_SECRET" },
          { id: "mail", kind: "email", smtp: { host: "127.0.0.1", port: smtpPort }, from: "warroom@example.com", to: ["status@example.com"] },
        ],
        rules: [
          rule(["checkout"], ["slack", "hook", "teams"], { minSeverity: "SEV2" }),
          rule(["search"], ["flaky"]),
          rule(["catalog"], ["reject"]),
          rule(["auth"], ["slow", "nobody"]),
          rule(["payments"], ["mail"], { drills: "include" }),
        ],
      }),
    }),
  });
});

afterAll(async () => {
  await t?.dispose();
  await receiver?.close();
  await smtp?.close();
});

describe("notifications out", () => {
  it("a declared SEV1 sends exactly one Slack, one Teams and one signed CloudEvents webhook message with the incident's fields", async () => {
    const incident = await declare({ services: ["checkout"] });
    await runJob();
    await runJob();
    const slack = receiver.at("/slack/T000/B000/XXXXsecretpart");
    const hook = receiver.at("/hook");
    expect(slack).toHaveLength(1);
    expect(hook).toHaveLength(1);
    expect(receiver.at("/teams")).toHaveLength(1);

    const msg = slack[0].json as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { url: string }[] }[] };
    expect(msg.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: `Incident declared: INC-${incident.number} Checkout down` } });
    const fields = msg.blocks.find((b) => b.fields)!.fields!.map((f) => f.text);
    expect(fields).toEqual(["*Severity*\nSEV1", "*Status*\ninvestigating", "*Services*\ncheckout"]);
    expect(msg.blocks.find((b) => b.type === "actions")!.elements![0].url).toBe(`https://warroom.example.com/incidents/${incident.id}`);

    const card = (receiver.at("/teams")[0].json as { attachments: { contentType: string; content: { type: string; body: { type: string; facts?: unknown }[] } }[] }).attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content.type).toBe("AdaptiveCard");
    expect(card.content.body.find((b) => b.type === "FactSet")!.facts).toContainEqual({ title: "Severity", value: "SEV1" });

    const h = hook[0];
    expect(h.headers["content-type"]).toBe("application/cloudevents+json");
    const ce = h.json as { specversion: string; id: string; type: string; source: string; time: string; data: { incident: Record<string, unknown> } };
    expect(ce).toMatchObject({ specversion: "1.0", type: "io.warroom.incident.declared", source: "/war-room" });
    expect(ce.data.incident).toEqual({ id: incident.id, number: incident.number, title: "Checkout down", severity: "SEV1", status: "investigating", services: ["checkout"], drill: false });
    expect(h.headers["webhook-id"]).toBe(ce.id);
    expect(h.headers["idempotency-key"]).toBe(ce.id);
    const sig = { id: String(h.headers["webhook-id"]), timestamp: String(h.headers["webhook-timestamp"]), signature: String(h.headers["webhook-signature"]) };
    expect(verifyWebhook(signingKey(SECRET)!, sig, h.body)).toBe(true);
    // A body changed in transit, or another key, does not verify.
    expect(verifyWebhook(signingKey(SECRET)!, sig, h.body.replace("Checkout", "Checkin"))).toBe(false);
    expect(verifyWebhook(signingKey("another-key-of-enough-length")!, sig, h.body)).toBe(false);

    const log = (await deliveries()).deliveries.filter((d) => d.id.includes(ce.id));
    expect(log.map((d) => [d.channel, d.state, d.attempts]).sort()).toEqual([["hook", "sent", 1], ["slack", "sent", 1], ["teams", "sent", 1]]);
  });

  it("a SEV3 on the same service and a drill send nothing (severity and drill filters)", async () => {
    const before = receiver.received.length;
    await declare({ services: ["checkout"], severity: "SEV3" });
    await declare({ services: ["checkout"], drill: true });
    await runJob();
    expect(receiver.received.length).toBe(before);
  });

  it("a receiver failing twice then succeeding still gives exactly one delivery, with the same idempotency key each time", async () => {
    receiver.plan("/flaky", { status: 503 }, { status: 502 });
    await declare({ services: ["search"], severity: "SEV2" });
    await runJob();
    for (let i = 0; i < 6 && receiver.at("/flaky").filter((r) => r.json).length < 3; i++) {
      t.clock.advance(5_000);
      await runJob();
    }
    t.clock.advance(60_000);
    await runJob();
    const calls = receiver.at("/flaky");
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers["idempotency-key"])).size).toBe(1);
    const d = (await deliveries()).deliveries.find((x) => x.channel === "flaky")!;
    expect(d).toMatchObject({ state: "sent", attempts: 3, lastStatus: 200 });
  });

  it("a channel answering 4xx is not retried, and the log says so", async () => {
    receiver.plan("/reject", { status: 400 });
    await declare({ services: ["catalog"], severity: "SEV2" });
    await runJob();
    t.clock.advance(60_000);
    await runJob();
    expect(receiver.at("/reject")).toHaveLength(1);
    const d = (await deliveries()).deliveries.find((x) => x.channel === "reject")!;
    expect(d).toMatchObject({ state: "rejected", attempts: 1, lastStatus: 400, lastError: "HTTP 400" });
    expect(logLines.some((l) => l.includes("not retried") && l.includes('"channel":"reject"'))).toBe(true);
  });

  it("a slow endpoint times out and an unreachable one fails, both kept for a retry; after the bound they are failed", async () => {
    receiver.plan("/slow", { hang: true }, { hang: true }, { hang: true }, { hang: true });
    await declare({ services: ["auth"], severity: "SEV2" });
    const began = performance.now();
    await runJob();
    expect(performance.now() - began).toBeLessThan(5_000);
    let log = (await deliveries()).deliveries;
    expect(log.find((x) => x.channel === "slow")).toMatchObject({ state: "pending", attempts: 1, lastError: "timed out after 500 ms" });
    expect(log.find((x) => x.channel === "nobody")).toMatchObject({ state: "pending", attempts: 1 });
    expect(log.find((x) => x.channel === "nobody")!.lastError).toMatch(/ECONNREFUSED/);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10_000);
      await runJob();
    }
    log = (await deliveries()).deliveries;
    expect(log.find((x) => x.channel === "slow")).toMatchObject({ state: "failed", attempts: 4 });
    expect(log.find((x) => x.channel === "nobody")).toMatchObject({ state: "failed", attempts: 4 });
    expect(receiver.at("/slow")).toHaveLength(4);
  });

  it("e-mail goes through SMTP with HTML escaped; a drill is included when the rule says so", async () => {
    const incident = await declare({ services: ["payments"], title: "<script>alert(1)</script> payments", drill: true });
    await runJob();
    expect(smtp.mails).toHaveLength(1);
    const raw = smtp.mails[0].raw.replace(/=\r?\n/g, "");
    expect(smtp.mails[0].to).toEqual(["status@example.com"]);
    expect(raw).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(raw.split("Content-Type: text/html")[1]).not.toContain("<script>");
    expect(raw).toContain(`INC-${incident.number}`);
  });

  it("no secret reaches the delivery log, the logs or the API", async () => {
    const text = JSON.stringify(await deliveries()) + logLines.join("\n");
    expect(text).not.toContain("XXXXsecretpart");
    expect(text).not.toContain(SECRET);
    expect((await deliveries()) as unknown).toMatchObject({ channels: expect.arrayContaining([{ id: "slack", kind: "slack", name: "slack" }]) });
  });
});

describe("channel config", () => {
  const withNotifications = (notifications: unknown) => ({ ...demoConfig, notifications });
  it("refuses a malformed channel with its path and reason", () => {
    const bad = () => validateConfig(withNotifications({ channels: [{ id: "s", kind: "slack", url: "https://hooks.slack.com/x" }] }));
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toContainEqual(expect.objectContaining({ path: "notifications.channels[0].urlEnv" }));
      expect(problems).toContainEqual({ path: "notifications.channels[0]", message: expect.stringContaining('"url"') });
    }
    const unknown = () => validateConfig(withNotifications({ channels: [{ id: "s", kind: "slack", urlEnv: "SLACK_URL" }], rules: [{ events: ["incident.declared"], channels: ["missing"] }] }));
    expect(unknown).toThrow('notifications.rules[0].channels[0]: unknown channel "missing"');
    expect(() => validateConfig(withNotifications({ channels: [{ id: "h", kind: "webhook", url: "ftp://x", secretEnv: "S" }] }))).toThrow(/notifications\.channels\[0\]\.url: must be an http\(s\) URL/);
  });

  it("refuses to start when a channel's secret variable is missing, naming the path and the variable, never a value", async () => {
    delete process.env.TEST_MISSING_URL;
    await expect(
      startTestServer({ configure: (c) => ({ ...c, notifications: NotificationsConfigSchema.parse({ channels: [{ id: "s", kind: "slack", urlEnv: "TEST_MISSING_URL" }] }) }) }),
    ).rejects.toThrow(/notifications\.channels\[0\]\.urlEnv: environment variable TEST_MISSING_URL is not set/);
  });
});

describe("start-up with a channel whose secret is missing", () => {
  it("the server exits with code 2 naming the config path and the variable", { timeout: 60_000 }, async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawn } = await import("node:child_process");
    const dir = mkdtempSync(join(tmpdir(), "war-room-notify-config-"));
    try {
      const file = join(dir, "config.yaml");
      writeFileSync(file, JSON.stringify({ ...demoConfig, notifications: { channels: [{ id: "hook", kind: "webhook", url: "http://127.0.0.1:1/x", secretEnv: "NOT_SET_ANYWHERE_SECRET" }] } }));
      const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], { env: { ...process.env, DATABASE_URL: "", PORT: "0", WAR_ROOM_DATA_DIR: dir, WAR_ROOM_CONFIG: file }, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      const code = await new Promise((r) => child.once("exit", r));
      expect(code).toBe(2);
      expect(err).toContain("notifications.channels[0].secretEnv: environment variable NOT_SET_ANYWHERE_SECRET is not set");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
