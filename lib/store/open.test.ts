import fs from "node:fs/promises";
import { spawn } from "node:child_process";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store";
import { assertLocalDatabaseUrl } from "./testing/local-database";

let dataDir: string;
beforeAll(async () => void (dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-open-"))));
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

describe("openStore on SQLite", () => {
  it("creates the data folder and sets the durability pragmas", async () => {
    const dir = path.join(dataDir, "nested", "data");
    const store = await openStore({ dataDir: dir });
    try {
      expect(store.describe()).toBe(`sqlite:${path.join(dir, "war-room.sqlite")}`);
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0])[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe(2); // FULL
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("busy_timeout")).toBe(5000);
    } finally {
      await store.close();
    }
  });

  it("rejects clearly when the data folder cannot hold a database", async () => {
    const file = path.join(dataDir, "not-a-dir");
    await fs.writeFile(file, "x");
    await expect(openStore({ dataDir: file })).rejects.toThrow(/Cannot open SQLite database/);
  });
});

describe("SQLite serves one instance", () => {
  const IN_USE = /^(.+) is in use by another War Room process \(pid (\d+|unknown)\); SQLite serves one instance — use PostgreSQL and REDIS_URL to run several$/;
  const inUse = async (dir: string): Promise<RegExpExecArray | null> => {
    const error = await openStore({ dataDir: dir }).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: unknown) => e,
    );
    return error instanceof Error ? IN_USE.exec(error.message) : null;
  };

  it("refuses a second store on a data folder that is open, and opens again once it is closed", async () => {
    const dir = path.join(dataDir, "single");
    const first = await openStore({ dataDir: dir });
    try {
      expect(await inUse(dir)).toEqual(expect.arrayContaining([dir, String(process.pid)]));
    } finally {
      await first.close();
    }
    const again = await openStore({ dataDir: dir });
    await again.close();
  });

  it("is not blocked by a process that held the folder and was killed -9", { timeout: 30_000 }, async () => {
    const dir = path.join(dataDir, "killed");
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./testing/hold-data-dir.ts", import.meta.url)), dir], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    try {
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const lines = readline.createInterface({ input: child.stdout });
      const held = await new Promise<boolean>((resolve) => {
        lines.on("line", (line) => line === `HELD ${child.pid}` && resolve(true));
        void exited.then(() => resolve(false));
      });
      lines.close();
      expect(held, stderr).toBe(true);
      expect(await inUse(dir)).toEqual(expect.arrayContaining([dir, String(child.pid)]));
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      const after = await openStore({ dataDir: dir });
      await after.close();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});

describe("openStore with a bad DATABASE_URL", () => {
  it.each([
    ["not a url", /DATABASE_URL is not a valid URL/],
    ["mysql://root:s3cret@127.0.0.1/db", /unsupported scheme "mysql:"/],
    ["postgres://u:s3cret@127.0.0.1:1/db", /Cannot connect to postgres:127\.0\.0\.1:1\/db/],
  ])("%s → rejects with a clear message and no password", async (databaseUrl, message) => {
    const error = await openStore({ databaseUrl, dataDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("rejects an unsafe schema name before connecting", async () => {
    await expect(openStore({ databaseUrl: "postgres://u@127.0.0.1:1/db", dataDir, pgSchema: 'x"; drop table drills; --' })).rejects.toThrow(/Invalid Postgres schema name/);
  });

  it("gives up on a server that accepts connections but never answers", { timeout: 15_000 }, async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => void sockets.add(s)).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const started = Date.now();
      await expect(openStore({ databaseUrl: `postgres://u@127.0.0.1:${port}/db`, dataDir })).rejects.toThrow(/Cannot connect .*timeout/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe("assertLocalDatabaseUrl", () => {
  it.each(["postgres://u@127.0.0.1/db", "postgres://u@localhost:5432/db", "postgres://u@[::1]/db", "postgres://u@localhost/db?host=/var/run/postgresql"])("accepts %s", (url) => {
    expect(() => assertLocalDatabaseUrl(url)).not.toThrow();
  });
  it.each(["postgres://u@db.prod.example.com/db", "postgres://u@localhost/db?host=10.0.0.5", "postgres:///db", "nonsense"])("refuses %s", (url) => {
    expect(() => assertLocalDatabaseUrl(url)).toThrow(/Refusing to run database tests/);
  });
});

const databaseUrl = process.env.DATABASE_URL;
describe.runIf(databaseUrl)("openStore on Postgres", () => {
  const url = databaseUrl ?? "";
  const schemas: string[] = [];
  const freshSchema = () => {
    const s = `wr_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    schemas.push(s);
    return s;
  };
  let admin: Store;
  beforeAll(async () => {
    assertLocalDatabaseUrl(url);
    admin = await openStore({ databaseUrl: url, dataDir, pgSchema: freshSchema() });
  });
  afterAll(async () => {
    for (const s of schemas) await sql`drop schema if exists ${sql.id(s)} cascade`.execute(admin.db);
    await admin?.close();
  });

  it("lets two instances start together on a fresh schema", async () => {
    const pgSchema = freshSchema();
    const [a, b] = await Promise.all([openStore({ databaseUrl: url, dataDir, pgSchema }), openStore({ databaseUrl: url, dataDir, pgSchema })]);
    await Promise.all([a.close(), b.close()]);
  });

  it("never shows the password it was given", async () => {
    const u = new URL(url);
    u.password = "s3cret";
    const store = await openStore({ databaseUrl: u.toString(), dataDir, pgSchema: freshSchema() });
    try {
      expect(store.describe()).toMatch(/^postgres:/);
      expect(store.describe()).not.toContain("s3cret");
    } finally {
      await store.close();
    }
  });

  it("reads bigint columns as numbers", async () => {
    const r = await sql<{ n: unknown }>`select cast(${String(Date.now())} as bigint) as n`.execute(admin.db);
    expect(typeof r.rows[0].n).toBe("number");
  });

  it("rejects a ping within its timeout when every connection is busy", async () => {
    const busy = Array.from({ length: 10 }, () => sql`select pg_sleep(1.5)`.execute(admin.db));
    const started = Date.now();
    await expect(admin.ping(200)).rejects.toThrow(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await Promise.all(busy);
  });
});
