import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "./helpers";

function runServer(env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), "war-room-proc-"))) {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], {
    env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const live = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const m = out.match(/War Room is live at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  live.catch(() => undefined);
  return { child, exited, live, output: () => out };
}

describe("server process", () => {
  it("refuses to start on a bad config file, naming each problem's path and reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "war-room-cfg-"));
    const file = join(dir, "war-room.yaml");
    writeFileSync(file, "services:\n  - id: api\n    thresholds:\n      p99: { warn: 'fast' }\n  - id: API!\n");
    const p = runServer({ WAR_ROOM_CONFIG: file });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.output()).toContain(file);
    expect(p.output()).toMatch(/services\[0\]\.thresholds\.p99\.warn: .*number/);
    expect(p.output()).toMatch(/services\[1\]\.id: must be lower-case/);
  });

  it("refuses a second instance on the same SQLite data folder, and starts again after the first is killed -9", { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "war-room-single-"));
    const first = runServer({}, dataDir);
    try {
      await first.live;
      const second = runServer({}, dataDir);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`War Room cannot start: ${dataDir} is in use by another War Room process (pid ${first.child.pid}); SQLite serves one instance — use PostgreSQL and REDIS_URL to run several`);
      first.child.kill("SIGKILL");
      await first.exited;
      const third = runServer({}, dataDir);
      try {
        await third.live;
      } finally {
        third.child.kill("SIGKILL");
        await third.exited;
      }
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("on SIGTERM tells WebSocket clients to reconnect (1012) and exits 0", async () => {
    const p = runServer({});
    const url = await p.live;
    const c = new TestClient(url.replace("http", "ws") + "/ws");
    await c.opened;
    c.send({ type: "subscribe", channel: "board" });
    await c.next((f) => f.type === "snapshot");
    p.child.kill("SIGTERM");
    expect((await c.closed).code).toBe(1012);
    expect(await p.exited).toBe(0);
  });
});
