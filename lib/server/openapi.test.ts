import { describe, expect, it } from "vitest";
import { createApi } from "./api";
import { HEALTH_ROUTES, openApiDocument } from "./openapi";
import type { WarRoom } from "./root";
import { createLogger } from "../log";

type Doc = {
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, { maxLength?: number; enum?: unknown[] }> }> };
};

// Registering routes reads nothing from the war room, so an empty one is enough to list them.
const api = createApi({} as WarRoom, createLogger("silent"));
const doc = openApiDocument(api.routes()) as Doc;
const documented = (path: string, wildcard = "path") => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\*$/, `{${wildcard}}`);

describe("the OpenAPI document", () => {
  it("lists every route of the router and the health checks, with the same methods, and nothing else", () => {
    const routes = [...api.routes(), ...HEALTH_ROUTES].map((r) => `${r.method} ${documented(r.path, r.doc.wildcard)}`).sort();
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(routes.length).toBeGreaterThan(30);
    expect(operations).toEqual(routes);
  });

  it("gives every operation a summary and a success answer", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses).some((s) => s.startsWith("2")), `${method} ${path}`).toBe(true);
      }
    }
  });

  it("only refers to schemas it defines", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });

  it("takes limits and enums from the zod schemas", () => {
    const s = doc.components.schemas;
    expect(s.CreateIncident.properties?.title.maxLength).toBe(200);
    expect(s.CreateActionItem.properties?.title.maxLength).toBe(300);
    expect(s.Incident.properties?.severity.enum).toEqual(["SEV1", "SEV2", "SEV3", "SEV4"]);
    expect(s.Postmortem.properties?.status.enum).toEqual(["draft", "in-review", "published"]);
  });
});
