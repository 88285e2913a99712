import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dataDir = mkdtempSync(join(tmpdir(), "war-room-inc-durable-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The real server process on SQLite in `dataDir`; resolves with its URL once it says it is live. */
function runServer() {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], {
    env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const live = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/War Room is live at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before it was live: ${out}`)));
  });
  return { child, exited, live };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify(body) });

describe("incident durability", () => {
  it("an incident and an entry acknowledged with 201 survive kill -9", { timeout: 60_000 }, async () => {
    const first = runServer();
    const base = await first.live;
    const declared = await post(`${base}/api/v1/incidents`, { title: "Checkout down", severity: "SEV1", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const { incident } = await declared.json();
    const noted = await post(`${base}/api/v1/incidents/${incident.id}/timeline`, { kind: "decision", body: "Fail over to eu-west" });
    expect(noted.status).toBe(201);
    const { entry } = await noted.json();
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServer();
    try {
      const again = await second.live;
      const r = await fetch(`${again}/api/v1/incidents/${incident.id}`);
      expect(r.status).toBe(200);
      const detail = await r.json();
      expect(detail.incident).toMatchObject({ id: incident.id, number: incident.number, title: "Checkout down" });
      expect(detail.timeline.map((e: { id: string }) => e.id)).toContain(entry.id);
      expect(detail.timeline.find((e: { id: string }) => e.id === entry.id)).toEqual(entry);
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
