import { expect, test, type Browser, type Page } from "@playwright/test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { person as personWith, warRoomForFile } from "./server";

// The shipped runbooks plus one hostile file, served from a temp folder (WAR_ROOM_RUNBOOKS_DIR).
const EVIL = `---
title: Evil runbook
services: [checkout]
owner: mallory
last_reviewed: 2020-01-01
---

# Evil runbook

<script>window.__xss=1</script>

<img src=x onerror="window.__xss=2">

[click me](javascript:window.__xss=3)
`;

let runbooksDir = "";
const srv = warRoomForFile(() => {
  runbooksDir = mkdtempSync(join(tmpdir(), "war-room-runbooks-"));
  cpSync("runbooks", runbooksDir, { recursive: true });
  writeFileSync(join(runbooksDir, "evil.md"), EVIL);
  return { WAR_ROOM_RUNBOOKS_DIR: runbooksDir };
});
test.describe.configure({ mode: "serial" });
test.afterAll(() => {
  if (runbooksDir) rmSync(runbooksDir, { recursive: true, force: true });
});

/** The copy buttons need the clipboard. */
const person = (browser: Browser, name: string): Promise<Page> => personWith(browser, name, { permissions: ["clipboard-read", "clipboard-write"] });

test("`/` opens runbook search from any page; a typo finds High latency; Enter opens it with contents and copy buttons", async ({ browser }) => {
  const page = await person(browser, "Ada");
  await page.goto(srv.url + "/slos");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runbooks" })).toBeVisible();
  // The shortcut listens once the page has hydrated; the live badge only says LIVE after that.
  await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
  await page.keyboard.press("/");
  const dialog = page.getByRole("dialog", { name: "Runbook search" });
  await expect(dialog).toBeVisible();
  const input = dialog.getByLabel("Search runbooks");
  await expect(input).toBeFocused();
  await input.fill("latncy");
  const first = dialog.getByRole("option").first();
  await expect(first).toContainText("High latency");
  await expect(first.locator("mark").first()).toHaveText(/latency/i);
  await input.press("Enter");
  await expect(page).toHaveURL(/\/runbooks\/high-latency$/);
  await expect(page.getByRole("heading", { level: 1, name: "High latency (p99)" }).first()).toBeVisible();
  const toc = page.getByRole("navigation", { name: "Table of contents" });
  await expect(toc.getByRole("link", { name: "Mitigation" })).toBeVisible();
  await toc.getByRole("link", { name: "Mitigation" }).click();
  await expect(page).toHaveURL(/#mitigation$/);
  const copy = page.getByRole("button", { name: "Copy code" }).first();
  await expect(copy).toBeVisible();
  await copy.click();
  await expect(page.getByRole("button", { name: "Copied" }).first()).toBeVisible();

  // Esc closes the overlay; `/` typed into a field is text, not a shortcut.
  await page.keyboard.press("/");
  await expect(page.getByRole("dialog", { name: "Runbook search" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Runbook search" })).toHaveCount(0);
  await page.goto(srv.url + "/runbooks");
  const box = page.getByRole("searchbox", { name: "Search runbooks" });
  await box.fill("a/b");
  await expect(page.getByRole("dialog", { name: "Runbook search" })).toHaveCount(0);
  await page.context().close();
});

test("the list marks stale runbooks, and an unknown slug says so", async ({ browser }) => {
  const page = await person(browser, "Ada");
  await page.goto(srv.url + "/runbooks");
  const evil = page.getByRole("listitem").filter({ hasText: "Evil runbook" });
  await expect(evil).toContainText("STALE");
  await expect(evil).toContainText("reviewed 2020-01-01");
  await page.goto(srv.url + "/runbooks/no/such-runbook");
  await expect(page.getByRole("heading", { name: /No runbook/ })).toBeVisible();
  await page.context().close();
});

test("HTML in a runbook shows as text and never runs", async ({ browser }) => {
  const page = await person(browser, "Ada");
  await page.goto(srv.url + "/runbooks/evil");
  const article = page.getByRole("article", { name: "Evil runbook" });
  await expect(article).toContainText("<script>window.__xss=1</script>");
  await expect(article).toContainText(`<img src=x onerror="window.__xss=2">`);
  await expect(article.locator("script, img")).toHaveCount(0);
  await expect(article.getByRole("link", { name: "click me" })).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await page.context().close();
});

test("ticking a runbook step in one browser shows the tick and the timeline entry in another", async ({ browser }) => {
  const ada = await person(browser, "Ada");
  const bob = await person(browser, "Bob");
  const res = await ada.request.post(srv.url + "/api/v1/incidents", {
    data: { title: "Checkout slow", severity: "SEV2", services: ["checkout"] },
    headers: { "X-War-Room-User": "Ada" },
  });
  expect(res.status()).toBe(201);
  const { incident } = (await res.json()) as { incident: { id: string } };
  const url = `${srv.url}/incidents/${incident.id}`;
  await ada.goto(url);
  await bob.goto(url);
  for (const p of [ada, bob]) await p.getByRole("region", { name: "Runbooks" }).getByRole("button", { name: /Checkout slow/ }).click();

  const stepA = ada.getByRole("region", { name: "Runbooks" }).getByRole("checkbox").first();
  const stepB = bob.getByRole("region", { name: "Runbooks" }).getByRole("checkbox").first();
  for (const p of [ada, bob]) await expect(p.getByRole("region", { name: "Runbooks" })).toContainText("0 of 6 steps done");
  await expect(stepB).not.toBeChecked();
  await stepA.check();
  await expect(stepB).toBeChecked({ timeout: 2_000 });
  const timelineB = bob.getByRole("region", { name: "Timeline" });
  await expect(timelineB.getByRole("article").filter({ hasText: "☑" })).toBeVisible({ timeout: 2_000 });
  await expect(timelineB.getByRole("article").filter({ hasText: "☑" }).getByRole("link", { name: /checkout\/high-latency/ })).toHaveAttribute(
    "href",
    "/runbooks/checkout/high-latency",
  );

  await stepA.uncheck();
  await expect(stepB).not.toBeChecked({ timeout: 2_000 });
  await ada.context().close();
  await bob.context().close();
});

test("a firing alert links to its runbook in one click from the board (runbook_url, else the runbook listing the alert)", async ({ browser }) => {
  const page = await person(browser, "Ada");
  // Two alerts arrive from Alertmanager: one names its runbook, one is only listed in a runbook's front matter.
  const alert = (alertname: string, service: string, annotations: Record<string, string>) => ({
    status: "firing",
    labels: { alertname, service, severity: "critical" },
    annotations,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
  });
  const res = await page.request.post(srv.url + "/api/v1/integrations/alertmanager", {
    data: {
      version: "4",
      groupKey: "e2e",
      status: "firing",
      alerts: [
        alert("CheckoutErrors", "checkout", { summary: "Checkout is failing", runbook_url: "/runbooks/high-error-rate" }),
        alert("CpuSaturated", "search", { summary: "Search CPU is saturated" }),
      ],
    },
  });
  expect(res.status()).toBe(200);
  await page.goto(srv.url + "/");
  const firing = page.getByRole("region", { name: "Firing alerts" });
  const checkout = firing.getByRole("listitem").filter({ hasText: "CheckoutErrors" });
  const cpu = firing.getByRole("listitem").filter({ hasText: "CpuSaturated" });
  await expect(cpu.getByRole("link", { name: "Runbook" })).toHaveAttribute("href", "/runbooks/cpu-saturation");
  await checkout.getByRole("link", { name: "Runbook" }).click();
  await expect(page).toHaveURL(/\/runbooks\/high-error-rate$/);
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText(/error/i);
});
