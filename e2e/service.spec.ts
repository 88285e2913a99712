import { expect, test } from "@playwright/test";
import { warRoomForFile } from "./server";

const srv = warRoomForFile();

test("a tile opens the service page with live charts of every signal", async ({ page }) => {
  await page.goto(srv.url + "/");
  await page.getByRole("article", { name: "Checkout" }).click();
  await expect(page).toHaveURL(/\/services\/checkout/);
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  for (const chart of ["Latency", "Traffic", "Errors", "Saturation"]) {
    await expect(page.getByRole("figure", { name: new RegExp(`^${chart} `) })).toBeVisible();
  }
  // Each chart draws its points and says in text what it shows: current, peak, thresholds.
  const latency = page.getByRole("figure", { name: /^Latency / });
  await expect(latency.locator("canvas")).not.toHaveAttribute("data-points", "0");
  await expect(latency).toHaveAccessibleDescription(/^Latency: p99 now [\d.,]+ (ms|s), peak [\d.,]+ (ms|s);.*thresholds: p99 warn [\d.,]+ ms/);
  await expect(page.getByRole("figure", { name: /^Traffic / })).toHaveAccessibleDescription(/^Traffic: req\/s now \S+ req\/s, peak \S+ req\/s; no threshold\.$/);
  await expect(page.getByRole("figure", { name: /^Saturation / })).toHaveAccessibleDescription(/^Saturation: CPU now [<\d. ]+%, peak [<\d. ]+%; mem now/);
  // Pointing at a chart reads out the values at that moment.
  const box = (await latency.locator("canvas").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  await expect(latency.getByRole("status")).toContainText(/p99 : [\d.,]+ (ms|s)/);
  await page.mouse.move(0, 0);
  await expect(latency.getByRole("status")).toHaveCount(0);
});

test("the time range lives in the URL so a link can be pasted into the call", async ({ page }) => {
  await page.goto(srv.url + "/services/payments?range=6h");
  await expect(page.getByRole("link", { name: "6h" }).or(page.getByRole("button", { name: "6h" })).first()).toHaveAttribute("aria-current", /true|page/);
  await page.getByRole("link", { name: "1h" }).or(page.getByRole("button", { name: "1h" })).first().click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByRole("figure", { name: /^Errors / }).locator("canvas")).not.toHaveAttribute("data-points", "0");
  await expect(page.getByRole("figure", { name: /^Errors / })).toHaveAccessibleDescription(/^Errors: err % now [<\d. ]+%, peak [<\d. ]+%/);
});

test("an unknown service says so", async ({ page }) => {
  await page.goto(srv.url + "/services/no-such-service");
  await expect(page.getByRole("heading", { name: /no service/i })).toBeVisible();
});
