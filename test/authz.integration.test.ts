/**
 * Every API route × every kind of caller, generated from the authorisation table
 * (lib/server/policy.ts), on a server in oidc mode: the expected answer is what the table says
 * (401 without credentials, 403 for a role or scope too low), and a refused write changes no row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { freePort, startTestServer } from "./helpers";
import { AuthConfigSchema } from "../lib/auth/config";
import { createSession } from "../lib/auth/sessions";
import { createToken } from "../lib/auth/tokens";
import { authorize, type Identity, type TokenScope } from "../lib/auth/policy";
import { ROUTE_POLICY } from "../lib/server/policy";
import { SESSION_COOKIE } from "../lib/auth/identify";

type Ctx = Awaited<ReturnType<typeof startTestServer>>;
let ctx: Ctx;
let base: string;
const ADMIN: Identity = { subject: "seed-admin", name: "Seed Admin", email: null, role: "admin", via: { kind: "local" } };

type Caller = { name: string; headers: Record<string, string>; identity: Identity | null };
const callers: Caller[] = [];

/** Rows in every table the API writes to (the audit log excepted: it records refusals too). */
async function rowCounts(): Promise<Record<string, number>> {
  const db = ctx.server.warRoom.store.db;
  const out: Record<string, number> = {};
  for (const t of ["incidents", "timeline_entries", "action_items", "drills", "postmortems", "runbook_checks", "ingest_samples", "alert_events", "api_tokens", "auth_sessions"] as const) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(db);
    out[t] = Number(r.rows[0].n);
  }
  return out;
}

beforeAll(async () => {
  const port = await freePort();
  ctx = await startTestServer({
    env: { PORT: String(port), WAR_ROOM_OIDC_CLIENT_SECRET: "test-client-secret" },
    // The matrix sends a few hundred requests from one address, token routes included; rate limits have their own tests.
    rateLimits: { api: { points: 100_000, durationSeconds: 10 }, tokens: { points: 100_000, durationSeconds: 60 } },
    configure: (c) => ({
      ...c,
      // No identity provider is asked: sessions and tokens are made directly in the store.
      auth: AuthConfigSchema.parse({
        mode: "oidc",
        publicOrigins: [`http://127.0.0.1:${port}`],
        oidc: { issuer: "http://127.0.0.1:1", clientId: "war-room", roles: { admin: ["g-admin"], responder: ["g-responder"], viewer: ["g-viewer"] } },
      }),
    }),
  });
  base = `http://127.0.0.1:${ctx.server.port}`;
  const auth = ctx.server.warRoom.auth;
  callers.push({ name: "nobody", headers: {}, identity: null });
  for (const role of ["viewer", "responder", "admin"] as const) {
    // The role comes from the groups through the configured mapping, as at sign-in.
    const { cookieValue } = await createSession(auth, { subject: `oidc|${role}`, name: `A ${role}`, email: null, role, groups: [`g-${role}`] });
    const identity = (await import("../lib/auth/sessions")).resolveSession(auth, cookieValue);
    callers.push({ name: `${role} (session)`, headers: { cookie: `${SESSION_COOKIE}=${cookieValue}` }, identity: await identity });
  }
  const scopeSets: TokenScope[][] = [["read"], ["write"], ["ingest"], ["alertmanager"]];
  for (const scopes of scopeSets) {
    const { secret, token } = await createToken({ ctx: auth, input: { name: `t-${scopes.join("-")}`, scopes }, actor: ADMIN });
    callers.push({ name: `token [${scopes.join(",")}]`, headers: { authorization: `Bearer ${secret}` }, identity: { subject: `token:${token.id}`, name: token.name, email: null, role: "viewer", via: { kind: "token", tokenId: token.id, scopes } } });
  }
  callers.push({ name: "forged cookie", headers: { cookie: `${SESSION_COOKIE}=${"A".repeat(43)}` }, identity: null });
  callers.push({ name: "forged token", headers: { authorization: `Bearer wr_00000000_${"B".repeat(43)}` }, identity: null });
});

afterAll(async () => {
  await ctx?.dispose();
});

function expected(identity: Identity | null, route: string): "allowed" | 401 | 403 {
  try {
    authorize(identity, ROUTE_POLICY[route]);
    return "allowed";
  } catch (err) {
    return (err as { status: number }).status as 401 | 403;
  }
}

