import { describe, expect, it } from "vitest";
import { Invalid } from "../errors";
import { createSession, resolveSession, revokeSession, revokeSubjectSessions, sessionPurger, sessionStillValid } from "./sessions";
import { sha256Hex } from "./secrets";
import { authStoreSuites } from "./testing/suite";

const MIN = 60_000;
const HOUR = 60 * MIN;
const rhea = { subject: "rhea", name: "Rhea Responder", email: "rhea@example.test", role: "responder" as const, groups: ["sre-oncall"] };

authStoreSuites("sessions", { session: { idleMinutes: 30, absoluteHours: 2 } }, (s) => {
  it("stores only the hash of the cookie value and resolves the cookie to the identity", async () => {
    const { cookieValue, session } = await createSession(s.ctx, rhea);
    expect(cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.id).toBe(sha256Hex(cookieValue));
    const rows = await s.ctx.store.db.selectFrom("auth_sessions").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(cookieValue);
    expect(rows[0]).toMatchObject({ subject: "rhea", role: "responder", groups: '["sre-oncall"]', expires_at: s.clock.now() + 2 * HOUR });
    expect(await resolveSession(s.ctx, cookieValue)).toEqual({ subject: "rhea", name: "Rhea Responder", email: "rhea@example.test", role: "responder", via: { kind: "session", sessionId: session.id } });
  });

  it("takes the role from the group mapping as configured now: a changed mapping acts at once", async () => {
    const { cookieValue } = await createSession(s.ctx, rhea);
    const oidc = { issuer: "https://sso.example.test", clientId: "war-room", scopes: ["openid"], groupsClaim: "groups", nameClaim: "name", emailClaim: "email", timeoutSeconds: 5 };
    const withRoles = (roles: { admin: string[]; responder: string[]; viewer: string[] }) => ({ ...s.ctx, config: { ...s.ctx.config, mode: "oidc" as const, oidc: { ...oidc, roles } } });
    expect((await resolveSession(withRoles({ admin: ["sre-oncall"], responder: [], viewer: [] }), cookieValue))?.role).toBe("admin");
    expect((await resolveSession(withRoles({ admin: [], responder: [], viewer: ["sre-oncall"] }), cookieValue))?.role).toBe("viewer");
    expect(await resolveSession(withRoles({ admin: [], responder: [], viewer: ["others"] }), cookieValue)).toBeNull();
  });

  it("refuses unknown, malformed and empty cookie values", async () => {
    await createSession(s.ctx, rhea);
    expect(await resolveSession(s.ctx, "A".repeat(43))).toBeNull();
    expect(await resolveSession(s.ctx, "not a cookie")).toBeNull();
    expect(await resolveSession(s.ctx, "")).toBeNull();
  });

  it("rejects a bad identity before writing", async () => {
    await expect(createSession(s.ctx, { ...rhea, role: "root" as never })).rejects.toThrow(Invalid);
    expect(await s.ctx.store.db.selectFrom("auth_sessions").selectAll().execute()).toEqual([]);
  });

  it("ends after the idle time, and use keeps it alive", async () => {
    const { cookieValue, session } = await createSession(s.ctx, rhea);
    s.clock.advance(29 * MIN);
    expect(await resolveSession(s.ctx, cookieValue)).not.toBeNull();
    s.clock.advance(29 * MIN); // 58 min after sign-in, 29 after the last use
    expect(await resolveSession(s.ctx, cookieValue)).not.toBeNull();
    s.clock.advance(30 * MIN);
    expect(await resolveSession(s.ctx, cookieValue)).toBeNull();
    expect(await sessionStillValid(s.ctx, session.id)).toBe(false);
  });

  it("ends at its absolute end however busy it is", async () => {
    const { cookieValue, session } = await createSession(s.ctx, rhea);
    for (let t = 0; t < 2 * HOUR - 10 * MIN; t += 10 * MIN) {
      s.clock.advance(10 * MIN);
      expect(await resolveSession(s.ctx, cookieValue)).not.toBeNull();
    }
    s.clock.advance(10 * MIN); // exactly two hours after sign-in
    expect(await resolveSession(s.ctx, cookieValue)).toBeNull();
    expect(await sessionStillValid(s.ctx, session.id)).toBe(false);
  });

  it("writes last_seen_at at most once a minute", async () => {
    const { cookieValue, session } = await createSession(s.ctx, rhea);
    const lastSeen = async () => (await s.ctx.store.db.selectFrom("auth_sessions").select("last_seen_at").where("id", "=", session.id).executeTakeFirstOrThrow()).last_seen_at;
    s.clock.advance(30_000);
    await resolveSession(s.ctx, cookieValue);
    expect(await lastSeen()).toBe(session.createdAt);
    s.clock.advance(30_000);
    await resolveSession(s.ctx, cookieValue);
    expect(await lastSeen()).toBe(session.createdAt + MIN);
    s.clock.advance(59_000);
    await resolveSession(s.ctx, cookieValue);
    expect(await lastSeen()).toBe(session.createdAt + MIN);
  });

  it("sign-out revokes one session; revoking a subject ends all of theirs", async () => {
    const a = await createSession(s.ctx, rhea);
    const b = await createSession(s.ctx, rhea);
    const vera = await createSession(s.ctx, { subject: "vera", name: "Vera", email: null, role: "viewer" });
    expect(await revokeSession(s.ctx, a.cookieValue)).toBe(true);
    expect(await revokeSession(s.ctx, a.cookieValue)).toBe(false);
    expect(await resolveSession(s.ctx, a.cookieValue)).toBeNull();
    expect(await sessionStillValid(s.ctx, a.session.id)).toBe(false);
    expect(await sessionStillValid(s.ctx, b.session.id)).toBe(true);
    expect(await revokeSubjectSessions(s.ctx, "rhea")).toBe(1);
    expect(await resolveSession(s.ctx, b.cookieValue)).toBeNull();
    expect(await resolveSession(s.ctx, vera.cookieValue)).toMatchObject({ subject: "vera", role: "viewer" });
    expect(await sessionStillValid(s.ctx, "not-an-id")).toBe(false);
  });

  it("survives reopening the store (a restart)", async () => {
    const { cookieValue, session } = await createSession(s.ctx, rhea);
    const again = await s.reopen();
    expect(await resolveSession(again, cookieValue)).toMatchObject({ subject: "rhea", via: { kind: "session", sessionId: session.id } });
  });

  it("purges sessions that are expired, idle or revoked, and keeps live ones", async () => {
    const live = await createSession(s.ctx, rhea);
    const revoked = await createSession(s.ctx, rhea);
    await revokeSession(s.ctx, revoked.cookieValue);
    s.clock.advance(20 * MIN);
    const fresh = await createSession(s.ctx, rhea);
    await resolveSession(s.ctx, live.cookieValue);
    s.clock.advance(25 * MIN); // `live` last seen 25 min ago, `fresh` 25 min ago, nothing idle yet
    const purger = sessionPurger(s.ctx);
    expect(purger.name).toBe("sessions");
    expect(await purger.purge(s.clock.now())).toBe(1);
    s.clock.advance(10 * MIN);
    expect(await purger.purge(s.clock.now())).toBe(2);
    expect(await resolveSession(s.ctx, fresh.cookieValue)).toBeNull();
  });
});

describe("session cookie values", () => {
  it("are different every time", async () => {
    const { randomSecret } = await import("./secrets");
    expect(new Set(Array.from({ length: 100 }, randomSecret)).size).toBe(100);
  });
});
