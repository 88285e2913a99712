import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { startSmtpSink } from "../test/support/smtp-sink";
import { person, warRoomForFile } from "./server";
import { demoConfig } from "../lib/config/demo";

// An SMTP sink on loopback plays the mail server, so a subscription can be confirmed from its e-mail.
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const configDir = mkdtempSync(join(tmpdir(), "war-room-e2e-comms-"));
const configFile = join(configDir, "config.json");
test.beforeAll(async () => {
  sink = await startSmtpSink();
  const port = sink.port;
  const notifications = { linkBase: "https://status.example.com", channels: [{ id: "mail", kind: "email", smtp: { host: "127.0.0.1", port }, from: "status@example.com", to: ["ops@example.com"] }] };
  writeFileSync(configFile, JSON.stringify({ ...demoConfig, notifications, statusPage: { subscriptions: { emailChannel: "mail" } } }));
});
test.afterAll(async () => {
  await sink?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const srv = warRoomForFile(() => ({ WAR_ROOM_CONFIG: configFile }));
test.describe.configure({ mode: "serial" });

/** Where screenshots go for a person to look at (unset: none are taken). */
const SHOTS = process.env.WAR_ROOM_SCREENSHOTS;

type Incident = { id: string; number: number; version: number };

async function declare(request: APIRequestContext, body: Record<string, unknown>): Promise<Incident> {
  const r = await request.post(`${srv.url}/api/v1/incidents`, { data: { severity: "SEV1", services: ["payments"], ...body }, headers: { "x-war-room-user": "Ada" } });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { incident: Incident }).incident;
}

const MARKUP = "<b>Card payments</b> <img src=x onerror=alert(1)> are failing for some customers.";

test("the comms lead publishes a customer update from the incident page; everyone sees when the next is due", async ({ browser, request }) => {
  const incident = await declare(request, { title: "Payments failing" });
  await request.post(`${srv.url}/api/v1/incidents/${incident.id}/timeline`, { data: { kind: "note", body: "INTERNAL: db-7 primary lost quorum" }, headers: { "x-war-room-user": "Ada" } });
  const grace = await person(browser, "Grace");
  await grace.goto(`${srv.url}/incidents/${incident.id}`);
  const panel = grace.getByRole("region", { name: "Status updates (customer-facing)" });
  await expect(panel.getByTestId("update-due")).toHaveText(/Next customer update due in (29|30) min/);
  await panel.getByRole("button", { name: "Use the Investigating template" }).click();
  const text = panel.getByRole("textbox", { name: /Update text/ });
  await expect(text).toHaveValue(/We are investigating reports of problems with payments/);
  await text.fill(MARKUP);
  await panel.getByRole("textbox", { name: /Public title/ }).fill("Card payments failing");
  await panel.getByRole("button", { name: "Publish to status page" }).click();
  const published = panel.getByRole("list", { name: "Published status updates" });
  await expect(published.getByText(MARKUP, { exact: true })).toBeVisible();
  await expect(published).toContainText("by Grace");
  await expect(grace.locator("img[src=x]")).toHaveCount(0);
  await expect(text).toHaveValue("");
  if (SHOTS) await panel.screenshot({ path: join(SHOTS, "status-updates-panel.png") });
  await grace.context().close();
});

test("/status shows public incidents' updates as text, and nothing internal or about a drill", async ({ browser, request }) => {
  const drill = await declare(request, { title: "DRILL-GAMEDAY checkout", services: ["checkout"], drill: true });
  await request.post(`${srv.url}/api/v1/incidents/${drill.id}/status-updates`, { data: { status: "investigating", body: "DRILL-UPDATE" }, headers: { "x-war-room-user": "Ada" } });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  for (const width of [1366, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.goto(`${srv.url}/status`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/status$/);
    await expect(page.getByRole("status").first()).toHaveText(/Major Service Outage|Partial System Outage|Minor Service Outage|All Systems Operational/);
    const current = page.getByRole("region", { name: "Current incidents" });
    await expect(current.getByRole("article", { name: "Card payments failing" })).toContainText(MARKUP);
    await expect(page.getByRole("region", { name: "Components" }).getByText("Payments", { exact: true })).toBeVisible();
    await expect(page.getByRole("img", { name: /uptime|No uptime data/ }).first()).toBeVisible();
    const body = await page.locator("body").innerText();
    // "Payments failing" is the internal title: the page shows the public one.
    for (const hidden of ["INTERNAL", "DRILL-GAMEDAY", "DRILL-UPDATE", "Declared", "Incidents", "Runbooks", "Payments failing"]) expect(body).not.toContain(hidden);
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `status-${width}.png`), fullPage: true });
    }
  }
  await ctx.close();
});

test("a reader subscribes on /status and confirms with the link from the e-mail", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/status`);
  const box = page.getByRole("region", { name: "Get updates by e-mail" });
  await box.getByLabel("E-mail address").fill("reader@example.com");
  await box.getByRole("button", { name: "Subscribe" }).click();
  await expect(box.getByRole("status")).toHaveText("Check your inbox: follow the link in the e-mail to confirm.");
  await expect.poll(() => sink.mails.filter((m) => m.text.includes("reader@example.com")).length, { timeout: 15_000 }).toBe(1);
  const token = /status\?confirm=([A-Za-z0-9_-]{43})/.exec(sink.mails.find((m) => m.text.includes("reader@example.com"))!.text)![1];
  // The link from the e-mail, on this server: nothing happens until the reader presses the button.
  await page.goto(`${srv.url}/status?confirm=${token}`);
  await box.getByRole("button", { name: "Confirm my subscription" }).click();
  await expect(box.getByRole("status")).toHaveText("Subscribed: you will get an e-mail with every update.");
  if (SHOTS) await box.screenshot({ path: join(SHOTS, "status-subscribed.png") });
  await ctx.close();
});
