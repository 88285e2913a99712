import { spawn } from "node:child_process";

/**
 * The real server process (`server.ts --no-ui`) on SQLite in `dataDir` with `configFile`, for
 * tests that kill it with -9 and start it again on the same folder; `live` resolves with its URL
 * once it says it is live, `exited` with its exit code or signal.
 */
export function runServerProcess(dataDir: string, configFile: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], {
    env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", WAR_ROOM_DATA_DIR: dataDir, WAR_ROOM_CONFIG: configFile, LOG_LEVEL: "warn" },
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
