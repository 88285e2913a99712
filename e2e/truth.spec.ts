import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { person, warRoomForFile } from "./server";

/**
 * Ages and labels that tell the truth (issue #16 item 7): the top bar's age is the connection's,
 * not one channel's; /runbooks never says "no data yet"; an incident's duration is on the
 * server's clock from the first paint; local times name their zone.
 */
const srv = warRoomForFile();
const SHOTS = process.env.WAR_ROOM_SCREENSHOTS;
const FIVE_MIN = 5 * 60_000;

async function declare(request: APIRequestContext, title: string, startedAt: number) {
  const r = await request.post(`${srv.url}/api/v1/incidents`, {
    data: { title, severity: "SEV2", services: ["checkout"], drill: true, startedAt },
    headers: { "x-war-room-user": "Ada" },
  });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { incident: { id: string; startedAt: number } }).incident;
}

/** "6m 02s" → 362 000 ms. */
function durationMs(text: string): number {
  const m = /^(?:(\d+)m )?(\d+)s$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}"`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000;
}

const age = (page: Page) => page.getByTestId("data-age");

test("/runbooks, which subscribes to no channel, says how old the connection's last frame is, never 'no data yet'", async ({ page }) => {
  await page.goto(srv.url + "/runbooks");
  await expect(page.getByRole("status", { name: "Connection" })).toHaveText("LIVE");
  await expect(age(page)).toHaveText(/^updated \d/);
  await expect(age(page)).not.toContainText("no data yet");
});

for (const path of ["/incidents", "/slos"]) {
  test(`the top bar does not go amber on a live ${path} that gets no event for seconds`, async ({ page }) => {
    await page.clock.install();
    await page.goto(srv.url + path);
    await expect(page.getByRole("status", { name: "Connection" })).toHaveText("LIVE");
    await expect(age(page)).toHaveText(/^updated \d/);
    // Five seconds pass in the page with no data frame: a live connection, only quiet (heartbeats come every 15 s).
    await page.clock.fastForward(5_000);
    await expect(age(page)).toHaveText(/^updated [5-9]\.\d s ago$/);
    await expect(age(page)).not.toHaveClass(/text-warn/);
    await expect(page.getByRole("status", { name: "Connection" })).toHaveText("LIVE");
  });
}

test("an incident open six minutes reads six minutes right after /incidents loads, on a laptop five minutes slow and before the socket is up", async ({ page, request }) => {
  const startedAt = Date.now() - 6 * 60_000;
  await declare(request, "Six minutes old", startedAt);
  await page.clock.install({ time: Date.now() - FIVE_MIN });
  // Hold the live socket back: only the API's answers can tell the page the server's time.
  await page.routeWebSocket(/\/ws/, () => {});
  await page.goto(srv.url + "/incidents");
  const row = page.getByRole("row").filter({ hasText: "Six minutes old" });
  const cell = row.getByRole("cell").last();
  await expect(cell).toHaveText(/^\d+m \d\ds$/);
  const shown = durationMs(await cell.innerText());
  expect(Math.abs(shown - (Date.now() - startedAt))).toBeLessThanOrEqual(2_000);
});

test("with the socket up, on a laptop five minutes slow, the duration matches the server's start within 2 s", async ({ page, request }) => {
  const startedAt = Date.now() - 6 * 60_000 - 30_000;
  await declare(request, "Six and a half minutes old", startedAt);
  await page.clock.install({ time: Date.now() - FIVE_MIN });
  await page.goto(srv.url + "/incidents");
  const cell = page.getByRole("row").filter({ hasText: "Six and a half minutes old" }).getByRole("cell").last();
  await expect(cell).toHaveText(/^\d+m \d\ds$/);
  expect(Math.abs(durationMs(await cell.innerText()) - (Date.now() - startedAt))).toBeLessThanOrEqual(2_000);
});

async function localPage(browser: Browser, width: number): Promise<Page> {
  const page = await person(browser, "Ada", { timezoneId: "Europe/Berlin", locale: "en-US", viewport: { width, height: 1000 } });
  await page.context().addInitScript(() => window.localStorage.setItem("war-room:timezone", "local"));
  return page;
}

test("in local-time mode every time names its zone: incident list, incident page, timeline, charts", async ({ browser, request }) => {
  const inc = await declare(request, "Zoned times", Date.now() - 60_000);
  const page = await localPage(browser, 1600);
  await page.goto(srv.url + "/incidents");
  // Berlin in winter: en-US names it GMT+1.
  const zone = await page.evaluate(() => new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")!.value);
  expect(zone).not.toBe("UTC");
  const row = page.getByRole("row").filter({ hasText: "Zoned times" });
  await expect(row).toContainText(new RegExp(`\\d\\d:\\d\\d:\\d\\d ${zone.replace("+", "\\+")}`));

  await page.goto(`${srv.url}/incidents/${inc.id}`);
  await expect(page.getByText(/started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/).first()).toContainText(zone);
  const firstTime = page.locator("article time").first();
  await expect(firstTime).toContainText(zone);

  await page.goto(`${srv.url}/services/checkout`);
  await expect(page.getByTestId("chart-zone").first()).toHaveText(`times in ${zone}`);
  await page.context().close();
});

test("screenshots of what changed, at 1366 and 1920", async ({ browser, request }) => {
  test.skip(!SHOTS, "set WAR_ROOM_SCREENSHOTS to a folder");
  mkdirSync(SHOTS!, { recursive: true });
  const inc = await declare(request, "Checkout errors (shots)", Date.now() - 6 * 60_000);
  const drill = await request.post(srv.url + "/api/v1/drills", { data: { kind: "errors", target: "checkout", durationSeconds: 300, magnitude: 30 } });
  expect(drill.status()).toBe(201);
  for (const width of [1366, 1920]) {
    const page = await localPage(browser, width);
    await page.goto(srv.url + "/");
    await expect(page.getByText("Highest p99 latency")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/truth-board-${width}.png` });
    await page.goto(srv.url + "/slos");
    await expect(page.getByRole("meter", { name: "Error budget remaining" }).first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/truth-slos-${width}.png`, fullPage: true });
    await page.goto(srv.url + "/incidents");
    await expect(page.getByRole("row").filter({ hasText: "Checkout errors (shots)" })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/truth-incidents-${width}.png` });
    await page.goto(`${srv.url}/incidents/${inc.id}`);
    await expect(page.locator("article time").first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/truth-incident-${width}.png`, fullPage: true });
    await page.goto(`${srv.url}/services/checkout`);
    await expect(page.getByTestId("chart-zone").first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/truth-service-${width}.png`, fullPage: true });
    await page.goto(srv.url + "/runbooks");
    await expect(age(page)).toHaveText(/^updated/);
    await page.screenshot({ path: `${SHOTS}/truth-runbooks-${width}.png` });
    await page.context().close();
  }
});
