import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type Route } from "@playwright/test";
import { person, warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

/** Where to leave screenshots for a person to look at (unset: none are taken). */
const SHOTS = process.env.WAR_ROOM_SCREENSHOTS;

type Incident = { id: string; number: number; version: number; status: string };

async function declare(request: APIRequestContext, title: string): Promise<Incident> {
  const r = await request.post(`${srv.url}/api/v1/incidents`, {
    data: { title, severity: "SEV2", services: ["checkout"], drill: true },
    headers: { "x-war-room-user": "Ada" },
  });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { incident: Incident }).incident;
}

test("a postmortem cannot be drafted from the full template before the incident is resolved", async ({ browser, request }) => {
  const incident = await declare(request, "Still burning");
  const ada = await person(browser, "Ada");
  await ada.goto(`${srv.url}/incidents/${incident.id}`);
  await ada.getByRole("link", { name: "Postmortem", exact: true }).click();
  await expect(ada.getByRole("radio", { name: /Blameless postmortem/ })).toBeChecked();
  await ada.getByRole("button", { name: "Create draft" }).click();
  const problem = ada.getByRole("alert").filter({ hasText: "first" });
  await expect(problem).toContainText(`Resolve INC-${incident.number} first`);
  await expect(problem).toContainText("resolve the incident first");
  await expect(problem).toContainText("{{times.resolved}}");
  if (SHOTS) await ada.screenshot({ path: join(SHOTS, "postmortem-create.png") });
  await ada.context().close();
});

