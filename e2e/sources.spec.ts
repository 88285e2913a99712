import { expect, test } from "@playwright/test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoConfig } from "../lib/config/demo";
import { freePort, warRoomForFile } from "./server";

/**
 * A mixed deployment (README "Sources: one per service"): checkout push-fed and never pushed,
 * search on a Prometheus nobody runs, the rest simulated. The board shows no data for the two,
 * says which source is down, keeps the simulated ones live, and offers drills only on those.
 */
const dir = mkdtempSync(join(tmpdir(), "war-room-e2e-sources-"));
const configFile = join(dir, "config.yaml");
test.beforeAll(async () => {
  const dead = await freePort();
  const services = demoConfig.services.map((s) => (s.id === "checkout" ? { ...s, source: "push" } : s.id === "search" ? { ...s, source: "prometheus" } : s));
  writeFileSync(configFile, JSON.stringify({ ...demoConfig, prometheus: { url: `http://127.0.0.1:${dead}`, timeoutMs: 300, retries: 0 }, services }));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
const srv = warRoomForFile(() => ({ WAR_ROOM_CONFIG: configFile }));

test("push-fed and Prometheus-fed services show no data while the simulator keeps going; drills only target simulated services", async ({ page }) => {
  for (const width of [1280, 1920, 3840]) {
    await page.setViewportSize({ width, height: width >= 3840 ? 2160 : 1000 });
    await page.goto(srv.url + "/");
    await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
    await expect(page.getByRole("article", { name: "Checkout" })).toContainText("NO DATA");
    await expect(page.getByRole("article", { name: "Search" })).toContainText("NO DATA");
    await expect(page.getByRole("article", { name: "Auth" })).not.toContainText("NO DATA");
    await expect(page.getByRole("article", { name: "Auth" }).getByTestId("tile-rps")).toHaveText(/\d/);
    await expect(page.getByText(/Metric source prometheus is down/)).toBeVisible({ timeout: 15_000 });
    const targets = await page.getByLabel("Target").locator("option").allTextContents();
    expect(targets).toContain("Auth");
    expect(targets).not.toContain("Checkout");
    expect(targets).not.toContain("Search");
    await page.screenshot({ path: `/tmp/wave/shots/wave-14a-mixed-${width}.png`, fullPage: width < 3840 });
  }
});
