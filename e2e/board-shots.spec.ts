import { expect, test } from "@playwright/test";
import { warRoomForFile } from "./server";

// The demo's 8 services at the three widths the board is used at (laptop, desk, wall); no assertion beyond "live".
const srv = warRoomForFile();

for (const width of [1280, 1920, 3840]) {
  test(`the 8-service board at ${width} px`, async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width, height: 1200 } });
    const page = await ctx.newPage();
    await page.goto(srv.url + "/");
    await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
    await expect(page.getByRole("article")).toHaveCount(8);
    await page.screenshot({ path: `/tmp/wave/shots/s2-board-8-${width}.png` });
    await page.goto(srv.url + "/?density=compact&group=state");
    await expect(page.getByRole("article")).toHaveCount(8);
    await page.screenshot({ path: `/tmp/wave/shots/s2-board-8-compact-${width}.png` });
    await ctx.close();
  });
}
