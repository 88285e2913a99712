import { expect, test } from "@playwright/test";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoConfig } from "../lib/config/demo";
import { warRoomForFile } from "./server";

/**
 * A mixed deployment (README "Sources: one per service"): checkout push-fed and never pushed,
 * search on a Prometheus that answers and then goes away, the rest simulated. The board shows no
 * data for checkout, search's tile turns stale when its Prometheus goes (and says which source
 * is down) while the simulated ones stay live, and drills are offered only on simulated services.
 */
const dir = mkdtempSync(join(tmpdir(), "war-room-e2e-sources-"));
const configFile = join(dir, "config.yaml");
// A Prometheus that knows one service: every query answers 5 for search.
const prometheus = http.createServer((req, res) => {
  req.resume();
  const now = Date.now() / 1000;
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: { service: "search" }, value: [now, "5"] }] } }));
});
test.beforeAll(async () => {
  await new Promise<void>((r) => prometheus.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
  const services = demoConfig.services.map((s) => (s.id === "checkout" ? { ...s, source: "push" } : s.id === "search" ? { ...s, source: "prometheus" } : s));
  writeFileSync(configFile, JSON.stringify({ ...demoConfig, prometheus: { url, timeoutMs: 300, retries: 0 }, services }));
});
test.afterAll(async () => {
  prometheus.closeAllConnections();
  await new Promise((r) => prometheus.close(r));
  rmSync(dir, { recursive: true, force: true });
});
const srv = warRoomForFile(() => ({ WAR_ROOM_CONFIG: configFile }));

test("a dead Prometheus makes only its own service stale; push-fed shows no data; drills only target simulated services", async ({ page }) => {
  await page.goto(srv.url + "/");
  await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
  const search = page.getByRole("article", { name: "Search" });
  await expect(search.getByTestId("tile-rps")).toHaveText(/5/);
  await expect(search).not.toContainText(/STALE|NO DATA/);

  prometheus.closeAllConnections();
  await new Promise((r) => prometheus.close(r));
  await expect(page.getByText(/Metric source prometheus is down/)).toBeVisible({ timeout: 15_000 });
  for (const width of [1280, 1920, 3840]) {
    await page.setViewportSize({ width, height: width >= 3840 ? 2160 : 1000 });
    await expect(search).toContainText("STALE");
    await expect(page.getByRole("article", { name: "Checkout" })).toContainText("NO DATA");
    const auth = page.getByRole("article", { name: "Auth" });
    await expect(auth).not.toContainText(/STALE|NO DATA/);
    await expect(auth.getByTestId("tile-rps")).toHaveText(/\d/);
    const targets = await page.getByLabel("Target").locator("option").allTextContents();
    expect(targets).toContain("Auth");
    expect(targets).not.toContain("Checkout");
    expect(targets).not.toContain("Search");
    await page.screenshot({ path: `/tmp/wave/shots/wave-14a-mixed-${width}.png`, fullPage: width < 3840 });
  }
});
