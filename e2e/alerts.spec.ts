import { expect, test } from "@playwright/test";
import { person, warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

/** Three tiers of one rule on checkout (critical → page, warning → urgent, info → ticket), from Alertmanager. */
async function fireThreeTiers(post: (url: string, data: unknown) => Promise<{ status(): number }>) {
  const alert = (severity: string) => ({
    status: "firing",
    labels: { alertname: "CheckoutErrors", service: "checkout", severity },
    annotations: { summary: `Checkout is failing (${severity})` },
    startsAt: new Date(Date.now() - 120_000).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
  });
  const res = await post(srv.url + "/api/v1/integrations/alertmanager", {
    version: "4",
    groupKey: "e2e-alerts",
    status: "firing",
    alerts: [alert("info"), alert("critical"), alert("warning"), { ...alert("critical"), labels: { alertname: "SearchSlow", service: "search", severity: "warning" }, annotations: { summary: "Search is slow" } }],
  });
  expect(res.status()).toBe(200);
}

test("three tiers of one rule are one row with one Declare; Ack shows who; the silence form mutes it", async ({ browser }, testInfo) => {
  const page = await person(browser, "Ada");
  await fireThreeTiers((url, data) => page.request.post(url, { data }));
  await page.goto(srv.url + "/");
  const panel = page.getByRole("region", { name: "Firing alerts" });
  const groups = panel.getByTestId("alert-group");
  await expect(groups).toHaveCount(2);
  const checkout = groups.filter({ hasText: "CheckoutErrors" });
  // The page tier is shown; the other two are folded under it; one Declare for the group.
  await expect(checkout).toHaveAttribute("aria-label", /^PAGE firing CheckoutErrors checkout/);
  await expect(checkout.getByRole("button", { name: /^Declare from alert/ })).toHaveCount(1);
  await expect(panel.getByRole("button", { name: /^Declare from alert/ })).toHaveCount(2);
  await expect(panel.getByTestId("alert-counts")).toHaveText("2 firing");
  await checkout.getByRole("button", { name: "2 lower tiers" }).click();
  const lower = checkout.getByRole("list", { name: /Lower tiers of CheckoutErrors/ });
  await expect(lower.getByRole("listitem")).toHaveCount(2);
  await expect(lower.getByRole("listitem").first()).toContainText("URGENT");

  for (const width of [1366, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await panel.screenshot({ path: testInfo.outputPath(`alerts-panel-${width}.png`) });
  }

  // Acknowledge: who did it replaces the button, for this viewer and another.
  await checkout.getByRole("button", { name: /^Acknowledge CheckoutErrors/ }).click();
  await expect(checkout.getByText(/Acked by\s*Ada/)).toBeVisible();
  const bob = await person(browser, "Bob");
  await bob.goto(srv.url + "/");
  await expect(bob.getByRole("region", { name: "Firing alerts" }).getByTestId("alert-group").filter({ hasText: "CheckoutErrors" }).getByText(/Acked by\s*Ada/)).toBeVisible();

  // Silence: the form starts with the group's rule and service; a reason is required.
  await checkout.getByRole("button", { name: /^Silence CheckoutErrors/ }).click();
  const form = page.getByRole("dialog");
  await expect(form.getByLabel("Matchers (one a line)")).toHaveValue('alertname="CheckoutErrors"\nservice="checkout"');
  await expect(form.getByRole("button", { name: "Silence", exact: true })).toBeDisabled();
  await form.getByLabel("Reason").fill("fix deploying");
  await form.getByLabel("For").selectOption("15");
  await form.screenshot({ path: testInfo.outputPath("silence-form.png") });
  await form.getByRole("button", { name: "Silence", exact: true }).click();
  await expect(form).toBeHidden();
  const muted = groups.filter({ hasText: "CheckoutErrors" });
  await expect(muted.getByText(/Silenced by\s*Ada/)).toBeVisible();
  await expect(muted).toContainText("fix deploying");
  await expect(panel.getByTestId("alert-counts")).toHaveText("1 firing · 1 silenced");
  // Still listed, after the firing one, with no Declare.
  await expect(groups.first()).toContainText("SearchSlow");
  await expect(muted.getByRole("button", { name: /^Declare from alert/ })).toHaveCount(0);
  await expect(bob.getByRole("region", { name: "Firing alerts" }).getByTestId("alert-counts")).toHaveText("1 firing · 1 silenced");
  await page.setViewportSize({ width: 1366, height: 1000 });
  await panel.screenshot({ path: testInfo.outputPath("alerts-panel-silenced-1366.png") });

  const silences = await (await page.request.get(srv.url + "/api/v1/silences")).json();
  expect(silences.silences).toMatchObject([{ createdBy: "Ada", reason: "fix deploying", matchers: [{ name: "alertname", op: "=", value: "CheckoutErrors" }, { name: "service", op: "=", value: "checkout" }] }]);
  await bob.context().close();
  await page.context().close();
});

test("a bad matcher is refused with the server's reason, nothing silenced", async ({ browser }) => {
  const page = await person(browser, "Ada");
  await page.goto(srv.url + "/");
  const search = page.getByRole("region", { name: "Firing alerts" }).getByTestId("alert-group").filter({ hasText: "SearchSlow" });
  await search.getByRole("button", { name: /^Silence SearchSlow/ }).click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Matchers (one a line)").fill("service=~(");
  await form.getByLabel("Reason").fill("typo");
  await form.getByRole("button", { name: "Silence", exact: true }).click();
  await expect(form.getByRole("alert")).toContainText("invalid regular expression");
  await form.getByRole("button", { name: "Cancel" }).click();
  await expect(search.getByText(/Silenced by/)).toHaveCount(0);
  await page.context().close();
});
