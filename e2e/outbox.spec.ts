import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { person, warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

async function declare(request: APIRequestContext, title: string): Promise<string> {
  const r = await request.post(`${srv.url}/api/v1/incidents`, { headers: { "x-war-room-user": "Ada" }, data: { title, severity: "SEV2", services: ["checkout"] } });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { incident: { id: string } }).incident.id;
}

const live = (page: Page) => expect(page.getByRole("status", { name: "Connection" })).toHaveText("LIVE", { timeout: 30_000 });
const timeline = (page: Page) => page.getByRole("region", { name: "Timeline" });
const entries = (page: Page, text: string) => timeline(page).getByRole("article").filter({ hasText: text });
const pending = (page: Page) => page.getByRole("list", { name: "Not sent yet" });

async function write(page: Page, text: string) {
  const box = page.getByLabel("Add to timeline");
  await box.fill(text);
  await box.press("Enter");
  // The box is free again at once: the note is safe in the outbox.
  await expect(box).toHaveValue("");
}

test("a note whose answer is lost waits, survives a reload, and is on the timeline once when the server answers again", async ({ browser, request }) => {
  const id = await declare(request, "Checkout errors after deploy");
  const ada = await person(browser, "Ada");
  await ada.goto(`${srv.url}/incidents/${id}`);
  await live(ada);

  // The worst case for duplicates: every POST reaches the server and is written, but its answer never comes back.
  let delivered = 0;
  await ada.context().route("**/api/v1/incidents/*/timeline", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    await route.fetch();
    delivered++;
    await route.abort("connectionreset");
  });
  await write(ada, "Rolled back deploy 42 while the API was away");
  await expect(pending(ada)).toContainText("pending — will send when the server is back");
  await expect(pending(ada)).toContainText("Rolled back deploy 42 while the API was away");
  await expect(ada.getByRole("alert").filter({ hasText: /cannot be reached/ })).toHaveCount(0);

  await ada.reload();
  await live(ada);
  await expect(pending(ada)).toContainText("Rolled back deploy 42 while the API was away");
  for (const width of [1366, 1920]) {
    await ada.setViewportSize({ width, height: 1000 });
    await timeline(ada).screenshot({ path: test.info().outputPath(`pending-${width}.png`) });
  }
  // Sent again after the reload (and every few seconds): each retry arrived, none was written twice.
  await expect.poll(() => delivered, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

  await ada.context().unroute("**/api/v1/incidents/*/timeline");
  await expect(pending(ada)).toHaveCount(0, { timeout: 15_000 });
  await expect(entries(ada, "Rolled back deploy 42 while the API was away")).toHaveCount(1);

  const detail = (await (await request.get(`${srv.url}/api/v1/incidents/${id}`)).json()) as { timeline: { body: string; author: string }[] };
  expect(detail.timeline.filter((e) => e.body === "Rolled back deploy 42 while the API was away")).toEqual([expect.objectContaining({ author: "Ada" })]);
  await ada.context().close();
});

test("with the server stopped a note is pending, and when it is back the note is written once and no error is left beside LIVE", async ({ browser, request }) => {
  const id = await declare(request, "Payments latency");
  const ada = await person(browser, "Ada");
  await ada.goto(`${srv.url}/incidents/${id}`);
  await live(ada);
  await write(ada, "Before the outage");
  await expect(entries(ada, "Before the outage")).toHaveCount(1);

  await srv.stop("SIGKILL");
  await expect(ada.getByRole("status", { name: "Connection" })).not.toHaveText("LIVE", { timeout: 15_000 });
  await write(ada, "Typed while the server was down");
  await expect(pending(ada)).toContainText("pending — will send when the server is back");
  // A change that cannot be queued says so while the server is away …
  await entries(ada, "Before the outage").getByRole("button", { name: "Pin", exact: true }).click();
  await expect(ada.getByRole("alert").filter({ hasText: "cannot be reached" })).toBeVisible();

  await srv.start();
  await live(ada);
  // … and nothing of the outage is left once it is over.
  await expect(pending(ada)).toHaveCount(0, { timeout: 15_000 });
  await expect(entries(ada, "Typed while the server was down")).toHaveCount(1);
  await expect(ada.getByRole("alert").filter({ hasText: "cannot be reached" })).toHaveCount(0);
  await ada.screenshot({ path: test.info().outputPath("after-outage-1600.png"), fullPage: true });
  await ada.context().close();
});

test("an entry's text is edited, every viewer sees it marked edited, and its history shows what it said before", async ({ browser, request }) => {
  const id = await declare(request, "Search slow");
  const ada = await person(browser, "Ada");
  const bob = await person(browser, "Bob");
  await ada.goto(`${srv.url}/incidents/${id}`);
  await bob.goto(`${srv.url}/incidents/${id}`);
  await live(ada);
  await live(bob);
  await write(ada, "DB failver started");
  await expect(entries(bob, "DB failver started")).toHaveCount(1);

  await entries(ada, "DB failver started").getByRole("button", { name: "Edit", exact: true }).click();
  const text = ada.getByLabel("Entry text");
  await text.fill("DB failover started");
  await text.press("Enter");

  const bobs = entries(bob, "DB failover started");
  await expect(bobs).toHaveCount(1, { timeout: 2_000 });
  await expect(entries(bob, "DB failver started")).toHaveCount(0);
  const mark = bobs.getByRole("button", { name: /edited/ });
  await expect(mark).toBeVisible();
  await mark.click();
  const history = bobs.getByRole("region", { name: "Edit history" });
  await expect(history).toContainText("DB failver started");
  await expect(history).toContainText("Ada edited it at");
  await bob.setViewportSize({ width: 1366, height: 900 });
  await bobs.screenshot({ path: test.info().outputPath("edited-history-1366.png") });
  await bob.setViewportSize({ width: 1920, height: 1080 });
  await bobs.screenshot({ path: test.info().outputPath("edited-history-1920.png") });
  await ada.context().close();
  await bob.context().close();
});

test("an action item whose answer is lost waits as pending, survives a reload, and is written once when the server answers", async ({ browser, request }) => {
  const id = await declare(request, "Auth timeouts");
  const ada = await person(browser, "Ada");
  await ada.goto(`${srv.url}/incidents/${id}`);
  await live(ada);
  let delivered = 0;
  await ada.context().route("**/api/v1/incidents/*/action-items", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    await route.fetch();
    delivered++;
    await route.abort("connectionreset");
  });
  const title = ada.getByLabel("Action item title");
  await title.fill("Add a canary for auth");
  await ada.getByRole("button", { name: "Add", exact: true }).click();
  const waiting = ada.getByRole("list", { name: "Action items not sent yet" });
  await expect(waiting).toContainText("Add a canary for auth");
  await expect(waiting).toContainText("pending — will send when the server is back");
  await expect(title).toHaveValue("");

  await ada.reload();
  await live(ada);
  await expect(waiting).toContainText("Add a canary for auth");
  await expect.poll(() => delivered, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

  await ada.context().unroute("**/api/v1/incidents/*/action-items");
  await expect(waiting).toHaveCount(0, { timeout: 15_000 });
  await expect(ada.getByRole("region", { name: "Action items" }).getByText("Add a canary for auth", { exact: true })).toHaveCount(1);
  const detail = (await (await request.get(`${srv.url}/api/v1/incidents/${id}`)).json()) as { actionItems: { title: string }[] };
  expect(detail.actionItems.map((a) => a.title)).toEqual(["Add a canary for auth"]);
  await ada.context().close();
});
