import { expect, test, type Page } from "@playwright/test";
import { oidcWarRoomForFile, signedIn } from "./oidc";

const room = oidcWarRoomForFile();
test.describe.configure({ mode: "serial" });

const VIEWER_REASON = "Viewers can't write — ask an admin for the responder role";
const connection = (page: Page) => page.getByRole("status", { name: "Connection" });

test("a signed-out visitor is offered sign-in and no display-name prompt", async ({ page }) => {
  await page.goto(room.current.url + "/");
  const signIn = page.getByRole("link", { name: "Sign in" });
  await expect(signIn).toBeVisible();
  await expect(signIn).toHaveAttribute("href", "/auth/login?returnTo=%2F");
  await expect(page.getByRole("button", { name: /Set your name|change name/ })).toHaveCount(0);
});

test("a viewer and a responder sign in, see the board live, and only the responder can write", async ({ browser }) => {
  const { url } = room.current;
  const vera = await signedIn(browser, room.current, "vera");
  const rhea = await signedIn(browser, room.current, "rhea");

  // Who is signed in, with the role, in the top bar; admins-only links stay away from them.
  const veraUser = vera.getByRole("group", { name: "Signed in user" });
  await expect(veraUser).toContainText("Vera Viewer");
  await expect(veraUser).toContainText("viewer");
  await expect(rhea.getByRole("group", { name: "Signed in user" })).toContainText("responder");
  for (const p of [vera, rhea]) {
    await expect(p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tokens" })).toHaveCount(0);
    await expect(connection(p)).toContainText("LIVE");
    await expect(p.getByRole("article", { name: "Checkout" })).toBeVisible();
  }

  // The viewer's declare button is there but disabled, saying why.
  const veraDeclare = vera.getByRole("button", { name: "Declare incident" }).first();
  await expect(veraDeclare).toBeDisabled();
  await expect(veraDeclare).toHaveAttribute("title", VIEWER_REASON);

  await vera.goto(url + "/incidents");
  await expect(vera.getByRole("heading", { name: "Incidents" })).toBeVisible();
  await expect(connection(vera)).toContainText("LIVE");

  // The responder declares; the viewer's list shows it without a reload.
  await rhea.getByRole("button", { name: "Declare incident" }).first().click();
  const dialog = rhea.getByRole("dialog");
  await dialog.getByLabel("Title").fill("Payments timeouts from the card provider");
  await dialog.getByRole("radio", { name: /SEV2/ }).check();
  await dialog.getByRole("checkbox", { name: "Payments" }).check();
  await dialog.getByRole("button", { name: "Declare", exact: true }).click();
  await expect(rhea).toHaveURL(/\/incidents\/[^/]+$/);
  const incidentUrl = rhea.url();
  await expect(rhea.getByRole("heading", { name: /Payments timeouts from the card provider/ })).toBeVisible();
  // Attributed by the server to the signed-in user, not to a typed display name.
  await expect(rhea.getByRole("region", { name: "Incident" })).toContainText(/declared by (Rhea Responder|rhea)/);

  const row = vera.getByRole("row").filter({ hasText: "Payments timeouts from the card provider" });
  await expect(row).toBeVisible({ timeout: 5_000 });

  // On the incident page the viewer reads everything, writes nothing, and is told why.
  await row.getByRole("link", { name: "Payments timeouts from the card provider" }).click();
  await expect(vera).toHaveURL(incidentUrl);
  await expect(vera.getByRole("heading", { name: /Payments timeouts from the card provider/ })).toBeVisible();
  await expect(vera.getByRole("dialog")).toHaveCount(0);
  await expect(vera.getByLabel("Add to timeline")).toBeDisabled();
  await expect(vera.getByRole("group", { name: "Change status" }).getByRole("button").first()).toBeDisabled();
  await expect(vera.getByLabel("Change severity")).toBeDisabled();
  await expect(vera.getByLabel("Action item title")).toBeDisabled();
  await expect(vera.getByText(VIEWER_REASON).first()).toBeVisible();

  // The responder's controls on the same page are enabled, and her entry reaches the viewer live.
  const box = rhea.getByLabel("Add to timeline");
  await expect(box).toBeEnabled();
  await box.fill("Card provider confirms an outage on their side");
  await box.press("Enter");
  await expect(vera.getByRole("region", { name: "Timeline" }).getByRole("article").filter({ hasText: "Card provider confirms an outage" })).toBeVisible({ timeout: 2_000 });

  // A write sent by hand with the viewer's cookies is refused for the role, and nothing is created.
  const refused = await vera.request.post(url + "/api/v1/incidents", {
    headers: { origin: url },
    data: { title: "Declared by a viewer", severity: "SEV3", services: ["search"], drill: false },
  });
  expect(refused.status()).toBe(403);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("forbidden");
  expect(body.error.message).toContain("responder");
  const list = await vera.request.get(url + "/api/v1/incidents?status=all");
  expect(list.ok()).toBe(true);
  const { incidents } = (await list.json()) as { incidents: { title: string }[] };
  expect(incidents.map((i) => i.title)).toContain("Payments timeouts from the card provider");
  expect(incidents.map((i) => i.title)).not.toContain("Declared by a viewer");

  // The responder signs out: the page shows her signed out.
  await rhea.getByRole("button", { name: "Sign out" }).click();
  await expect(rhea).toHaveURL(url + "/");
  await expect(rhea.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(rhea.getByRole("group", { name: "Signed in user" })).toHaveCount(0);
  const me = await rhea.request.get(url + "/api/v1/me");
  expect(((await me.json()) as { user: unknown }).user).toBeNull();

  await vera.context().close();
  await rhea.context().close();
});
