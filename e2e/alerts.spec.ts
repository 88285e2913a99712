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

test("a checkout latency alert opens the checkout runbook, and its value moves with every evaluation", async ({ browser }) => {
  const page = await person(browser, "Ada");
  const drill = await page.request.post(srv.url + "/api/v1/drills", { data: { kind: "latency", target: "checkout", durationSeconds: 300, magnitude: 10 } });
  expect(drill.status()).toBe(201);
  await page.goto(srv.url + "/");
  const group = page.getByRole("region", { name: "Firing alerts" }).getByTestId("alert-group").filter({ hasText: "HighLatencyP99" }).filter({ hasText: "checkout" });
  await expect(group).toBeVisible({ timeout: 20_000 });
  // The rule's runbook_url names the generic runbook; the checkout one ranks first (lib/runbooks/rank.ts).
  await expect(group.getByRole("link", { name: "Runbook" })).toHaveAttribute("href", "/runbooks/checkout/high-latency");
  const value = group.getByTestId("alert-value");
  const first = await value.textContent();
  await expect.poll(() => value.textContent(), { timeout: 15_000 }).not.toBe(first);
  await page.context().close();
});

test("resolving a SEV1 while its alert fires asks first; Resolve anyway resolves it", async ({ browser }, testInfo) => {
  const page = await person(browser, "Ada");
  const res = await page.request.post(srv.url + "/api/v1/incidents", { data: { title: "Search down", severity: "SEV1", services: ["search"] }, headers: { "X-War-Room-User": "Ada" } });
  expect(res.status()).toBe(201);
  const { incident } = (await res.json()) as { incident: { id: string } };
  // SearchSlow (first test) still fires on search.
  await page.goto(`${srv.url}/incidents/${incident.id}`);
  const status = page.getByRole("group", { name: "Change status" });
  await status.getByRole("button", { name: "Resolved" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Alerts are still firing");
  await expect(dialog.getByRole("listitem")).toContainText(["SearchSlow on search"]);
  await dialog.screenshot({ path: testInfo.outputPath("resolve-confirm.png") });
  await dialog.getByRole("button", { name: "Keep it open" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("region", { name: "Incident" })).toContainText("Investigating");
  await status.getByRole("button", { name: "Resolved" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Resolve anyway" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(status.getByText("Reopen as")).toBeVisible();
  await page.context().close();
});

test("the incident page lists the firing alert's runbook first", async ({ browser }, testInfo) => {
  const page = await person(browser, "Ada");
  const fired = await page.request.post(srv.url + "/api/v1/integrations/alertmanager", {
    data: {
      version: "4",
      groupKey: "e2e-runbook",
      status: "firing",
      alerts: [
        {
          status: "firing",
          labels: { alertname: "HighErrorRate", service: "checkout", severity: "critical" },
          annotations: { summary: "Checkout failing", runbook_url: "/runbooks/high-error-rate" },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
        },
      ],
    },
  });
  expect(fired.status()).toBe(200);
  const res = await page.request.post(srv.url + "/api/v1/incidents", { data: { title: "Checkout failing", severity: "SEV2", services: ["checkout"] }, headers: { "X-War-Room-User": "Ada" } });
  const { incident } = (await res.json()) as { incident: { id: string } };
  await page.goto(`${srv.url}/incidents/${incident.id}`);
  const runbooks = page.getByRole("region", { name: "Runbooks" }).getByRole("listitem");
  // By title "Checkout slow" would come first; the firing alert's best runbook for checkout leads
  // (the silenced CheckoutErrors of the first test does not count).
  await expect(runbooks.first()).toContainText("firing: HighErrorRate");
  await expect(runbooks.first().getByRole("link", { name: /^Read / })).toHaveAttribute("href", "/runbooks/checkout/payment-provider-degraded");
  await page.getByRole("region", { name: "Runbooks" }).screenshot({ path: testInfo.outputPath("incident-runbooks.png") });
  await page.context().close();
});
