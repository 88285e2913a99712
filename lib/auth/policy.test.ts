import { describe, expect, it } from "vitest";
import { Forbidden, Unauthorized } from "../errors";
import { ROLES, TOKEN_SCOPES, authorize, type Identity, type Requirement, type Role, type TokenScope } from "./policy";

const person = (role: Role): Identity => ({ subject: `p-${role}`, name: role, email: null, role, via: { kind: "session", sessionId: "s" } });
const token = (scopes: TokenScope[]): Identity => ({ subject: "token:t", name: "t", email: null, role: "viewer", via: { kind: "token", tokenId: "t", scopes } });

type Outcome = "ok" | "unauthorized" | "forbidden";
function outcome(identity: Identity | null, req: Requirement): Outcome {
  try {
    authorize(identity, req);
    return "ok";
  } catch (e) {
    if (e instanceof Unauthorized) return "unauthorized";
    if (e instanceof Forbidden) return "forbidden";
    throw e;
  }
}

const rank = (r: Role) => ROLES.indexOf(r);
/** What a token's scopes stand in for (write → responder, read → viewer); never admin. */
const tokenActs = (scopes: TokenScope[]): Role | null => (scopes.includes("write") ? "responder" : scopes.includes("read") ? "viewer" : null);

const requirements: Requirement[] = [
  { public: true },
  ...ROLES.map((role) => ({ role })),
  ...ROLES.flatMap((role) => TOKEN_SCOPES.map((orScope) => ({ role, orScope }))),
  ...TOKEN_SCOPES.map((scope) => ({ scope })),
];
const scopeSets: TokenScope[][] = [[], ...TOKEN_SCOPES.map((s) => [s]), ["read", "write"], ["ingest", "alertmanager"], [...TOKEN_SCOPES]];

function expectedFor(identity: Identity | null, req: Requirement): Outcome {
  if ("public" in req) return "ok";
  if (!identity) return "unauthorized";
  if (identity.via.kind !== "token") {
    // A person signed in (session) never holds a scope; the single-user modes trust their machine.
    if ("scope" in req) return identity.via.kind === "session" ? "forbidden" : "ok";
    return rank(identity.role) >= rank(req.role) ? "ok" : "forbidden";
  }
  const scopes = identity.via.scopes;
  if ("scope" in req) return scopes.includes(req.scope) ? "ok" : "forbidden";
  if (req.role === "admin") return "forbidden";
  if ("orScope" in req && scopes.includes(req.orScope)) return "ok";
  const acts = tokenActs(scopes);
  return acts !== null && rank(acts) >= rank(req.role) ? "ok" : "forbidden";
}

const label = (req: Requirement) => JSON.stringify(req);

describe("authorize: every identity against every requirement", () => {
  const identities: [string, Identity | null][] = [
    ["nobody", null],
    ...ROLES.map((r): [string, Identity] => [`a ${r}`, person(r)]),
    ["local admin", { subject: "local:Ada", name: "Ada", email: null, role: "admin", via: { kind: "local" } }],
    ["anonymous admin (mode none)", { subject: "anonymous", name: "anonymous", email: null, role: "admin", via: { kind: "none" } }],
    ...scopeSets.map((s): [string, Identity] => [`a token [${s.join(",")}]`, token(s)]),
  ];
  const table = identities.flatMap(([who, identity]) => requirements.map((req) => [who, label(req), identity, req, expectedFor(identity, req)] as const));

  it.each(table)("%s vs %s", (_who, _req, identity, req, expected) => {
    expect(outcome(identity, req)).toBe(expected);
  });

  it("spells out the hand-written rules the table is derived from", () => {
    expect(outcome(token(["write"]), { role: "responder" })).toBe("ok");
    expect(outcome(token(["write"]), { role: "viewer" })).toBe("ok");
    expect(outcome(token(["read"]), { role: "viewer" })).toBe("ok");
    expect(outcome(token(["read"]), { role: "responder" })).toBe("forbidden");
    expect(outcome(token(["ingest"]), { role: "viewer" })).toBe("forbidden");
    expect(outcome(token(["ingest"]), { scope: "ingest" })).toBe("ok");
    expect(outcome(token(["ingest"]), { role: "responder", orScope: "ingest" })).toBe("ok");
    expect(outcome(token(["alertmanager"]), { scope: "ingest" })).toBe("forbidden");
    expect(outcome(token([...TOKEN_SCOPES]), { role: "admin" })).toBe("forbidden");
    expect(outcome(token([...TOKEN_SCOPES]), { role: "admin", orScope: "write" })).toBe("forbidden");
    expect(outcome(person("admin"), { scope: "ingest" })).toBe("forbidden");
    expect(outcome(person("viewer"), { role: "viewer", orScope: "ingest" })).toBe("ok");
    expect(outcome({ subject: "local:Ada", name: "Ada", email: null, role: "admin", via: { kind: "local" } }, { scope: "ingest" })).toBe("ok");
  });
});

describe("authorize messages", () => {
  it("names the role needed and the role held", () => {
    expect(() => authorize(person("viewer"), { role: "responder" })).toThrow("needs the responder role (you are viewer)");
    expect(() => authorize(person("responder"), { role: "admin" })).toThrow("needs the admin role (you are responder)");
  });
  it("names what a token lacks", () => {
    expect(() => authorize(token(["read"]), { role: "responder" })).toThrow("needs the responder role (this token has scopes read)");
    expect(() => authorize(token(["read"]), { scope: "ingest" })).toThrow("needs a token with the ingest scope (this token has scopes read)");
    expect(() => authorize(token(["write"]), { role: "admin" })).toThrow("tokens never act as admin");
  });
  it("asks an anonymous caller to sign in", () => {
    expect(() => authorize(null, { role: "viewer" })).toThrow(/^sign in first: needs the viewer role$/);
    expect(() => authorize(null, { scope: "alertmanager" })).toThrow(Unauthorized);
  });
  it("gives the HTTP statuses the edge maps to", () => {
    expect(() => authorize(null, { role: "viewer" })).toThrow(expect.objectContaining({ status: 401, code: "unauthorized" }));
    expect(() => authorize(person("viewer"), { role: "admin" })).toThrow(expect.objectContaining({ status: 403, code: "forbidden" }));
  });
});