describe("every route × every caller in oidc mode", () => {
  const routes = Object.keys(ROUTE_POLICY);

  it.each(routes)("%s", async (route) => {
    const [method, pattern] = route.split(" ");
    const path = pattern.replace(/:[a-z]+/g, "x").replace("*", "x");
    for (const caller of callers) {
      const before = method === "GET" ? null : await rowCounts();
      const r = await fetch(base + path, {
        method,
        headers: { "content-type": "application/json", origin: base, ...caller.headers },
        body: method === "GET" ? undefined : "{}",
      });
      const want = expected(caller.identity, route);
      const body = await r.text();
      if (want === "allowed") expect([401, 403], `${caller.name} → ${route}: ${r.status} ${body}`).not.toContain(r.status);
      else {
        expect(r.status, `${caller.name} → ${route}: ${body}`).toBe(want);
        expect(JSON.parse(body).error.code).toBe(want === 401 ? "unauthorized" : "forbidden");
        if (before) expect(await rowCounts(), `${caller.name} → ${route} wrote`).toEqual(before);
      }
    }
  });

  it("matches what an on-call team expects, written out by hand", async () => {
    const spot: [string, string, string, number | "allowed"][] = [
      ["nobody", "GET", "/api/v1/services", 401],
      ["viewer (session)", "GET", "/api/v1/incidents", "allowed"],
      ["viewer (session)", "POST", "/api/v1/incidents", 403],
      ["viewer (session)", "POST", "/api/v1/drills", 403],
      ["responder (session)", "POST", "/api/v1/incidents", "allowed"],
      ["responder (session)", "GET", "/api/v1/audit", 403],
      ["responder (session)", "POST", "/api/v1/tokens", 403],
      ["admin (session)", "GET", "/api/v1/tokens", "allowed"],
      ["admin (session)", "POST", "/api/v1/ingest", 403],
      ["token [read]", "GET", "/api/v1/slos", "allowed"],
      ["token [read]", "POST", "/api/v1/incidents/x/timeline", 403],
      ["token [write]", "POST", "/api/v1/incidents/x/timeline", "allowed"],
      ["token [write]", "GET", "/api/v1/tokens", 403],
      ["token [ingest]", "POST", "/api/v1/ingest", "allowed"],
      ["token [ingest]", "GET", "/api/v1/services", 403],
      ["token [alertmanager]", "POST", "/api/v1/ingest", 403],
      ["token [ingest]", "POST", "/api/v1/write", "allowed"],
      ["token [write]", "POST", "/api/v1/write", 403],
      ["admin (session)", "POST", "/api/v1/write", 403],
      ["nobody", "POST", "/api/v1/write", 401],
      ["token [alertmanager]", "POST", "/api/v1/integrations/alertmanager", "allowed"],
      ["forged cookie", "GET", "/api/v1/services", 401],
      ["forged token", "GET", "/api/v1/services", 401],
      ["nobody", "GET", "/api/v1/board", 401],
      ["token [read]", "GET", "/api/v1/board", "allowed"],
      ["token [ingest]", "GET", "/api/v1/board", 403],
    ];
    for (const [who, method, path, want] of spot) {
      const caller = callers.find((c) => c.name === who)!;
      const r = await fetch(base + path, { method, headers: { "content-type": "application/json", origin: base, ...caller.headers }, body: method === "GET" ? undefined : "{}" });
      if (want === "allowed") expect([401, 403], `${who} ${method} ${path}`).not.toContain(r.status);
      else expect(r.status, `${who} ${method} ${path}`).toBe(want);
    }
  });

  it("records every write in the audit log, refused ones too, with who and the result", async () => {
    const viewer = callers.find((c) => c.name === "viewer (session)")!;
    const r = await fetch(`${base}/api/v1/incidents`, { method: "POST", headers: { "content-type": "application/json", origin: base, ...viewer.headers }, body: JSON.stringify({ title: "x", severity: "SEV3", services: ["checkout"] }) });
    expect(r.status).toBe(403);
    const admin = callers.find((c) => c.name === "admin (session)")!;
    const audit = await fetch(`${base}/api/v1/audit?action=POST%20/api/v1/incidents&actor=oidc|viewer`, { headers: admin.headers });
    expect(audit.status).toBe(200);
    const { entries } = (await audit.json()) as { entries: { actor: { subject: string; role: string }; result: number; action: string }[] };
    expect(entries[0]).toMatchObject({ action: "POST /api/v1/incidents", result: 403 });
  });

  it("publishing a postmortem needs the admin role, though saving it needs only responder", async () => {
    const responder = callers.find((c) => c.name === "responder (session)")!;
    const r = await fetch(`${base}/api/v1/incidents/x/postmortem`, { method: "PATCH", headers: { "content-type": "application/json", origin: base, ...responder.headers }, body: JSON.stringify({ version: 1, status: "published" }) });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/publishing a postmortem needs the admin role \(you are responder\)/);
  });
});
