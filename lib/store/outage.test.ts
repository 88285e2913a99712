import { describe, expect, it } from "vitest";
import { StoreUnavailable } from "../errors";
import { isStoreUnreachable } from "./errors";
import { GuardedPostgresDialect, StoreOutage } from "./outage";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isStoreUnreachable", () => {
  it.each([
    ["a refused dual-stack connect", new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED"), withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")], "")],
    ["a reset connection", withCode("read ECONNRESET", "ECONNRESET")],
    ["a name that does not resolve (yet)", withCode("getaddrinfo EAI_AGAIN db", "EAI_AGAIN")],
    ["an administrator shutting the server down", withCode("terminating connection due to administrator command", "57P01")],
    ["a server still starting", withCode("the database system is starting up", "57P03")],
    ["a connection failure (class 08)", withCode("connection failure", "08006")],
    ["too many connections", withCode("sorry, too many clients already", "53300")],
    ["a socket closed mid-query", new Error("Connection terminated unexpectedly")],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["a connect timeout wrapped by pg-pool", new Error("Connection terminated due to connection timeout", { cause: new Error("Connection terminated unexpectedly") })],
    ["a silent network mid-query", new Error("Query read timeout")],
    ["a cause further down", new Error("Cannot connect", { cause: withCode("connect ETIMEDOUT", "ETIMEDOUT") })],
  ])("%s → unreachable", (_what, err) => {
    expect(isStoreUnreachable(err)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode('duplicate key value violates unique constraint "incidents_pkey"', "23505")],
    ["a syntax error", withCode('syntax error at or near "tabel"', "42601")],
    ["a statement timeout", withCode("canceling statement due to statement timeout", "57014")],
    ["a failed password", withCode('password authentication failed for user "war"', "28P01")],
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["not an error", "ECONNREFUSED"],
  ])("%s → not unreachable", (_what, err) => {
    expect(isStoreUnreachable(err)).toBe(false);
  });
});

describe("StoreOutage", () => {
  function outage() {
    const lines: { level: "info" | "warn"; o: object; msg?: string }[] = [];
    let now = 1_000;
    const o = new StoreOutage({
      label: "postgres:db:5432/war",
      logger: { info: (obj, msg) => lines.push({ level: "info", o: obj, msg }), warn: (obj, msg) => lines.push({ level: "warn", o: obj, msg }) },
      now: () => now,
    });
    return { o, lines, advance: (ms: number) => (now += ms) };
  }

  it("turns unreachable errors into StoreUnavailable and leaves others alone", () => {
    const { o } = outage();
    const refused = withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    const mapped = o.classify(refused);
    expect(mapped).toBeInstanceOf(StoreUnavailable);
    expect(mapped).toMatchObject({ code: "store_unavailable", status: 503, retryAfterSeconds: 5, cause: refused });
    const unique = withCode("duplicate key", "23505");
    expect(o.classify(unique)).toBe(unique);
    expect(o.classify(mapped)).toBe(mapped);
  });

  it("logs one warning when an outage starts and one line when it ends, however many statements fail", () => {
    const { o, lines, advance } = outage();
    o.reached();
    expect(lines).toEqual([]);
    for (let i = 0; i < 50; i++) o.classify(new Error("Connection terminated unexpectedly"));
    expect(o.down).toBe(true);
    advance(4_000);
    o.reached();
    o.reached();
    expect(o.down).toBe(false);
    expect(lines).toEqual([
      { level: "warn", o: { store: "postgres:db:5432/war", err: "Connection terminated unexpectedly" }, msg: expect.stringMatching(/store unreachable/) },
      { level: "info", o: { store: "postgres:db:5432/war", downMs: 4_000, failedStatements: 50 }, msg: "store reachable again" },
    ]);
    o.classify(withCode("read ECONNRESET", "ECONNRESET"));
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(2);
  });

  it("a statement begun during the outage that fails after the database is back does not start a second outage; a new one does", () => {
    const { o, lines } = outage();
    const dead = () => withCode("read ECONNRESET", "ECONNRESET");
    o.classify(dead());
    // A tick's statement starts while the database is away and waits on its dead connection…
    const inFlight = o.generation;
    o.reached();
    // …and fails only after another statement found the database back.
    expect(o.classify(dead(), inFlight)).toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(false);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store unreachable/), "store reachable again"]);
    // A statement begun after the recovery that cannot reach the database is a new outage.
    expect(o.classify(dead(), o.generation)).toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(true);
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(2);
  });

  it("a pooled connection from before the outage ended that fails after it starts no second outage; a new connection's failure does", async () => {
    const { o, lines } = outage();
    const dead = () => withCode("Connection terminated unexpectedly", "ECONNRESET");
    // A fake pg pool handing out the client the test names; a client answers until the test kills it.
    type Client = { alive: boolean; query: () => Promise<unknown>; release: () => void };
    const client = (): Client => {
      const c: Client = { alive: true, query: async () => (c.alive ? { command: "SELECT", rowCount: 1, rows: [{ x: 1 }] } : Promise.reject(dead())), release: () => undefined };
      return c;
    };
    let handOut = client();
    const pool = { connect: async () => handOut, end: async () => undefined, on: () => undefined };
    const driver = new GuardedPostgresDialect({ pool: pool as never }, o).createDriver();
    await driver.init();
    const query = { sql: "select 1", parameters: [], query: { kind: "RawNode" } } as never;
    const run = async () => {
      const c = await driver.acquireConnection();
      try {
        await c.executeQuery(query);
      } finally {
        await driver.releaseConnection(c);
      }
    };
    const old = handOut;
    await run();
    // The database goes away under the pooled client: the outage begins.
    old.alive = false;
    await expect(run()).rejects.toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(true);
    // It comes back: a new client answers and ends the outage.
    handOut = client();
    await run();
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store unreachable/), "store reachable again"]);
    // The old client, dead since before the recovery, is handed out again: refused, but no second outage.
    handOut = old;
    await expect(run()).rejects.toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(false);
    expect(lines).toHaveLength(2);
    // A client first handed out after the recovery that cannot reach the database is a new outage.
    handOut = client();
    await run();
    handOut.alive = false;
    await expect(run()).rejects.toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(true);
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(2);
  });

  it("an idle connection that fails never starts an outage by itself", () => {
    const { o, lines } = outage();
    expect(o.classifyIdle(withCode("read ECONNRESET", "ECONNRESET"))).toBeInstanceOf(StoreUnavailable);
    expect(o.down).toBe(false);
    expect(lines).toEqual([]);
  });

  it("while down, lets one connection attempt at a time find out whether the database is back; the others fail at once", async () => {
    const { o } = outage();
    let calls = 0;
    const pending: (() => void)[] = [];
    const open = () => pending.splice(0).forEach((resolve) => resolve());
    const connect = () => {
      calls++;
      return new Promise<string>((resolve) => pending.push(() => resolve("connection")));
    };
    // Reachable: nothing is held back.
    const a = o.attempt(connect);
    const b = o.attempt(connect);
    expect(calls).toBe(2);
    open();
    await Promise.all([a, b]);

    o.classify(withCode("connect ETIMEDOUT", "ETIMEDOUT"));
    calls = 0;
    const probe = o.attempt(connect);
    await expect(o.attempt(connect)).rejects.toBeInstanceOf(StoreUnavailable);
    expect(calls).toBe(1);
    open();
    await expect(probe).resolves.toBe("connection");
    const next = o.attempt(connect);
    expect(calls).toBe(2);
    open();
    await next;
  });
});
