import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { test, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real production server (`server.ts` over the `next build` output) on its own port and
 * data folder, always SQLite: e2e tests never touch a shared or remote database.
 */
export class WarRoomProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), "war-room-e2e-"));
  /** Chosen at the first start and kept, so a restart comes back on the same address. */
  private port: number | null;
  private child: ChildProcess | null = null;
  output = "";

  constructor(port: number | null = null) {
    this.port = port;
  }

  get url(): string {
    if (this.port === null) throw new Error("the server has not been started");
    return `http://127.0.0.1:${this.port}`;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.port ??= await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(this.port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: this.dataDir, NODE_ENV: "production", LOG_LEVEL: "warn", ...extraEnv };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stdout!.on("data", (d) => (this.output += d));
    child.stderr!.on("data", (d) => (this.output += d));
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (this.output.includes("War Room is live at")) {
          child.stdout!.off("data", onData);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`server exited with ${code} before it was ready:\n${this.output}`)));
    });
  }

  /** Stops the server with a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    this.child = null;
    return code;
  }

  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * One War Room for a spec file, started before its tests and stopped after them. `env` runs
 * just before the start (it may create what it names).
 */
export function warRoomForFile(env: () => Record<string, string> = () => ({})): WarRoomProcess {
  const srv = new WarRoomProcess();
  test.beforeAll(async () => {
    await srv.start(env());
  });
  test.afterAll(async () => {
    await srv.dispose();
  });
  return srv;
}

/** A page in a browser context of its own, whose user has already told the war room their display name. */
export async function person(browser: Browser, name: string, options: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, ...options });
  await ctx.addInitScript((n) => window.localStorage.setItem("war-room:display-name", n), name);
  return ctx.newPage();
}