test("a resolved drill incident gets a postmortem: drafted with impact, autosaved, conflict shown, published, downloaded", async ({ browser, request }) => {
  const drill = await request.post(`${srv.url}/api/v1/drills`, { data: { kind: "errors", target: "checkout", durationSeconds: 60 } });
  expect(drill.status()).toBe(201);
  let incident = await declare(request, "Checkout errors drill");
  // Resolve once the drill shows in checkout's signals, so the incident window has failed requests.
  await expect
    .poll(async () => ((await (await request.get(`${srv.url}/api/v1/services/checkout`)).json()) as { latest: { errorPct: number } | null }).latest?.errorPct ?? 0, {
      timeout: 30_000,
    })
    .toBeGreaterThan(1);
  const resolved = await request.patch(`${srv.url}/api/v1/incidents/${incident.id}`, {
    data: { version: incident.version, status: "resolved" },
    headers: { "x-war-room-user": "Ada" },
  });
  expect(resolved.status()).toBe(200);
  incident = ((await resolved.json()) as { incident: Incident }).incident;

  // Ada drafts it from the incident page.
  const ada = await person(browser, "Ada");
  await ada.goto(`${srv.url}/incidents/${incident.id}`);
  await ada.getByRole("link", { name: "Write postmortem" }).click();
  await expect(ada).toHaveURL(new RegExp(`/incidents/${incident.id}/postmortem$`));
  await expect(ada.getByRole("radio", { name: /Blameless postmortem/ })).toBeChecked();
  await expect(ada.getByRole("radio", { name: "Pinned entries only" })).toBeChecked();
  await ada.getByRole("button", { name: "Create draft" }).click();

  const preview = ada.getByRole("article", { name: "Preview" });
  await expect(preview.getByRole("heading", { name: "Impact", exact: true })).toBeVisible();
  await expect(preview).toContainText(/served [\d,.]+ requests, of which an estimated [\d,]+ failed/);
  await expect(ada.getByRole("region", { name: "Measured impact" }).getByText("Failed requests").locator("xpath=following-sibling::dd")).toHaveText(/^[\d.]+[kM]?$/);
  const saveState = ada.getByRole("status", { name: "Save state" });
  await expect(saveState).toContainText("version 1");

  // Typing autosaves; the text survives a reload.
  const sentence = "The retry storm doubled the load on the payment gateway.";
  const editor = ada.getByRole("textbox", { name: "Postmortem Markdown" });
  await editor.click();
  await ada.keyboard.press("Control+End");
  await ada.keyboard.type(`\n\n${sentence}`);
  await expect(saveState).toContainText("Unsaved changes");
  await expect(saveState).toContainText(/Saved \d\d:\d\d:\d\d UTC · version 2/);
  await expect(preview).toContainText(sentence);
  if (SHOTS) await ada.screenshot({ path: join(SHOTS, "postmortem-editor.png") });
  await ada.reload();
  await expect(ada.getByRole("textbox", { name: "Postmortem Markdown" })).toHaveValue(new RegExp(sentence));

  // Bob opens the same editor at version 2 with no live connection, so he never hears of Ada's next save.
  const bob = await person(browser, "Bob");
  await bob.routeWebSocket(/\/ws$/, (ws) => void ws.close({ code: 4000, reason: "test: offline" }));
  await bob.goto(`${srv.url}/incidents/${incident.id}/postmortem`);
  const bobEditor = bob.getByRole("textbox", { name: "Postmortem Markdown" });
  await expect(bobEditor).toHaveValue(new RegExp(sentence));

  const adaLine = "Ada: the gateway's connection pool was the bottleneck.";
  await ada.getByRole("textbox", { name: "Postmortem Markdown" }).click();
  await ada.keyboard.press("Control+End");
  await ada.keyboard.type(`\n\n${adaLine}`);
  await expect(saveState).toContainText("version 3");

  const bobLine = "Bob: we should cap retries at three.";
  await bobEditor.click();
  await bob.keyboard.press("Control+End");
  await bob.keyboard.type(`\n\n${bobLine}`);
  const conflict = bob.getByRole("alert").filter({ hasText: "Ada saved version 3 while you were editing" });
  await expect(conflict).toBeVisible();
  const both = conflict.getByRole("table", { name: "Both versions" });
  await expect(both).toContainText(adaLine);
  await expect(both).toContainText(bobLine);
  await expect(bob.getByRole("status", { name: "Save state" })).toContainText("someone else saved first");
  if (SHOTS) await bob.screenshot({ path: join(SHOTS, "postmortem-conflict.png") });

  // Bob keeps his text; Ada, who has no unsaved edits, sees his version arrive live.
  await conflict.getByRole("button", { name: "Keep mine (save over theirs)" }).click();
  await expect(bob.getByRole("status", { name: "Save state" })).toContainText("version 4");
  await expect(ada.getByRole("textbox", { name: "Postmortem Markdown" })).toHaveValue(new RegExp(bobLine));
  await expect(saveState).toContainText("by Bob · version 4");
  await bob.context().close();

  // While Ada's save is on its way, Grace saves: Ada is told at once, then sees both and takes Grace's.
  const held: Route[] = [];
  await ada.route(/\/postmortem$/, (route) => (route.request().method() === "PATCH" ? void held.push(route) : route.continue()));
  await ada.getByRole("textbox", { name: "Postmortem Markdown" }).click();
  await ada.keyboard.press("Control+End");
  await ada.keyboard.type("\n\nAda: a line that loses.");
  await expect(saveState).toContainText("Saving…");
  const v4 = ((await (await request.get(`${srv.url}/api/v1/incidents/${incident.id}/postmortem`)).json()) as { postmortem: { body: string } }).postmortem;
  const graceLine = "Grace: add an alert on the gateway's pool saturation.";
  const grace = await request.patch(`${srv.url}/api/v1/incidents/${incident.id}/postmortem`, {
    data: { version: 4, body: `${v4.body}\n\n${graceLine}` },
    headers: { "x-war-room-user": "Grace" },
  });
  expect(grace.status()).toBe(200);
  await expect(ada.getByRole("status").filter({ hasText: "Grace saved version 5" })).toContainText("Your next save will not overwrite it");
  await held[0].continue();
  await ada.unroute(/\/postmortem$/);
  const adaConflict = ada.getByRole("alert").filter({ hasText: "Grace saved version 5 while you were editing" });
  await expect(adaConflict.getByRole("table", { name: "Both versions" })).toContainText("Ada: a line that loses.");
  await adaConflict.getByRole("button", { name: "Take theirs" }).click();
  await expect(ada.getByRole("textbox", { name: "Postmortem Markdown" })).toHaveValue(new RegExp(graceLine));
  await expect(ada.getByRole("textbox", { name: "Postmortem Markdown" })).not.toHaveValue(/a line that loses/);
  await expect(saveState).toContainText("by Grace · version 5");

  // Review and publish, which closes the incident.
  await ada.getByRole("button", { name: "Submit for review" }).click();
  await expect(ada.getByRole("list", { name: "Review state" }).locator('[aria-current="step"]')).toHaveText("In review");
  await ada.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = ada.getByRole("dialog", { name: "Publish this postmortem?" });
  await expect(dialog).toContainText(`closes INC-${incident.number}`);
  await dialog.getByRole("button", { name: "Publish and close incident" }).click();
  // The template's prompts are still in most sections: the server refuses and the editor names them.
  const unwritten = ada.getByRole("dialog", { name: /sections are not written yet/ });
  await expect(unwritten.getByRole("list", { name: "Sections with prompt text" })).toContainText("Root Cause");
  await expect(unwritten.getByRole("list", { name: "Sections with prompt text" })).toContainText("Lessons Learned › What went well");
  await expect(ada.getByRole("list", { name: "Review state" }).locator('[aria-current="step"]')).toHaveText("In review");
  await unwritten.getByRole("button", { name: "Publish anyway" }).click();
  await expect(ada.getByRole("status", { name: "Published" })).toContainText(/Published \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by Ada/);
  await expect(ada.getByRole("textbox", { name: "Postmortem Markdown" })).toHaveCount(0);
  await expect(ada.locator("main header")).toContainText("Closed");
  if (SHOTS) await ada.screenshot({ path: join(SHOTS, "postmortem-published.png") });

  // The download is the stored Markdown, with what was typed.
  const [download] = await Promise.all([ada.waitForEvent("download"), ada.getByRole("link", { name: "Download .md" }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^INC-${incident.number}-checkout-errors-drill-postmortem\\.md$`));
  const markdown = readFileSync(await download.path(), "utf8");
  expect(markdown).toContain(sentence);
  expect(markdown).toContain(bobLine);
  expect(markdown).toContain(graceLine);
  expect(markdown).toContain("## Impact");

  // Printing shows only the postmortem.
  await ada.emulateMedia({ media: "print" });
  await expect(ada.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(ada.getByRole("link", { name: "Download .md" })).toBeHidden();
  await expect(ada.getByRole("article", { name: "Postmortem" })).toBeVisible();
  expect(await ada.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
  // No page per section: the mostly unwritten template prints on fewer pages than it has sections.
  const pdf = (await ada.pdf({ format: "A4" })).toString("latin1");
  const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  const sections = (markdown.match(/^## /gm) ?? []).length;
  expect(pages).toBeGreaterThan(0);
  expect(pages).toBeLessThan(sections);
  if (SHOTS) {
    await ada.screenshot({ path: join(SHOTS, "postmortem-print.png"), fullPage: true });
    await ada.pdf({ path: join(SHOTS, "postmortem.pdf"), format: "A4" });
  }
  await ada.emulateMedia({ media: "screen" });

  // The incident page shows it closed, with its published postmortem.
  await ada.goto(`${srv.url}/incidents/${incident.id}`);
  await expect(ada.getByRole("region", { name: "Incident" })).toContainText("Closed");
  await expect(ada.getByRole("link", { name: /Postmortem\s*Published/ })).toBeVisible();
  // The incident list leads to a finished incident's postmortem in one click.
  await ada.goto(`${srv.url}/incidents?status=all`);
  await ada.getByRole("link", { name: `Postmortem of INC-${incident.number}` }).click();
  await expect(ada).toHaveURL(new RegExp(`/incidents/${incident.id}/postmortem$`));
  await ada.context().close();
});
