import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpSink, type SunkMail } from "./support/smtp-sink";
import { startTestServer } from "./helpers";
import type { Config } from "../lib/config/schema";
import { NotificationsConfigSchema } from "../lib/notifications/config";
import { StatusPageConfigSchema } from "../lib/comms/config";
import { validateConfig } from "../lib/config/load";
import { demoConfig } from "../lib/config/demo";

type Mail = SunkMail;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let t: Awaited<ReturnType<typeof startTestServer>>;
const url = (p: string) => `http://127.0.0.1:${t.server.port}${p}`;
/** No X-War-Room-User: the public routes need no identity. */
const anon = (path: string, body: unknown) => fetch(url(path), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const staff = (method: string, path: string, body: unknown) => fetch(url(path), { method, headers: { "content-type": "application/json", "x-war-room-user": "Grace" }, body: JSON.stringify(body) });
const runJob = () => t.server.warRoom.jobs.notifications.run(t.clock.now());
const tokenIn = (mail: Mail, what: "confirm" | "unsubscribe") => new RegExp(`/status\\?${what}=([A-Za-z0-9_-]{43})`).exec(mail.text)?.[1];
const mailsTo = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr));

beforeAll(async () => {
  smtp = await startSmtpSink();
  const port = smtp.port;
  t = await startTestServer({
    configure: (c): Config => ({
      ...c,
      notifications: NotificationsConfigSchema.parse({ linkBase: "https://status.example.com", channels: [{ id: "mail", kind: "email", smtp: { host: "127.0.0.1", port }, from: "status@example.com", to: ["ops@example.com"] }] }),
      statusPage: StatusPageConfigSchema.parse({ subscriptions: { emailChannel: "mail" } }),
    }),
  });
});
afterAll(async () => {
  await t?.dispose();
  await smtp?.close();
});

describe("status-page e-mail subscriptions", () => {
  it("double opt-in: only a confirmed address gets updates, with the public text escaped and an unsubscribe link that works", async () => {
    expect(await (await fetch(url("/api/v2/subscriptions"))).json()).toEqual({ enabled: true });
    const r = await anon("/api/v2/subscriptions", { email: "Reader@Example.com" });
    expect(r.status).toBe(202);
    await runJob();
    expect(mailsTo("reader@example.com")).toHaveLength(1);
    const confirmMail = mailsTo("reader@example.com")[0];
    const confirm = tokenIn(confirmMail, "confirm");
    expect(confirm).toBeDefined();
    expect(tokenIn(confirmMail, "unsubscribe")).toBeDefined();

    const { incident } = await (await staff("POST", "/api/v1/incidents", { title: "Checkout down", severity: "SEV1", services: ["checkout"] })).json();
    await staff("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "investigating", body: "Not yet for pending readers" });
    await runJob();
    expect(mailsTo("reader@example.com")).toHaveLength(1);

    // Once sent, the outbox keeps no copy of the confirmation link (the token is stored only hashed).
    const stored = await t.server.warRoom.store.db.selectFrom("notification_events").select("payload").where("type", "=", "subscription.confirm").execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].payload).not.toContain(confirm!);

    expect((await anon("/api/v2/subscriptions/confirm", { token: confirm })).status).toBe(200);
    // The link works once.
    expect((await anon("/api/v2/subscriptions/confirm", { token: confirm })).status).toBe(404);
    await staff("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "identified", body: "<script>alert(1)</script> Found the bad deploy" });
    await runJob();
    const updates = mailsTo("reader@example.com");
    expect(updates).toHaveLength(2);
    const html = updates[1].text.split(/Content-Type: text\/html/i)[1];
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Found the bad deploy");
    expect(html).not.toContain("<script>");
    // Only what the public page says: no severity, services or internal facts.
    expect(updates[1].text).not.toMatch(/Severity|SEV1|Services/);
    // The internal title ("Checkout down") stays inside: no public title was given, so a neutral name.
    expect(updates[1].text).not.toContain("Checkout down");
    expect(updates[1].text).toContain("Service disruption");
    // The team's own channel address is not told of the subscriber, and the subscriber does not see the team's address.
    expect(updates[1].to).toEqual(["reader@example.com"]);

    // A drill's update goes to nobody outside.
    const drill = (await (await staff("POST", "/api/v1/incidents", { title: "Game day", severity: "SEV1", services: ["checkout"], drill: true })).json()).incident;
    await staff("POST", `/api/v1/incidents/${drill.id}/status-updates`, { status: "investigating", body: "drill" });
    await runJob();
    expect(mailsTo("reader@example.com")).toHaveLength(2);

    const unsub = tokenIn(updates[1], "unsubscribe");
    expect((await anon("/api/v2/subscriptions/unsubscribe", { token: unsub })).status).toBe(200);
    await staff("POST", `/api/v1/incidents/${incident.id}/status-updates`, { status: "monitoring", body: "Watching" });
    await runJob();
    expect(mailsTo("reader@example.com")).toHaveLength(2);
    expect((await anon("/api/v2/subscriptions/unsubscribe", { token: unsub })).status).toBe(404);
  });

  it("refuses bad input and does not mail an address twice in a row", async () => {
    expect((await anon("/api/v2/subscriptions", { email: "not-an-address" })).status).toBe(400);
    expect((await anon("/api/v2/subscriptions/confirm", { token: "short" })).status).toBe(400);
    expect((await anon("/api/v2/subscriptions/confirm", { token: "A".repeat(43) })).status).toBe(404);
    expect((await anon("/api/v2/subscriptions", { email: "twice@example.com" })).status).toBe(202);
    expect((await anon("/api/v2/subscriptions", { email: "twice@example.com" })).status).toBe(202);
    await runJob();
    expect(mailsTo("twice@example.com")).toHaveLength(1);
  });

  it("the config refuses subscriptions through a channel that is not e-mail, or without linkBase", () => {
    const cfg = (notifications: unknown) => () => validateConfig({ ...demoConfig, notifications, statusPage: { subscriptions: { emailChannel: "s" } } });
    expect(cfg({ linkBase: "https://x.example", channels: [{ id: "s", kind: "slack", urlEnv: "S" }] })).toThrow('statusPage.subscriptions.emailChannel: channel "s" is slack, not email');
    expect(cfg({ channels: [{ id: "s", kind: "email", smtp: { host: "h" }, from: "a@b.co", to: ["c@d.co"] }] })).toThrow("notifications.linkBase: e-mail subscriptions need notifications.linkBase");
  });
});
