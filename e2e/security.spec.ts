import { expect, test, type Page } from "@playwright/test";
import { warRoomForFile } from "./server";

const srv = warRoomForFile();
test.describe.configure({ mode: "serial" });

type Violation = { directive: string; blocked: string; sample: string };

/** Records every CSP violation the page reports, and console messages that mention the policy. */
async function watchCsp(page: Page): Promise<Violation[]> {
  const seen: Violation[] = [];
  await page.exposeFunction("__cspViolation", (v: Violation) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (v: unknown) => void }).__cspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push({ directive: "console", blocked: "", sample: m.text() });
  });
  return seen;
}

for (const path of ["/", "/incidents", "/runbooks", "/slos"]) {
  test(`${path} hydrates and goes live under a nonce CSP with no violation`, async ({ page }) => {
    const violations = await watchCsp(page);
    const res = await page.goto(srv.url + path);
    const csp = res!.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+={0,2}' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res!.headers()["x-frame-options"]).toBe("DENY");
    expect(res!.headers()["x-content-type-options"]).toBe("nosniff");
    // LIVE needs hydrated React and an open /ws (connect-src 'self' covers the same-origin socket).
    await expect(page.getByRole("status", { name: "Connection" })).toContainText("LIVE");
    await page.waitForLoadState("networkidle");
    expect(violations).toEqual([]);
  });
}

test("each document gets its own nonce, and a client cannot choose one", async ({ request }) => {
  const nonceOf = (csp: string | undefined) => csp?.match(/'nonce-([^']+)'/)?.[1];
  const a = await request.get(srv.url + "/", { headers: { "content-security-policy": "script-src 'nonce-chosenbyattacker'" } });
  const b = await request.get(srv.url + "/");
  const na = nonceOf(a.headers()["content-security-policy"]);
  expect(na).toBeTruthy();
  expect(na).not.toBe("chosenbyattacker");
  expect(na).not.toBe(nonceOf(b.headers()["content-security-policy"]));
  const html = await a.text();
  expect(html).not.toContain("chosenbyattacker");
  expect(html).toContain(`nonce="${na}"`);
});
