import { describe, expect, it } from "vitest";
import { createApi } from "./api";
import type { WarRoom } from "./root";
import { ROUTE_POLICY } from "./policy";
import { createLogger } from "../log";

// Registering routes reads nothing from the war room, so an empty one is enough to list them.
const routes = createApi({} as WarRoom, createLogger("silent")).routes().map((r) => `${r.method} ${r.path}`);

describe("the authorisation table", () => {
  it("names what every API route needs, and only routes that exist", () => {
    expect(routes.filter((r) => !(r in ROUTE_POLICY))).toEqual([]);
    expect(Object.keys(ROUTE_POLICY).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it("lets nobody write without a role or scope: only reads of the document, of who is signed in and of the public status page are public", () => {
    const open = Object.entries(ROUTE_POLICY).filter(([, p]) => "public" in p).map(([r]) => r);
    const statusPage = ["components.json", "history.atom", "incidents.json", "status.json", "subscriptions", "summary.json", "uptime.json"].map((f) => `GET /api/v2/${f}`);
    // Subscribing to the status page by e-mail (double opt-in) is the only public write.
    const subscribing = ["", "/confirm", "/unsubscribe"].map((p) => `POST /api/v2/subscriptions${p}`);
    expect(open.sort()).toEqual(["GET /api/v1/me", "GET /api/v1/openapi.json", ...statusPage, ...subscribing].sort());
  });
});
