import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServerBundle } from "../scripts/server-bundle.mjs";

const ROOT = join(import.meta.dirname, "..");

/** `npm start` runs the server from a prebuilt bundle (scripts/server-bundle.mjs), not through tsx. */
describe("the production server bundle", () => {
  it("builds once, is reused while no source changed, and serves the war room with SQLite in its worker", async () => {
    const bundle = await ensureServerBundle(ROOT);
    const builtAt = statSync(bundle).mtimeMs;
    expect(await ensureServerBundle(ROOT)).toBe(bundle);
    expect(statSync(bundle).mtimeMs).toBe(builtAt);

    const dataDir = mkdtempSync(join(tmpdir(), "war-room-bundle-"));
    const child = spawn(process.execPath, ["--enable-source-maps", bundle, "--no-ui"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", HOST: "127.0.0.1", PORT: "0", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          out += d;
          const m = /War Room is live at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.on("data", (d) => (out += d));
        child.once("exit", (code) => reject(new Error(`the bundled server exited (${code}) before it was live: ${out}`)));
      });
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string; checks: { store: { ok: boolean; target: string } } };
      expect(health.status).toBe("ok");
      expect(health.checks.store).toMatchObject({ ok: true, target: expect.stringContaining("sqlite:") });
      // A write goes through the SQLite worker thread the bundle loads from beside itself.
      const declared = await fetch(`${url}/api/v1/incidents`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url },
        body: JSON.stringify({ title: "Bundle smoke", severity: "SEV3", services: ["checkout"] }),
      });
      expect(declared.status).toBe(201);
      const list = (await (await fetch(`${url}/api/v1/incidents`)).json()) as { incidents: { title: string }[] };
      expect(list.incidents.map((i) => i.title)).toContain("Bundle smoke");
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
