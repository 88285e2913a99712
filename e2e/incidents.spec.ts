import { expect, test, type WebSocketRoute } from "@playwright/test";
import { person, warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

let incidentUrl = "";

test("an incident is declared from the board with severity and services", async ({ browser }) => {
  const ada = await person(browser, "Ada");
  await ada.goto(srv.url + "/");
  await expect(ada.getByTestId("since-last-incident")).toHaveText(/no incidents recorded/);
  await ada.getByRole("button", { name: "Declare incident" }).first().click();
  const dialog = ada.getByRole("dialog");
  await dialog.getByLabel("Title").fill("Checkout errors after deploy");
  await dialog.getByRole("radio", { name: /SEV2/ }).check();
  await dialog.getByRole("checkbox", { name: "Checkout" }).check();
  await dialog.getByRole("button", { name: "Declare", exact: true }).click();
  await expect(ada).toHaveURL(/\/incidents\/[^/]+$/);
  incidentUrl = ada.url();
  await expect(ada.getByRole("heading", { name: /Checkout errors after deploy/ })).toBeVisible();
  await expect(ada.getByRole("region", { name: "Timeline" })).toContainText(/declared/i);
  // The affected service's signals stream here too, each chart with its text alternative.
  const signals = ada.getByRole("region", { name: "Signals of affected services" });
  await expect(signals.getByRole("figure", { name: /^Latency / })).toHaveAccessibleDescription(/^Latency: p99 now [\d.]+ m?s, peak [\d.]+ m?s; p95 now/);
  await expect(signals.getByRole("figure", { name: /^Errors / }).locator("canvas")).not.toHaveAttribute("data-points", "0");
  await ada.context().close();
});

test("an entry typed by the scribe appears for another viewer within a second, and nothing in it runs", async ({ browser }) => {
  const ada = await person(browser, "Ada");
  const bob = await person(browser, "Bob");
  await ada.goto(incidentUrl);
  await bob.goto(incidentUrl);
  await expect(bob.getByRole("list", { name: "Viewers" })).toContainText("Ada");
  await expect(ada.getByRole("list", { name: "Viewers" })).toContainText("Bob");

  const box = ada.getByLabel("Add to timeline");
  await box.fill("/decision Roll back deploy 42");
  await box.press("Enter");
  const timelineB = bob.getByRole("region", { name: "Timeline" });
  await expect(timelineB.getByRole("article").filter({ hasText: "Roll back deploy 42" })).toBeVisible({ timeout: 1_000 });
  await expect(timelineB.getByRole("article").filter({ hasText: "Roll back deploy 42" })).toContainText(/decision/i);

  const attack = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">`;
  await box.fill(attack);
  await box.press("Enter");
  await expect(timelineB.getByText("<script>window.__xss = 1</script>", { exact: false })).toBeVisible({ timeout: 2_000 });
  expect(await bob.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await ada.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  // A status change made by one viewer shows for the other.
  await ada.getByRole("button", { name: "Identified", exact: true }).click();
  await expect(timelineB).toContainText(/identified/i, { timeout: 2_000 });
  await ada.context().close();
  await bob.context().close();
});

test("a viewer whose connection drops misses nothing written meanwhile, without reloading", async ({ browser, request }) => {
  const bob = await person(browser, "Bob");
  // Bob's WebSocket goes through the test, which can cut it and refuse reconnects for a while.
  let blocked = false;
  const sockets: WebSocketRoute[] = [];
  await bob.routeWebSocket(/\/ws$/, (ws) => {
    if (blocked) return void ws.close({ code: 4000, reason: "test outage" });
    ws.connectToServer();
    sockets.push(ws);
  });
  await bob.goto(incidentUrl);
  const connection = bob.getByRole("status", { name: "Connection" });
  await expect(connection).toContainText("LIVE");
  await bob.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  blocked = true;
  for (const ws of sockets) await ws.close({ code: 4000, reason: "test outage" });
  await expect(connection).toContainText(/RECONNECTING|OFFLINE/);
  const id = incidentUrl.split("/").pop()!;
  const missed = ["Missed one: paged payments on-call", "Missed two: failover started", "Missed three: error rate falling"];
  for (const body of missed) {
    const r = await request.post(`${srv.url}/api/v1/incidents/${id}/timeline`, { data: { kind: "note", body }, headers: { "x-war-room-user": "Ada" } });
    expect(r.status()).toBe(201);
  }

  blocked = false;
  await expect(connection).toContainText("LIVE", { timeout: 20_000 });
  const timeline = bob.getByRole("region", { name: "Timeline" });
  for (const body of missed) await expect(timeline.getByRole("article").filter({ hasText: body })).toHaveCount(1);
  expect(await bob.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await bob.context().close();
});

test("the incident list and the board show the incident", async ({ browser }) => {
  const bob = await person(browser, "Bob");
  await bob.goto(srv.url + "/incidents");
  await expect(bob.getByText("Checkout errors after deploy")).toBeVisible();
  await bob.goto(srv.url + "/");
  await expect(bob.getByRole("region", { name: "Active incidents" })).toContainText("Checkout errors after deploy");
  await expect(bob.getByTestId("since-last-incident")).toHaveText(/since the last incident/);
  await bob.context().close();
});
