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
  // Charts draw lines (recharts renders one path per series).
  await expect(page.locator(".recharts-line-curve").first()).toBeVisible();
});

test("the time range lives in the URL so a link can be pasted into the call", async ({ page }) => {
  await page.goto(srv.url + "/services/payments?range=6h");
  await expect(page.getByRole("link", { name: "6h" }).or(page.getByRole("button", { name: "6h" })).first()).toHaveAttribute("aria-current", /true|page/);
  await page.getByRole("link", { name: "1h" }).or(page.getByRole("button", { name: "1h" })).first().click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.locator(".recharts-line-curve").first()).toBeVisible();
});

test("an unknown service says so", async ({ page }) => {
  await page.goto(srv.url + "/services/no-such-service");
  await expect(page.getByRole("heading", { name: /no service/i })).toBeVisible();
});
