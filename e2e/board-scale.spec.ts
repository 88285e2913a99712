import { expect, test, type Page } from "@playwright/test";
import { WarRoomProcess } from "./server";
import { estateEnv, estateSlos } from "./estate";

// An estate of 1,000 services (SPEC §11, issue #15); WAR_ROOM_E2E_ESTATE sets another size.
const N = Number(process.env.WAR_ROOM_E2E_ESTATE ?? 1000);
const srv = new WarRoomProcess();
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);
test.beforeAll(async () => {
  test.setTimeout(300_000);
  await srv.start(estateEnv(srv.dataDir, N));
});
test.afterAll(async () => {
  await srv.dispose();
});

const groupCounts = async (page: Page) =>
  (await page.getByTestId("group-count").allTextContents()).reduce((n, t) => n + Number(/^(\d+)/.exec(t)?.[1] ?? 0), 0);

test(`a board of ${N} services groups them by team, worst first, and typing filters them`, async ({ page }) => {
  await page.goto(srv.url + "/");
  await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
  await expect(page.getByText(`${N} services`, { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: /^Group / })).toHaveCount(12);
  expect(await groupCounts(page)).toBe(N);
  await expect(page.getByRole("article")).toHaveCount(N);
  // Hot services (latency 420 ms) are critical or warn: their team's group comes first, them at its top.
  const firstTile = page.getByRole("region", { name: /^Group / }).first().getByRole("article").first();
  await expect(firstTile).toContainText(/critical|warn/i);

  // Typing anywhere (no focus on a field) goes to the filter.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.type("payments");
  await expect(page.getByLabel("Filter services")).toHaveValue("payments");
  const payments = Math.ceil(N / 12);
  await expect(page.getByText(`${payments} of ${N} services`)).toBeVisible();
  await expect(page.getByRole("article")).toHaveCount(payments);
  await expect(page).toHaveURL(/q=payments/);

  // `f` focuses the filter; a second word narrows further.
  await page.getByLabel("Filter services").blur();
  await page.keyboard.press("f");
  await expect(page.getByLabel("Filter services")).toBeFocused();
  await page.getByLabel("Filter services").fill("payments 0012");
  await expect(page.getByRole("article")).toHaveCount(1);
  await expect(page.getByRole("article", { name: "payments svc 12" })).toBeVisible();
});

test("group by state and the compact density are kept in the URL", async ({ page }) => {
  await page.goto(srv.url + "/?group=state&density=compact");
  await expect(page.getByRole("button", { name: "State" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "Compact" })).toHaveAttribute("aria-pressed", "true");
  const first = page.getByRole("region", { name: /^Group / }).first();
  await expect(first).toHaveAccessibleName(/Group (Critical|Warning)/);
  expect(await groupCounts(page)).toBe(N);
  await page.getByRole("button", { name: "Compact" }).click();
  await expect(page).not.toHaveURL(/density=compact/);
});

test("with WebSockets blocked the board shows the page's data, says live updates are unavailable, and polls", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await ctx.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 1006 }));
  const page = await ctx.newPage();
  const polls: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/v1/board") && r.status() === 200) polls.push(Date.now());
  });
  await page.goto(srv.url + "/");
  // The data came with the page.
  await expect(page.getByTestId("overall-status")).toHaveText(/HEALTHY|DEGRADED|CRITICAL/);
  await expect(page.getByRole("article")).toHaveCount(N);
  await expect(page.getByRole("alert").filter({ hasText: "Live updates unavailable" })).toBeVisible({ timeout: 15_000 });
  const age = page.getByTestId("banner-data-age");
  // Polling keeps it current: two polls, and the data age stays under the 2-tick stale mark after them.
  await expect.poll(() => polls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("overall-status")).not.toHaveText("STALE");
  await expect(age).toHaveText(/\d/);
  await ctx.close();
});

test("the SLO page lists the estate's SLOs worst first and filters them by typing", async ({ page }) => {
  const total = estateSlos(N);
  await page.goto(srv.url + "/slos");
  await expect(page.getByText(`${total} SLOs`, { exact: true })).toBeVisible();
  await expect(page.getByRole("article", { name: /^SLO / })).toHaveCount(total);
  // The hot services (p99 ≈ 420 ms against a 300 ms objective) have burnt their budget: they come first.
  await expect(page.getByRole("article", { name: /^SLO / }).first()).toHaveAccessibleName(/svc (5|102|199|296|393|490|587|684|781|878|975) latency/);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.type("identity");
  await expect(page.getByLabel("Filter SLOs")).toHaveValue("identity");
  await expect(page.getByText(new RegExp(`^\\d+ of ${total} SLOs$`))).toBeVisible();
  const shown = await page.getByRole("article", { name: /^SLO / }).count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(total);
  for (const name of await page.getByRole("article", { name: /^SLO / }).evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")))) expect(name).toMatch(/identity/);
  await page.screenshot({ path: `/tmp/wave/shots/s2-slos-${N}.png` });
});

for (const width of [1280, 1920, 3840]) {
  test(`screenshot at ${width} px`, async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width, height: 1200 } });
    const page = await ctx.newPage();
    await page.goto(srv.url + "/");
    await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
    await page.screenshot({ path: `/tmp/wave/shots/s2-board-${N}-${width}.png` });
    await page.goto(srv.url + "/?density=compact");
    await expect(page.getByRole("article").first()).toBeVisible();
    await page.screenshot({ path: `/tmp/wave/shots/s2-board-${N}-compact-${width}.png` });
    await ctx.close();
  });
}
