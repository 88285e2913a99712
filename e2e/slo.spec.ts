import { expect, test } from "@playwright/test";
import { warRoomForFile } from "./server";

const srv = warRoomForFile();

test("the SLO page shows a budget gauge per SLO with a real number", async ({ page }) => {
  await page.goto(srv.url + "/slos");
  const card = page.getByRole("article", { name: "SLO Checkout availability" });
  const gauge = card.getByRole("meter", { name: "Error budget remaining" });
  await expect(gauge).toBeVisible();
  await expect(gauge).toHaveAttribute("aria-valuenow", /^-?\d+(\.\d+)?$/);
  const remaining = Number(await gauge.getAttribute("aria-valuenow"));
  expect(remaining).toBeLessThanOrEqual(100);
  await expect(page.getByRole("meter", { name: "Error budget remaining" })).toHaveCount(10);
  await expect(card.getByRole("table")).toContainText("5m");
});

test("during an error drill an alert for the service appears on the board", async ({ page, request }) => {
  await page.goto(srv.url + "/");
  const alerts = page.getByRole("region", { name: "Firing alerts" });
  await expect(alerts).toBeVisible();
  await expect(alerts).not.toContainText(/checkout/i);
  const r = await request.post(srv.url + "/api/v1/drills", { data: { kind: "errors", target: "checkout", durationSeconds: 300, magnitude: 30 } });
  expect(r.status()).toBe(201);
  await expect(alerts).toContainText(/checkout/i, { timeout: 30_000 });
});
