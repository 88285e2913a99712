import { expect, test, type Page } from "@playwright/test";
import { warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

const connection = (page: Page) => page.getByRole("status", { name: "Connection" });

test("the board streams live golden signals for every service", async ({ page }) => {
  await page.goto(srv.url + "/");
  await expect(connection(page)).toContainText("LIVE");
  await expect(page.getByTestId("overall-status")).toHaveText(/HEALTHY|DEGRADED|CRITICAL/);
  for (const name of ["Edge gateway", "Auth", "Checkout", "Payments", "Catalog", "Search", "Recommendations", "Notifications"]) {
    await expect(page.getByRole("article", { name })).toBeVisible();
  }
  // Signals jitter every second: the numbers on screen must move by themselves. All tiles' p99
  // and traffic together: one figure at two significant digits (1.1k) can hold still for 10 s.
  const figures = page.getByTestId(/^tile-(p99|rps)$/);
  await expect(figures.first()).toHaveText(/\d/);
  const first = (await figures.allTextContents()).join("|");
  await expect.poll(async () => (await figures.allTextContents()).join("|"), { timeout: 10_000 }).not.toBe(first);
  await expect(page.getByTestId("data-age")).toBeVisible();
});

test("a drill started from the board shows up and can be stopped", async ({ page }) => {
  await page.goto(srv.url + "/");
  await expect(connection(page)).toContainText("LIVE");
  await page.getByLabel("Kind").selectOption("latency");
  await page.getByLabel("Target").selectOption("search");
  await page.getByLabel("Duration (s)").fill("120");
  await page.getByRole("button", { name: "Start drill" }).click();
  const active = page.getByRole("region", { name: "Active drills" });
  await expect(active).toContainText(/search/i);
  await expect(active).toContainText(/latency/i);
  // Latency ×5 on search pushes its p99 past the 800 ms critical threshold.
  await expect(page.getByRole("article", { name: "Search" })).toContainText(/critical/i, { timeout: 30_000 });
  await active.getByRole("button", { name: /stop/i }).first().click();
  await expect(active).not.toContainText(/search/i, { timeout: 10_000 });
});

test("a bad drill is refused with the server's reason", async ({ page }) => {
  await page.goto(srv.url + "/");
  await page.getByLabel("Kind").selectOption("traffic");
  await page.getByLabel("Target").selectOption("auth");
  await page.getByLabel("Duration (s)").fill("120");
  await page.getByLabel("Magnitude").fill("500");
  await page.getByRole("button", { name: "Start drill" }).click();
  await expect(page.getByRole("region", { name: "Start a drill" }).getByRole("alert")).toContainText(/magnitude/i);
  await expect(page.getByRole("region", { name: "Active drills" })).not.toContainText(/auth/i);
});

test("kiosk mode hides the navigation chrome", async ({ page }) => {
  await page.goto(srv.url + "/?kiosk=1");
  await expect(page.getByTestId("overall-status")).toBeVisible();
  await expect(page.getByRole("navigation")).toHaveCount(0);
  await expect(connection(page)).toContainText("LIVE");
});

test("when the server dies the page says so within 3 s, and resumes by itself when it returns", async ({ page }) => {
  await page.goto(srv.url + "/");
  await expect(connection(page)).toContainText("LIVE");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await srv.stop("SIGKILL");
  await expect(connection(page)).toContainText(/RECONNECTING|OFFLINE/, { timeout: 3_000 });
  await expect(page.getByText("STALE").first()).toBeVisible({ timeout: 3_000 });

  await srv.start();
  await expect(connection(page)).toContainText("LIVE", { timeout: 20_000 });
  await expect(page.getByText("STALE")).toHaveCount(0);
  const rps = page.getByRole("article", { name: "Catalog" }).getByTestId("tile-rps");
  const before = await rps.textContent();
  await expect(rps).not.toHaveText(before!);
  // No reload happened: the marker set on the old document is still there.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});
