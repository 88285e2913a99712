import { expect, it } from "vitest";
import { Invalid } from "../errors";
import { AuditEntrySchema, auditPurger, exportAudit, listAudit, recordAudit, redact } from "./audit";
import type { Identity } from "./policy";
import { authStoreSuites } from "./testing/suite";

const ada: Identity = { subject: "ada", name: "Ada", email: null, role: "admin", via: { kind: "session", sessionId: "s1" } };
const bot: Identity = { subject: "token:t1", name: "ci", email: null, role: "responder", via: { kind: "token", tokenId: "t1", scopes: ["write"] } };
const DAY = 86_400_000;

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of it) out.push(line);
  return out;
}

authStoreSuites("audit log", { auditRetentionDays: 30 }, (s) => {
  it("records who did what, how, from where and with what result", async () => {
    const e = await recordAudit(s.ctx, { actor: bot, action: "POST /api/v1/incidents", target: "INC-7", address: "10.0.0.5", result: 201, detail: { severity: "SEV2" } });
    expect(AuditEntrySchema.parse(e)).toEqual({ id: e.id, seq: e.seq, at: s.clock.now(), actorSubject: "token:t1", actorName: "ci", role: "responder", via: "token:t1", action: "POST /api/v1/incidents", target: "INC-7", address: "10.0.0.5", result: 201, detail: { severity: "SEV2" } });
    const anon = await recordAudit(s.ctx, { actor: null, action: "POST /api/v1/drills", result: 401 });
    expect(anon).toMatchObject({ actorSubject: "anonymous", via: "anonymous", role: null, target: null, address: null, detail: null });
    const local = await recordAudit(s.ctx, { actor: { ...ada, subject: "local:Ada", via: { kind: "local" } }, action: "PATCH /x", result: 200 });
    expect(local.via).toBe("local");
  });

  it("lists newest first with filters on actor, action prefix, result class and time", async () => {
    const add = async (actor: Identity, action: string, result: number) => {
      await recordAudit(s.ctx, { actor, action, result });
      s.clock.advance(1000);
    };
    await add(ada, "POST /api/v1/incidents", 201); // T0
    await add(bot, "POST /api/v1/incidents/INC-1/timeline", 201); // +1 s
    await add(ada, "PATCH /api/v1/incidents/INC-1", 409); // +2 s
    await add(ada, "POST /api/v1/drills", 500); // +3 s
    await add(bot, "POST /api/v1/ingest", 202); // +4 s
    const actions = (rows: { action: string }[]) => rows.map((r) => r.action);
    expect(actions(await listAudit(s.ctx))).toEqual(["POST /api/v1/ingest", "POST /api/v1/drills", "PATCH /api/v1/incidents/INC-1", "POST /api/v1/incidents/INC-1/timeline", "POST /api/v1/incidents"]);
    expect(actions(await listAudit(s.ctx, { actor: "token:t1" }))).toEqual(["POST /api/v1/ingest", "POST /api/v1/incidents/INC-1/timeline"]);
    expect(actions(await listAudit(s.ctx, { action: "POST /api/v1/incidents" }))).toEqual(["POST /api/v1/incidents/INC-1/timeline", "POST /api/v1/incidents"]);
    expect(actions(await listAudit(s.ctx, { action: "POST /api/v1/incidents_%" }))).toEqual([]);
    expect(actions(await listAudit(s.ctx, { result: "4xx" }))).toEqual(["PATCH /api/v1/incidents/INC-1"]);
    expect(actions(await listAudit(s.ctx, { result: "5xx" }))).toEqual(["POST /api/v1/drills"]);
    expect((await listAudit(s.ctx, { result: "2xx" })).length).toBe(3);
    const t0 = s.clock.now() - 5000;
    expect(actions(await listAudit(s.ctx, { from: t0 + 1000, to: String(t0 + 3000) }))).toEqual(["PATCH /api/v1/incidents/INC-1", "POST /api/v1/incidents/INC-1/timeline"]);
    expect(actions(await listAudit(s.ctx, { from: new Date(t0 + 4000).toISOString() }))).toEqual(["POST /api/v1/ingest"]);
    expect(actions(await listAudit(s.ctx, { limit: "2" }))).toEqual(["POST /api/v1/ingest", "POST /api/v1/drills"]);
  });

  it("rejects bad filters and entries", async () => {
    await expect(listAudit(s.ctx, { limit: 1001 })).rejects.toThrow(Invalid);
    await expect(listAudit(s.ctx, { limit: 0 })).rejects.toThrow(Invalid);
    await expect(listAudit(s.ctx, { result: "2XX" })).rejects.toThrow(Invalid);
    await expect(listAudit(s.ctx, { from: "yesterday" })).rejects.toThrow(Invalid);
    await expect(recordAudit(s.ctx, { actor: ada, action: "", result: 200 })).rejects.toThrow(Invalid);
    await expect(recordAudit(s.ctx, { actor: ada, action: "X", result: 99 })).rejects.toThrow(Invalid);
    await expect(recordAudit(s.ctx, { actor: ada, action: "X", result: 200, detail: { big: "x".repeat(20_000) } })).rejects.toThrow(/detail/);
    expect(() => exportAudit(s.ctx, { result: "nope" })).toThrow(Invalid);
    expect(await listAudit(s.ctx)).toEqual([]);
  });

  it("caps a list at 1000 and exports everything as JSON Lines, oldest first", async () => {
    await s.ctx.store.db
      .insertInto("audit_log")
      .values(Array.from({ length: 1201 }, (_, i) => ({ id: crypto.randomUUID(), at: s.clock.now() + i, actor_subject: "ada", actor_name: "Ada", role: "admin", via: "session", action: `POST /n/${i}`, target: null, address: null, result: 200, detail: null })))
      .execute();
    expect(await listAudit(s.ctx, { limit: 1000 })).toHaveLength(1000);
    expect(await listAudit(s.ctx)).toHaveLength(100);
    const lines = await collect(exportAudit(s.ctx, { limit: 5 }));
    expect(lines).toHaveLength(1201);
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const parsed = lines.map((l) => AuditEntrySchema.parse(JSON.parse(l)));
    expect(parsed[0].action).toBe("POST /n/0");
    expect(parsed[1200].action).toBe("POST /n/1200");
    expect(await collect(exportAudit(s.ctx, { action: "POST /n/12", to: s.clock.now() + 121 }))).toHaveLength(2); // /n/12 and /n/120
  });

  it("purges entries older than the retention and keeps the rest", async () => {
    await recordAudit(s.ctx, { actor: ada, action: "old", result: 200 });
    s.clock.advance(29 * DAY);
    await recordAudit(s.ctx, { actor: ada, action: "recent", result: 200 });
    s.clock.advance(2 * DAY);
    const purger = auditPurger(s.ctx);
    expect(purger.name).toBe("audit");
    expect(await purger.purge(s.clock.now())).toBe(1);
    expect((await listAudit(s.ctx)).map((e) => e.action)).toEqual(["recent"]);
  });

  it("survives a restart, with order kept by sequence", async () => {
    const a = await recordAudit(s.ctx, { actor: ada, action: "first", result: 200 });
    const again = await s.reopen();
    const b = await recordAudit(again, { actor: ada, action: "second", result: 200 });
    expect(b.seq).toBeGreaterThan(a.seq);
    expect((await listAudit(again)).map((e) => e.action)).toEqual(["second", "first"]);
  });
});

it("redacts secret-looking keys and token-shaped strings, however deep", () => {
  const secret = `wr_1234abcd_${"x".repeat(43)}`;
  expect(redact({ password: "p", nested: [{ client_secret: "c", Cookie: "wr_session=abc", ok: `is ${secret}` }], tokenId: "keep", auth: "Bearer abc.def" })).toEqual({
    password: "[redacted]",
    nested: [{ client_secret: "[redacted]", Cookie: "[redacted]", ok: "is [redacted]" }],
    tokenId: "keep",
    auth: "[redacted]",
  });
});
