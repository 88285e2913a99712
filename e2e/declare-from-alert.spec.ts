import { expect, test } from "@playwright/test";
import { join } from "node:path";
import { person, warRoomForFile } from "./server";

const SHOTS = process.env.WAR_ROOM_SCREENSHOTS;
const srv = warRoomForFile();

test("Declare on a firing alert pre-fills the impact start and the drill flag, and the incident starts then", async ({ browser }) => {
  const startsAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 180_000);
  for (const width of [1366, 1920]) {
    const page = await person(browser, "Ada", { viewport: { width, height: 1000 } });
    if (width === 1366) {
      // A game-day alert from Alertmanager, firing for three minutes already.
      const res = await page.request.post(srv.url + "/api/v1/integrations/alertmanager", {
        data: {
          version: "4",
          groupKey: "e2e",
          status: "firing",
          alerts: [{ status: "firing", labels: { alertname: "CheckoutErrors", service: "checkout", severity: "critical", drill: "true" }, annotations: { summary: "Checkout is failing" }, startsAt: startsAt.toISOString(), endsAt: "0001-01-01T00:00:00Z" }],
        },
      });
      expect(res.status()).toBe(200);
    }
    await page.goto(srv.url + "/");
    const alert = page.getByRole("region", { name: "Firing alerts" }).getByRole("listitem").filter({ hasText: "CheckoutErrors" });
    await alert.getByRole("button", { name: /Declare from alert/ }).click();
    const dialog = page.getByRole("dialog", { name: "Declare incident" });
    const start = dialog.getByRole("textbox", { name: /Impact started at/ });
    await expect(start).toHaveValue(startsAt.toISOString().slice(0, 19).replace("T", " "));
    await expect(dialog.getByRole("checkbox", { name: /Drill/ })).toBeChecked();
    await expect(dialog).toContainText('the label drill="true"');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `declare-from-alert-${width}.png`) });
    if (width === 1920) {
      await page.keyboard.press("Escape");
      break;
    }
    await dialog.getByRole("radio", { name: /SEV2/ }).check();
    await dialog.getByRole("button", { name: "Declare", exact: true }).click();
    await expect(page).toHaveURL(/\/incidents\/[^/]+$/);
    const id = page.url().split("/").pop()!;
    const detail = (await (await page.request.get(`${srv.url}/api/v1/incidents/${id}`)).json()) as {
      incident: { startedAt: number; drill: boolean };
      timeline: { kind: string }[];
      metrics: { mttdMs: number };
    };
    expect(detail.incident).toMatchObject({ startedAt: startsAt.getTime(), drill: true });
    expect(detail.timeline.map((e) => e.kind)).toContain("alert-fired");
    await page.context().close();
  }
});
