import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { demoConfig } from "../lib/config/demo";
import { startTestIdp, TEST_USERS, type TestIdp, type TestUser } from "../test/support/oidc-provider";
import { WarRoomProcess, freePort } from "./server";

/** The groups of test/support/oidc-provider.ts's users, mapped onto War Room roles. */
export const OIDC_ROLES = { admin: ["war-room-admins"], responder: ["sre-oncall"], viewer: ["war-room-viewers"] };

export type OidcWarRoom = {
  srv: WarRoomProcess;
  idp: TestIdp;
  /** The war room's origin, e.g. http://127.0.0.1:41234 (also its only public origin). */
  url: string;
  close(): Promise<void>;
};

/**
 * A test identity provider and a War Room in oidc mode signing in against it: the demo estate
 * plus an `auth` block, the client secret in WAR_ROOM_OIDC_CLIENT_SECRET as in production.
 */
export async function startOidcWarRoom(): Promise<OidcWarRoom> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const idp = await startTestIdp({ redirectUris: [`${origin}/auth/callback`] });
  const dir = mkdtempSync(join(tmpdir(), "war-room-e2e-oidc-"));
  const configFile = join(dir, "war-room.json");
  const config = {
    ...demoConfig,
    auth: { mode: "oidc", publicOrigins: [origin], oidc: { issuer: idp.issuer, clientId: idp.clientId, roles: OIDC_ROLES } },
  };
  // The config loader reads YAML, of which JSON is a subset.
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const srv = new WarRoomProcess(port);
  try {
    await srv.start({ WAR_ROOM_CONFIG: configFile, WAR_ROOM_OIDC_CLIENT_SECRET: idp.clientSecret });
  } catch (e) {
    await srv.dispose();
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    srv,
    idp,
    url: origin,
    async close() {
      await srv.dispose();
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One OIDC War Room for a spec file, started before its tests and stopped after them. */
export function oidcWarRoomForFile(): { readonly current: OidcWarRoom } {
  let room: OidcWarRoom | null = null;
  test.beforeAll(async () => {
    room = await startOidcWarRoom();
  });
  test.afterAll(async () => {
    await room?.close();
  });
  return {
    get current() {
      if (!room) throw new Error("the OIDC war room has not been started");
      return room;
    },
  };
}

/**
 * Signs `user` in through the top bar's "Sign in" link and the identity provider's dev login
 * (any password) and consent forms; ends back on `path`, signed in, in a context of its own.
 */
export async function signedIn(browser: Browser, room: OidcWarRoom, user: TestUser, path = "/"): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(room.url + path);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.origin === room.idp.issuer);
  await expect(page.getByRole("button", { name: "Sign-in" })).toBeVisible();
  await page.locator("input[name=login]").fill(user);
  await page.locator("input[name=password]").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // Consent is asked when the user has no grant for the client yet; otherwise it goes straight back.
  const consent = page.getByRole("button", { name: "Continue" });
  const who = page.getByRole("group", { name: "Signed in user" });
  await expect(consent.or(who)).toBeVisible();
  if (await consent.isVisible()) await consent.click();
  await page.waitForURL((u) => u.origin === room.url && u.pathname === path.split("?")[0]);
  await expect(who).toContainText(TEST_USERS[user].name);
  return page;
}
