import { expect, test } from "@playwright/test";
import { person, warRoomForFile } from "./server";

// The shipped sample plans (./gamedays); the short one injects errors into search 10 s in.
const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

test("start a short sample plan, watch the probe panel change, abort with the keyboard, draft the report", async ({ browser }) => {
  test.setTimeout(120_000);
  const ada = await person(browser, "Ada");
  const grace = await person(browser, "Grace");
  await ada.goto(`${srv.url}/gamedays`);
  await expect(ada.getByRole("link", { name: "Catalog database failover" })).toBeVisible();
  await ada.getByRole("button", { name: "Start Search error spike (short)" }).click();
  await ada.waitForURL(/\/gamedays\/search-errors-quick\/runs\//);
  await expect(ada.getByTestId("run-verdict")).toHaveText("Awaited");

  // On the board: the running game day with its live probes.
  await grace.goto(srv.url);
  const strip = grace.getByRole("region", { name: "Game days running" });
  await expect(strip.getByRole("link", { name: "Search error spike (short)" })).toBeVisible();
  await expect(strip.getByText(/^search\.errorPct < 1 = \d/)).toBeVisible({ timeout: 15_000 });
  // A second viewer of the same run sees the same live probes.
  await grace.goto(ada.url());
  const probe = (page: typeof ada) => page.getByRole("region", { name: "Probes" }).locator('tr[data-probe="search.errorPct < 1"]');
  await expect(probe(ada)).toContainText("inside", { timeout: 15_000 });
  // The drill starts at +10 s and ramps in: the steady state breaks for every viewer.
  await expect(probe(ada)).toContainText("broken", { timeout: 30_000 });
  await expect(probe(grace)).toContainText("broken", { timeout: 10_000 });
  const steps = ada.getByRole("region", { name: "Steps" });
  await expect(steps.locator('[data-step="2"]')).toContainText("active");

  // Abort with the keyboard: `a`, then Enter on the focused confirmation.
  await ada.locator("body").press("a");
  await expect(ada.getByRole("alertdialog", { name: "Abort the game day" })).toBeVisible();
  await ada.keyboard.press("Enter");
  await expect(ada.getByTestId("run-verdict")).toHaveText("Stopped");
  await expect(grace.getByTestId("run-verdict")).toHaveText("Stopped");
  await expect(ada.getByText(/Stopped: aborted by Ada/)).toBeVisible();
  await expect(steps.locator('[data-step="2"]')).toContainText("stopped with the run");
  // Every drill of the run stopped.
  const drills = (await (await ada.request.get(`${srv.url}/api/v1/drills`)).json()) as { drills: { target: string; active: boolean }[] };
  expect(drills.drills.filter((d) => d.target === "search" && d.active)).toEqual([]);

  await ada.getByRole("button", { name: "Draft report" }).click();
  const report = ada.getByRole("region", { name: "Report" });
  for (const h of ["Objective", "Hypothesis", "Timeline", "Measurements", "Result", "Findings", "Action items"]) await expect(report.getByRole("heading", { name: h, exact: true })).toBeVisible();
  await expect(report.getByText("STOPPED", { exact: true })).toBeVisible();
  const md = await (await ada.request.get(`${srv.url}${await report.getByRole("link", { name: "Export Markdown" }).getAttribute("href")}`)).text();
  expect(md).toContain("## Result");

  // The plan page lists the run with its verdict.
  await ada.getByRole("link", { name: "Search error spike (short)" }).click();
  await expect(ada.getByRole("region", { name: "Runs" }).getByText("Stopped")).toBeVisible();
});
